"""/fragments, Triple Pattern Fragments, against a real ``bd4m-kg serve`` on every kind of store.

Each format parses with rdflib and carries the Hydra search form, the counts and the paging links;
walking ``hydra:next`` from the first page gives exactly what /sparql gives for the same pattern;
a malformed term gets a 400 naming its parameter. Then Comunica (npm ``@comunica/query-sparql``,
pinned in ``tests/clients/comunica/package-lock.json``, installed there with ``npm ci`` on first
use), run as its own process by ``tests/clients/comunica/query.mjs`` with /fragments as its only
source, answers every named query as /sparql does. Without Node.js and npm those tests skip (and
fail on CI, which installs them).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
from collections import Counter
from pathlib import Path

import pytest
import requests
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from bd4m_kg.sparql.named_queries import load_named_queries
from conftest import CHECKOUT, require_tool

CLIENT = CHECKOUT / "tests" / "clients" / "comunica"
HYDRA = "http://www.w3.org/ns/hydra/core#"
VOID_TRIPLES = URIRef("http://rdfs.org/ns/void#triples")
TOTAL = URIRef(HYDRA + "totalItems")
NEXT = URIRef(HYDRA + "next")
TEMPLATE = URIRef(HYDRA + "template")
BASE = "https://w3id.org/bd4m/"
PROJECT = f"{BASE}ontology#Project"
KENYA = f"{BASE}id/project/cameroon-refugee-mapping"  # a record of data/
FORMATS = {"text/turtle": "turtle", "application/trig": "trig", "application/ld+json": "json-ld"}
QUERY_SECONDS = 240  # per named query through Comunica (the slowest takes about a tenth of it here)
NAMED = load_named_queries()


def fragment(url: str, accept: str = "application/trig", **params: str) -> requests.Response:
    response = requests.get(f"{url}/fragments", params=params, headers={"Accept": accept}, timeout=60)
    assert response.status_code == 200, response.text
    return response


def parsed(response: requests.Response, syntax: str) -> Dataset:
    data = Dataset()
    data.parse(data=response.content, format=syntax, publicID=response.url)
    return data


def metadata_graph(data: Dataset) -> Graph:
    """The graph named ``…#metadata`` (the page's counts and controls)."""
    found = [g for g in data.graphs() if str(g.identifier).endswith("#metadata")]
    assert len(found) == 1
    return found[0]


def walk(url: str, **params: str) -> tuple[list[tuple], int, int]:
    """Every data triple (or quad) of a fragment, following hydra:next; its count; the pages read."""
    found: list[tuple] = []
    page_url = requests.Request("GET", f"{url}/fragments", params=params).prepare().url
    pages, total = 0, None
    while page_url:
        response = requests.get(page_url, headers={"Accept": "application/n-quads"}, timeout=60)
        assert response.status_code == 200, response.text
        data = parsed(response, "nquads")
        meta = metadata_graph(data)
        page = URIRef(page_url)
        counts = {int(meta.value(page, VOID_TRIPLES)), int(meta.value(page, TOTAL))}
        assert len(counts) == 1 and (total is None or counts == {total})
        total = counts.pop()
        for s, p, o, g in data.quads():
            if g != meta.identifier:
                found.append((s, p, o, g) if "graph" in params else (s, p, o))
        following = meta.value(page, NEXT)
        page_url = str(following) if following is not None else None
        pages += 1
    return found, total, pages


def sparql_rows(url: str, query: str) -> list[dict]:
    response = requests.get(
        f"{url}/sparql",
        params={"query": query},
        headers={"Accept": "application/sparql-results+json"},
        timeout=120,
    )
    assert response.status_code == 200, response.text
    return response.json()["results"]["bindings"]


def rdflib_term(value: dict):
    if value["type"] == "uri":
        return URIRef(value["value"])
    if value["type"] == "bnode":
        return BNode(value["value"])
    return Literal(value["value"], lang=value.get("xml:lang"), datatype=value.get("datatype"))


def same_statements(walked: list[tuple], rows: list[dict], names: tuple[str, ...]) -> bool:
    """The same multiset of statements, a blank node matching any blank node (labels are per answer)."""

    def shape(statement: tuple) -> tuple:
        return tuple("_:" if isinstance(t, BNode) else t for t in statement)

    expected = [tuple(rdflib_term(row[n]) for n in names) for row in rows]
    return Counter(map(shape, walked)) == Counter(map(shape, expected))


