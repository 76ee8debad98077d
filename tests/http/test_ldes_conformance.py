"""``/changes`` as an LDES harvester meets it: each response of a real ``bd4m-kg serve`` (every kind
of store), in each format it offers, checked with pySHACL against the LDES 1.0 (LR2.x) and TREE
requirement shapes, as the suites' ``build/*.txt`` combine them for that kind of response:

- the collection response (``/changes``, the stream's IRI): TREE common + collection, LDES common
  + event stream;
- the root page (``/changes/page/0``, the stream's ``tree:view``): TREE common + root, LDES common
  + root;
- subsequent pages (page 1, full and immutable, and the newest, still open): TREE common +
  subsequent, LDES common + subsequent.

A run is one shapes graph, as the suites' release builds it, because the LDES files deactivate TREE
shapes they replace (LR2.1 turns off TR3.5's "typed tree:Collection exactly once"). The TREE and
LDES vocabularies the shapes import (``owl:imports``) are not fetched; the two of their axioms the
shapes depend on are given as the ontology graph (:data:`VOCABULARY`), without which the shapes
targeting ``tree:Collection`` and ``tree:Relation`` would find nothing to check. Violations and
warnings (MUST and SHOULD) fail; infos (MAY) are allowed. The suites are read from
``../shared/testsuites`` (never copied); without them the tests skip.
"""

from __future__ import annotations

from pathlib import Path

import pyshacl
import pytest
import requests
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import RDF, SH

from conftest import CHECKOUT, require_shared

SUITES = CHECKOUT.parent / "shared" / "testsuites"
TREE_SUITE, LDES_SUITE = SUITES / "tree-shacl", SUITES / "ldes-shacl"
TREE = "https://w3id.org/tree#"
LDES = "https://w3id.org/ldes#"
FORMATS = {  # what a harvester asks for -> the rdflib parser
    "text/turtle": "turtle",
    "application/trig": "trig",
    "application/n-quads": "nquads",
    "application/ld+json": "json-ld",
}
# response kind -> (the TREE build list, the LDES build list) naming its shape files
KINDS = {
    "collection": ("collection", "event-stream"),
    "root": ("root", "root"),
    "subsequent": ("subsequent", "subsequent"),
}
VOCABULARY = f"""
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<{LDES}EventStream> rdfs:subClassOf <{TREE}Collection> .
<{TREE}GreaterThanOrEqualToRelation> rdfs:subClassOf <{TREE}Relation> .
"""


def shape_files(kind: str) -> list[Path]:
    """The suites' shape files for one kind of response, in their build lists' order."""
    require_shared(TREE_SUITE, "The TREE requirement shapes (../shared/testsuites/tree-shacl)")
    require_shared(LDES_SUITE, "The LDES requirement shapes (../shared/testsuites/ldes-shacl)")
    tree_list, ldes_list = KINDS[kind]
    files = []
    for suite, node in ((TREE_SUITE, tree_list), (LDES_SUITE, ldes_list)):
        for build in ("shapes-common.txt", f"shapes-node-{node}.txt"):
            names = (suite / "build" / build).read_text().split()
            files += [suite / "src" / name for name in names]
    return files


def shapes_graph(kind: str) -> Graph:
    graph = Graph()
    for path in shape_files(kind):
        graph.parse(path, format="turtle")
    return graph


def fetch(url: str, accept: str) -> tuple[requests.Response, Graph]:
    """The response and its default graph (what the shapes check: the page, not the members' content)."""
    response = requests.get(url, headers={"Accept": accept}, timeout=60)
    assert response.status_code == 200, response.text[:500]
    assert response.headers["Content-Type"].startswith(accept)
    dataset = Dataset()
    dataset.parse(data=response.content, format=FORMATS[accept], publicID=url)
    return response, dataset.default_graph


