"""The SPARQL 1.1 Protocol query operation at /sparql, request by request (Flask's test client on an
app from the factory, over a real embedded store built from the checkout)."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from urllib.parse import quote

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import Namespace

from conftest import BUILT_TRIPLES

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
PROJECTS = "SELECT (COUNT(?p) AS ?n) WHERE { ?p a <https://w3id.org/bd4m/ontology#Project> }"
JETSON = "https://w3id.org/bd4m/graph/project/project-jetson"
IOM = "https://w3id.org/bd4m/id/organisation/iom"


def count(response) -> int:
    assert response.status_code == 200, response.get_data(as_text=True)
    return int(response.json["results"]["bindings"][0]["n"]["value"])


def error_of(response, status: int) -> str:
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.json
    assert body["ok"] is False and body["status"] == status and body["error"]
    return body["error"]


# -- the three ways to send a query --------------------------------------------------------------


def test_query_by_get(client):
    # the count grows with the records read from the leads (issue 22)
    assert count(client.get(f"/sparql?query={quote(PROJECTS)}")) == 95


def test_query_by_post_form(client):
    # the count grows with the records read from the leads (issue 22)
    assert count(client.post("/sparql", data={"query": PROJECTS})) == 95


def test_query_by_post_direct_with_a_charset(client):
    response = client.post("/sparql", data=PROJECTS, content_type="application/sparql-query; charset=utf-8")
    # the count grows with the records read from the leads (issue 22)
    assert count(response) == 95


# -- errors the Protocol describes ----------------------------------------------------------------


def test_missing_query_is_400(client):
    assert "no query parameter" in error_of(client.post("/sparql", data={"default-graph-uri": JETSON}), 400)


def test_repeated_query_is_400(client):
    response = client.get(f"/sparql?query={quote(PROJECTS)}&query={quote(PROJECTS)}")
    assert "exactly one" in error_of(response, 400)


def test_query_in_form_and_url_is_400(client):
    response = client.post(f"/sparql?query={quote(PROJECTS)}", data={"query": PROJECTS})
    assert "not both" in error_of(response, 400)


def test_wrong_media_type_is_415(client):
    response = client.post("/sparql", data=PROJECTS, content_type="text/plain")
    assert "application/sparql-query" in error_of(response, 415)


def test_wrong_method_is_405_with_allow(client):
    for method in ("put", "delete", "patch"):
        response = getattr(client, method)("/sparql")
        error_of(response, 405)
        assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}


def test_syntax_error_is_400_with_the_engines_position_and_the_line_marked(client):
    broken = "SELECT * WHERE {\n  ?s ?p \n}"
    response = client.get(f"/sparql?query={quote(broken)}")
    message = error_of(response, 400)
    assert message.startswith("the query is not valid SPARQL: line 3, column 2: expected")  # the engine's
    assert response.json["line"] == 3 and response.json["column"] == 2
    assert response.json["excerpt"] == "}\n ^"


@pytest.mark.parametrize(
    ("query", "line", "column", "excerpt"),
    [
        ("SELECT * WHERE { ?s ?p ?o ", 1, 27, "SELECT * WHERE { ?s ?p ?o \n" + " " * 26 + "^"),  # at the end
        ("SELECT * FROM <urn:g> WHERE {\n ?s ?p }", 2, 2, " ?s ?p }\n ^"),  # FROM: rdflib's report
    ],
)
def test_a_syntax_error_is_short_and_points_at_its_spot(client, query, line, column, excerpt):
    response = client.post("/sparql", data={"query": query})
    message = error_of(response, 400)
    assert f"line {line}, column {column}: " in message
    assert len(message) < 200  # no grammar dump
    assert response.json["excerpt"] == excerpt


def test_a_body_that_is_not_utf8_is_400(client):
    response = client.post(
        "/sparql", data="ASK { ?s ?p 'é' }".encode("latin-1"), content_type="application/sparql-query"
    )
    assert "not UTF-8" in error_of(response, 400)


def test_an_update_sent_to_the_query_endpoint_is_400(client):
    response = client.post("/sparql", data={"update": "CLEAR ALL"})
    assert "/update" in error_of(response, 400)


def test_a_dataset_iri_must_be_absolute(client):
    response = client.get(f"/sparql?query={quote(PROJECTS)}&default-graph-uri=not%20an%20iri")
    assert "absolute IRI" in error_of(response, 400)


# -- the dataset ---------------------------------------------------------------------------------


def test_default_graph_is_the_union_of_all_graphs(client):
    everything = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert count(client.get(f"/sparql?query={quote(everything)}")) == BUILT_TRIPLES


def test_default_graph_uri_selects_graphs_of_the_store(client):
    everything = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    jetson = count(client.get(f"/sparql?query={quote(everything)}&default-graph-uri={quote(JETSON)}"))
    assert 10 < jetson < 100
    unknown = count(client.get(f"/sparql?query={quote(everything)}&default-graph-uri=http://127.0.0.1:9/x"))
    assert unknown == 0  # a graph the store does not have is empty, never fetched


def test_named_graph_uri_without_default_graph_uri_leaves_the_default_graph_empty(client):
    query = "SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
    named = count(client.get(f"/sparql?query={quote(query)}&named-graph-uri={quote(JETSON)}"))
    default_only = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert count(client.get(f"/sparql?query={quote(default_only)}&named-graph-uri={quote(JETSON)}")) == 0
    assert 10 < named < 100


def test_from_in_the_query_is_its_dataset_and_the_protocol_overrides_it(client):
    query = f"SELECT (COUNT(*) AS ?n) FROM <{JETSON}> WHERE {{ ?s ?p ?o }}"
    jetson = count(client.get(f"/sparql?query={quote(query)}"))
    assert 10 < jetson < 100
    iom_graph = "https://w3id.org/bd4m/graph/organisation/iom"
    overridden = count(client.get(f"/sparql?query={quote(query)}&default-graph-uri={quote(iom_graph)}"))
    assert overridden != jetson and 3 < overridden < 20


# -- formats and negotiation ---------------------------------------------------------------------

SELECT_LABEL = f"SELECT ?label WHERE {{ <{IOM}> <http://www.w3.org/2000/01/rdf-schema#label> ?label }}"


@pytest.mark.parametrize(
    ("accept", "content_type"),
    [
        (None, "application/sparql-results+json"),
        ("*/*", "application/sparql-results+json"),
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv; charset=utf-8"),
        ("text/tab-separated-values", "text/tab-separated-values; charset=utf-8"),
        ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
        ("application/sparql-results+json;q=0, */*;q=0.1", "application/sparql-results+xml"),
        ("text/csv; charset=utf-8", "text/csv; charset=utf-8"),
    ],
)
def test_select_results_in_every_format(client, accept, content_type):
    headers = {"Accept": accept} if accept else {}
    response = client.get(f"/sparql?query={quote(SELECT_LABEL)}", headers=headers)
    assert response.status_code == 200 and response.headers["Content-Type"] == content_type
    assert response.headers["Vary"] == "Accept"
    if content_type.startswith("text/csv"):
        assert response.get_data(as_text=True) == "label\r\nInternational Organization for Migration\r\n"
        return
    format = {
        "application/sparql-results+json": ox.QueryResultsFormat.JSON,
        "application/sparql-results+xml": ox.QueryResultsFormat.XML,
        "text/tab-separated-values; charset=utf-8": ox.QueryResultsFormat.TSV,
    }[content_type]
    rows = list(ox.parse_query_results(response.get_data(), format=format))
    assert [row["label"].value for row in rows] == ["International Organization for Migration"]


@pytest.mark.parametrize("short", ["json", "xml", "csv", "tsv"])
def test_format_parameter_wins_over_accept(client, short):
    response = client.get(
        f"/sparql?query={quote(SELECT_LABEL)}&format={short}", headers={"Accept": "text/turtle"}
    )
    assert response.status_code == 200
    assert {"json": "json", "xml": "xml", "csv": "csv", "tsv": "tab-separated"}[
        short
    ] in response.content_type


def test_ask_answers_a_boolean(client):
    response = client.get(f"/sparql?query={quote(f'ASK {{ <{IOM}> ?p ?o }}')}")
    assert response.json == {"head": {}, "boolean": True}


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [
        (None, "turtle"),
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "xml"),
        ("application/ld+json", "json-ld"),
        ("application/n-quads", "nquads"),
        ("application/trig", "trig"),
    ],
)
def test_construct_and_describe_in_every_rdf_format(client, accept, rdflib_format):
    for query in (f"CONSTRUCT WHERE {{ <{IOM}> ?p ?o }}", f"DESCRIBE <{IOM}>"):
        response = client.get(f"/sparql?query={quote(query)}", headers={"Accept": accept} if accept else {})
        assert response.status_code == 200, response.get_data(as_text=True)
        graph = Graph().parse(data=response.get_data(), format=rdflib_format)
        assert (URIRef(IOM), URIRef("http://www.w3.org/2000/01/rdf-schema#label"), None) in graph


def test_nothing_acceptable_is_406_listing_the_offers(client):
    response = client.get(f"/sparql?query={quote(SELECT_LABEL)}", headers={"Accept": "image/png"})
    error_of(response, 406)
    assert (
        "text/csv" in response.json["offered"]
        and "application/sparql-results+json" in response.json["offered"]
    )
    graph = client.get(f"/sparql?query={quote(f'DESCRIBE <{IOM}>')}", headers={"Accept": "text/csv"})
    assert "text/turtle" in graph.json["offered"]


def test_head_answers_the_headers_of_get(client):
    get = client.get(f"/sparql?query={quote(SELECT_LABEL)}", headers={"Accept": "text/csv"})
    head = client.head(f"/sparql?query={quote(SELECT_LABEL)}", headers={"Accept": "text/csv"})
    assert head.status_code == 200 and head.get_data() == b""
    assert head.headers["Content-Type"] == get.headers["Content-Type"] and head.headers["Vary"] == "Accept"


# -- service description, policy, limits, CORS ---------------------------------------------------


def test_get_without_a_query_describes_the_service(client):
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.content_type == "text/turtle; charset=utf-8"
    graph = Graph().parse(data=response.get_data(), format="turtle")
    service = URIRef("http://localhost/sparql")
    assert (service, SD.feature, SD.UnionDefaultGraph) in graph
    assert (service, SD.endpoint, service) in graph
    assert (service, SD.resultFormat, URIRef("http://www.w3.org/ns/formats/SPARQL_Results_CSV")) in graph
    default_graph = graph.value(graph.value(service, SD.defaultDataset), SD.defaultGraph)
    assert int(graph.value(default_graph, VOID.triples)) == BUILT_TRIPLES


def test_service_is_refused_and_no_connection_is_made(client):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.5)
    connections: list[object] = []

    def accept() -> None:
        with contextlib.suppress(OSError):
            connections.append(listener.accept())

    watcher = threading.Thread(target=accept)
    watcher.start()
    port = listener.getsockname()[1]
    for query in (
        f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * {{ ?a ?b ?c OPTIONAL {{ SERVICE SILENT <http://127.0.0.1:{port}/> {{ ?a ?p ?o }} }} }}",
    ):
        assert "SERVICE is not allowed" in error_of(client.get(f"/sparql?query={quote(query)}"), 400)
    watcher.join()
    listener.close()
    assert connections == []


def test_a_query_past_its_deadline_is_503_in_the_error_shape(client):
    cartesian = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    response = client.get(f"/sparql?query={quote(cartesian)}&timeout=0.5")
    assert "time limit" in error_of(response, 503)
    # the count grows with the records read from the leads (issue 22)
    assert count(client.get(f"/sparql?query={quote(PROJECTS)}")) == 95


def test_cors_on_the_endpoint(client):
    response = client.get(f"/sparql?query={quote(PROJECTS)}", headers={"Origin": "https://example.org"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Vary" in response.headers["Access-Control-Expose-Headers"]
    preflight = client.options(
        "/sparql",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type",
        },
    )
    assert preflight.status_code == 200 and preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]


def test_errors_are_json_for_clients_and_a_page_for_browsers(client):
    assert json.loads(client.get("/nowhere").get_data())["status"] == 404
    page = client.get("/nowhere", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert page.status_code == 404 and page.content_type.startswith("text/html")