PATTERNS = {
    "labels": (
        {"predicate": str(RDFS.label)},
        f"SELECT ?s ?p ?o WHERE {{ ?s ?p ?o FILTER(?p = <{RDFS.label}>) }}",
    ),
    "projects": (
        {"predicate": str(RDF.type), "object": PROJECT},
        f"SELECT ?s ?p ?o WHERE {{ ?s ?p ?o FILTER(?p = <{RDF.type}> && ?o = <{PROJECT}>) }}",
    ),
    "one subject": ({"subject": KENYA}, f"SELECT ?s ?p ?o WHERE {{ ?s ?p ?o FILTER(?s = <{KENYA}>) }}"),
    "everything": ({}, "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"),
}


@pytest.mark.parametrize("accept", sorted(FORMATS))
def test_each_format_parses_with_its_controls_and_counts(served, accept):
    url, _ = served
    response = fragment(url, accept, predicate=str(RDFS.label))
    assert response.headers["Content-Type"].startswith(accept)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    data = parsed(response, FORMATS[accept])
    everything = Graph()
    for s, p, o, _ in data.quads():
        everything.add((s, p, o))
    templates = [str(t) for t in everything.objects(None, TEMPLATE)]
    assert templates == [f"{url}/fragments{{?subject,predicate,object}}"]
    page = URIRef(response.url)
    total = everything.value(page, VOID_TRIPLES)
    assert total is not None and int(total) == int(everything.value(page, TOTAL)) > 100
    assert (URIRef(f"{BASE}dataset"), URIRef("http://rdfs.org/ns/void#subset"), page) in everything
    assert everything.value(page, NEXT) is not None
    labels = list(everything.triples((None, RDFS.label, None)))
    assert len(labels) == 100  # one page
    if accept != "text/turtle":  # the data in the default graph, the metadata in a graph of their own
        assert len(list(data.default_graph.triples((None, RDFS.label, None)))) == 100
        assert (None, TEMPLATE, None) in metadata_graph(data)


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_paging_walks_every_triple_as_sparql_answers_them(served, name):
    url, _ = served
    params, query = PATTERNS[name]
    walked, total, pages = walk(url, **params)
    assert total == len(walked) > 0
    assert pages == -(-total // 100)
    assert same_statements(walked, sparql_rows(url, query), ("s", "p", "o"))


def test_a_literal_object_is_found_by_its_value_language_and_datatype(served):
    url, _ = served
    [row] = sparql_rows(url, f"SELECT ?l WHERE {{ <{KENYA}> <{RDFS.label}> ?l }}")
    text = f'"{row["value"]["value"] if "value" in row else row["l"]["value"]}"@{row["l"]["xml:lang"]}'
    walked, total, _ = walk(url, predicate=str(RDFS.label), object=text)
    assert total == 1 and walked == [(URIRef(KENYA), RDFS.label, rdflib_term(row["l"]))]
    walked, total, _ = walk(url, object=text.rsplit("@", 1)[0] + "@zz")
    assert total == 0 and walked == []


def test_a_quad_pattern_names_the_graphs(served):
    url, _ = served
    graph = f"{BASE}graph/project/cameroon-refugee-mapping"
    walked, total, _ = walk(url, graph=graph)
    rows = sparql_rows(url, f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    assert total == len(rows) > 0
    assert {(s, p, o) for s, p, o, g in walked} == {tuple(rdflib_term(r[n]) for n in "spo") for r in rows}
    assert {str(g) for *_, g in walked} == {graph}
    walked, total, _ = walk(url, subject=KENYA, graph="?g")
    assert total > 0 and {str(g) for *_, g in walked} == {graph}
    turtle = requests.get(
        f"{url}/fragments", params={"graph": graph}, headers={"Accept": "text/turtle"}, timeout=30
    )
    assert turtle.status_code == 406  # quads need a format with graphs


def test_equal_variable_names_match_equal_terms(served):
    url, _ = served
    walked, total, _ = walk(url, subject="?x", object="?x")
    rows = sparql_rows(url, "SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(?s = ?o) }")
    assert total == len(walked) == len(rows)


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"subject": '"a literal"'}, "subject"),
        ({"predicate": "label"}, "predicate"),
        ({"object": '"x"^^not-an-iri'}, "object"),
        ({"object": '"x"@not a tag'}, "object"),
        ({"object": '"unclosed'}, "object"),
        ({"object": "_:b0"}, "object"),
        ({"subject": "?no-dashes"}, "subject"),
        ({"graph": '"g"'}, "graph"),
        ({"page": "0"}, "page"),
        ({"page": "two"}, "page"),
        ({"subjcet": KENYA}, "subjcet"),
    ],
)
def test_a_malformed_term_gets_a_400_naming_its_parameter(served, params, parameter):
    url, _ = served
    response = requests.get(
        f"{url}/fragments", params=params, headers={"Accept": "application/json"}, timeout=30
    )
    assert response.status_code == 400
    body = response.json()
    assert body["ok"] is False and body["parameter"] == parameter and parameter in body["error"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_a_page_is_kept_by_the_answer_cache(served):
    url, _ = served
    first = fragment(url, subject=KENYA)
    again = requests.get(
        first.url, headers={"Accept": "application/trig", "If-None-Match": first.headers["ETag"]}, timeout=30
    )
    assert again.status_code == 304


@pytest.fixture(scope="session")
def comunica() -> Path:
    """Comunica installed from the lock file (again only when the lock file changed)."""
    node = require_tool(("node",), "Node.js is not installed: the Comunica test needs Node 20+")
    npm = require_tool(
        ("npm",), "npm is not installed: the Comunica test installs @comunica/query-sparql with it"
    )
    wanted = hashlib.sha256((CLIENT / "package-lock.json").read_bytes()).hexdigest()
    stamp = CLIENT / "node_modules" / ".installed"
    if not (stamp.exists() and stamp.read_text() == wanted):
        done = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"], cwd=CLIENT, capture_output=True, text=True, timeout=600
        )
        if done.returncode != 0:
            message = f"npm ci of Comunica failed in {CLIENT}:\n{done.stdout[-2000:]}{done.stderr[-2000:]}"
            if os.environ.get("CI") == "true":
                pytest.fail(message)
            pytest.skip(message)
        stamp.write_text(wanted)
    return Path(node)


