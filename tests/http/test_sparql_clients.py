"""Real SPARQL clients against ``bd4m-kg serve`` on both kinds of store: SPARQLWrapper (GET and POST,
every results and graph format) and rdflib's SPARQLStore, answers checked against the data."""

from __future__ import annotations

import csv
import io

import pytest
import requests
from rdflib import Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import (
    CSV,
    GET,
    JSON,
    JSONLD,
    N3,
    POST,
    POSTDIRECTLY,
    RDFXML,
    TSV,
    TURTLE,
    URLENCODED,
    XML,
    SPARQLWrapper,
)

from conftest import BUILT_TRIPLES

HOLDERS = """
PREFIX bd4m: <https://w3id.org/bd4m/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX role: <https://w3id.org/bd4m/vocab/role/>
SELECT DISTINCT ?project WHERE {
  ?project bd4m:involvement [ prov:agent <https://w3id.org/bd4m/id/organisation/turk-telekom> ;
                              prov:hadRole role:data-holder ] .
} ORDER BY ?project
"""
EXPECTED = [  # Türk Telekom holds the data of these projects (directory-facts.md rows 20, 21, 22)
    "https://w3id.org/bd4m/id/project/data-for-refugees-challenge",
    "https://w3id.org/bd4m/id/project/hummingbird-h2020",
    "https://w3id.org/bd4m/id/project/turkey-cdr-refugee-integration",
]
IOM = URIRef("https://w3id.org/bd4m/id/organisation/iom")
LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")


def wrapper(url: str, method: str, request_method: str = URLENCODED) -> SPARQLWrapper:
    client = SPARQLWrapper(f"{url}/sparql")
    client.setMethod(method)
    client.setRequestMethod(request_method)
    return client


@pytest.mark.parametrize(
    ("method", "request_method"), [(GET, URLENCODED), (POST, URLENCODED), (POST, POSTDIRECTLY)]
)
def test_sparqlwrapper_select_as_json(served, method, request_method):
    client = wrapper(served[0], method, request_method)
    client.setQuery(HOLDERS)
    client.setReturnFormat(JSON)
    rows = client.query().convert()["results"]["bindings"]
    assert [row["project"]["value"] for row in rows] == EXPECTED


@pytest.mark.parametrize("method", [GET, POST])
def test_sparqlwrapper_select_as_xml_csv_tsv(served, method):
    client = wrapper(served[0], method)
    client.setQuery(HOLDERS)
    client.setReturnFormat(XML)
    document = client.query().convert()
    assert [node.firstChild.nodeValue for node in document.getElementsByTagName("uri")] == EXPECTED
    for return_format, delimiter in ((CSV, ","), (TSV, "\t")):
        client.setReturnFormat(return_format)
        text = client.query().convert().decode("utf-8")
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
        values = [row[0].strip("<>") for row in rows[1:]]
        assert rows[0][0].lstrip("?") == "project" and values == EXPECTED


def test_sparqlwrapper_ask(served):
    client = wrapper(served[0], GET)
    client.setQuery(f"ASK {{ <{IOM}> ?p ?o }}")
    client.setReturnFormat(JSON)
    assert client.query().convert()["boolean"] is True


@pytest.mark.parametrize("method", [GET, POST])
@pytest.mark.parametrize("return_format", [TURTLE, RDFXML, JSONLD, N3])
@pytest.mark.parametrize("form", ["CONSTRUCT WHERE {{ <{iom}> ?p ?o }}", "DESCRIBE <{iom}>"])
def test_sparqlwrapper_graphs(served, method, return_format, form):
    client = wrapper(served[0], method)
    client.setQuery(form.format(iom=IOM))
    client.setReturnFormat(return_format)
    result = client.query().convert()
    graph = result if isinstance(result, Graph) else Graph().parse(data=result, format="turtle")
    assert (IOM, LABEL, None) in graph
    assert str(graph.value(IOM, LABEL)) == "International Organization for Migration"


@pytest.mark.parametrize("method", ["GET", "POST", "POST_FORM"])
def test_rdflib_sparqlstore(served, method):
    store = SPARQLStore(f"{served[0]}/sparql", method=method, returnFormat="json")
    rows = list(store.query(HOLDERS))
    assert [str(row.project) for row in rows] == EXPECTED
    graph = Graph(store=store)
    assert str(graph.value(IOM, LABEL)) == "International Organization for Migration"


JETSON = "https://w3id.org/bd4m/graph/project/project-jetson"
IOM_GRAPH = "https://w3id.org/bd4m/graph/organisation/iom"
COUNT_DEFAULT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
COUNT_BOTH = "SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"


def count(url: str, query: str, **dataset: list[str]) -> int:
    params = [("query", query)] + [(k.replace("_", "-"), v) for k, vs in dataset.items() for v in vs]
    response = requests.get(f"{url}/sparql", params=params, timeout=30)
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def test_the_dataset_on_both_kinds_of_store(served):
    url = served[0]
    union, jetson = count(url, COUNT_DEFAULT), count(url, COUNT_DEFAULT, default_graph_uri=[JETSON])
    assert union == BUILT_TRIPLES and 10 < jetson < 100
    assert count(url, f"SELECT (COUNT(*) AS ?n) FROM <{JETSON}> WHERE {{ ?s ?p ?o }}") == jetson
    assert (
        count(url, COUNT_DEFAULT, named_graph_uri=[JETSON]) == 0
    )  # named graphs only: an empty default graph
    assert count(url, COUNT_BOTH, named_graph_uri=[JETSON]) == jetson
    assert count(url, f"SELECT (COUNT(*) AS ?n) FROM NAMED <{JETSON}> WHERE {{ ?s ?p ?o }}") == 0
    assert count(url, COUNT_BOTH, default_graph_uri=[IOM_GRAPH]) == count(
        url, COUNT_DEFAULT, default_graph_uri=[IOM_GRAPH]
    )
    if served[1][1].startswith("virtuoso+"):
        pytest.xfail(
            "Virtuoso adds the query's FROM to the Protocol's default-graph-uri instead of replacing it"
        )
    from_jetson = f"SELECT (COUNT(*) AS ?n) FROM <{JETSON}> WHERE {{ ?s ?p ?o }}"
    assert count(url, from_jetson, default_graph_uri=[IOM_GRAPH]) == count(
        url, COUNT_DEFAULT, default_graph_uri=[IOM_GRAPH]
    )


@pytest.mark.parametrize(
    ("query", "column"),
    [("SELECT * WHERE { ?s ?p ?o ", 27), ("SELECT * WHERE { <relative> ?p ?o } LIMT 3", 43)],
)
def test_a_syntax_error_points_at_the_users_own_column_on_every_engine(served, query, column):
    answer = requests.post(f"{served[0]}/sparql", data={"query": query}, timeout=60)
    assert answer.status_code == 400
    if "virtuoso" in served[1][1]:
        return  # Virtuoso words its errors its own way: no engine position to show
    body = answer.json()
    assert (body["line"], body["column"]) == (1, column), body  # not shifted by the BASE sent before it
    assert body["excerpt"] == f"{query}\n{' ' * (column - 1)}^"