def problems(data: Graph, kind: str) -> list[str]:
    """The violations and warnings of the shapes for ``kind`` on ``data``, each with its message."""
    _, report, _ = pyshacl.validate(
        data,
        shacl_graph=shapes_graph(kind),
        ont_graph=Graph().parse(data=VOCABULARY, format="turtle"),
        inference="none",
        allow_infos=True,
        allow_warnings=False,
    )
    found = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        severity = report.value(result, SH.resultSeverity)
        if severity in (SH.Violation, SH.Warning):
            focus, message = report.value(result, SH.focusNode), report.value(result, SH.resultMessage)
            found.append(f"{severity.split('#')[-1]} on {focus}: {message}")
    return sorted(found)


def newest_page(url: str) -> int:
    number = 0
    while requests.head(f"{url}/changes/page/{number + 1}", timeout=30).status_code == 200:
        number += 1
    return number


@pytest.fixture(scope="module")
def feed(served) -> str:
    url = served[0]
    assert newest_page(url) >= 2, "the built store should fill more than two pages of members"
    return url


@pytest.mark.parametrize("accept", FORMATS)
def test_the_collection_response_conforms(feed, accept):
    _, data = fetch(f"{feed}/changes", accept)
    assert problems(data, "collection") == []


@pytest.mark.parametrize("accept", FORMATS)
def test_the_root_page_conforms(feed, accept):
    _, data = fetch(f"{feed}/changes/page/0", accept)
    assert problems(data, "root") == []
    stream = URIRef(f"{feed}/changes")
    assert data.value(stream, URIRef(f"{TREE}view")) == URIRef(f"{feed}/changes/page/0")
    root = URIRef(f"{feed}/changes/page/0")
    assert data.value(root, URIRef(f"{LDES}retentionPolicy")) is not None


@pytest.mark.parametrize("accept", FORMATS)
def test_subsequent_pages_conform(feed, accept):
    for number in sorted({1, newest_page(feed)}):
        _, data = fetch(f"{feed}/changes/page/{number}", accept)
        assert problems(data, "subsequent") == [], f"page {number}"


def test_the_stream_says_what_a_harvester_needs(feed):
    """Paths, the members' shape (given in the page, pointing at the record shapes), polling, retention."""
    _, data = fetch(f"{feed}/changes", "application/trig")
    stream = URIRef(f"{feed}/changes")
    shape = data.value(stream, URIRef(f"{TREE}shape"))
    assert (shape, RDF.type, SH.NodeShape) in data
    assert data.value(shape, URIRef("http://www.w3.org/2000/01/rdf-schema#seeAlso")) == URIRef(
        f"{feed}/shapes"
    )
    assert requests.get(f"{feed}/shapes", headers={"Accept": "text/turtle"}, timeout=60).status_code == 200
    assert int(data.value(stream, URIRef(f"{LDES}pollingInterval"))) > 0
    policy = data.value(URIRef(f"{feed}/changes/page/0"), URIRef(f"{LDES}retentionPolicy"))
    first = data.value(policy, URIRef(f"{LDES}startingFrom"))
    times = sorted(data.objects(None, URIRef("http://www.w3.org/ns/prov#generatedAtTime")))
    assert first == times[0]  # kept from the first member on: all of them


def test_full_pages_are_immutable_and_open_ones_are_polled(feed):
    """LDES: a page that gets no more members says ``immutable``; one that may says ``max-age``."""
    assert "immutable" in requests.get(f"{feed}/changes/page/0", timeout=30).headers["Cache-Control"]
    for open_one in (f"{feed}/changes", f"{feed}/changes/page/{newest_page(feed)}"):
        control = requests.get(open_one, timeout=30).headers["Cache-Control"]
        assert "immutable" not in control and "max-age=" in control


def test_the_shapes_find_what_they_check(feed):
    """The check is not empty: a root page that lost its view, or with two timestamp paths, fails."""
    _, data = fetch(f"{feed}/changes/page/0", "application/trig")
    stream = URIRef(f"{feed}/changes")
    broken = Graph()
    for triple in data:
        broken.add(triple)
    broken.remove((stream, URIRef(f"{TREE}view"), None))
    broken.add((stream, URIRef(f"{LDES}timestampPath"), URIRef("http://purl.org/dc/terms/modified")))
    found = "\n".join(problems(broken, "root"))
    assert "TR3.2" in found and "LR2.2" in found