def grouped(query: str) -> dict[str, str]:
    """Each GROUP_CONCAT variable of a query and its separator (a space unless it says)."""
    found = {}
    for inner, name in re.findall(r"GROUP_CONCAT\((.*?)\)\s+AS\s+\?(\w+)", query, re.IGNORECASE | re.DOTALL):
        separator = re.search(r'separator\s*=\s*"([^"]*)"', inner, re.IGNORECASE)
        found[name] = separator.group(1) if separator else " "
    return found


def comparable(row: dict, concatenated: dict[str, str]) -> tuple[tuple, dict]:
    """A row's plain values (sorted by variable) and its concatenations as sorted parts."""

    def value(term: dict) -> tuple:
        kind = term["type"].replace("typed-literal", "literal")
        datatype = term.get("datatype", "")
        return (
            kind,
            term["value"],
            term.get("xml:lang", "").lower(),
            "" if datatype.endswith("#string") else datatype,
        )

    plain = tuple(sorted((n, value(t)) for n, t in row.items() if n not in concatenated))
    parts = {n: sorted(row[n]["value"].split(concatenated[n])) for n in concatenated if n in row}
    return plain, parts


def assert_same_answers(mine: list[dict], expected: list[dict], concatenated: dict[str, str]) -> None:
    """The same rows as a multiset. A concatenation is compared as its sorted parts, by value: Oxigraph
    keeps the parts' common language tag and Comunica gives none, and where Oxigraph leaves it unbound
    (a part of the group was unbound: an error, which makes the aggregate an error there) Comunica
    concatenates the bound parts, so only those /sparql binds are compared."""
    ours = [comparable(row, concatenated) for row in mine]
    theirs = [comparable(row, concatenated) for row in expected]
    assert Counter(plain for plain, _ in ours) == Counter(plain for plain, _ in theirs)
    by_row = {plain: parts for plain, parts in ours}
    for plain, parts in theirs:
        for name, values in parts.items():
            assert by_row[plain].get(name) == values, (plain, name)


@pytest.mark.parametrize("name", sorted(NAMED))
def test_comunica_answers_every_named_query_as_sparql_does(served, comunica, name, tmp_path):
    url, _ = served
    text = NAMED[name].standalone()
    (tmp_path / "query.rq").write_text(text)
    done = subprocess.run(
        [str(comunica), "query.mjs", f"{url}/fragments", str(tmp_path / "query.rq")],
        cwd=CLIENT,
        capture_output=True,
        text=True,
        timeout=QUERY_SECONDS,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    answer = json.loads(done.stdout)
    print(f"{name}: {answer['seconds']:.1f} s, {answer['requests']} requests")  # the measurements
    expected = sparql_rows(url, text)
    assert_same_answers(answer["results"]["bindings"], expected, grouped(text))
