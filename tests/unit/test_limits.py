"""Public answers are capped, and a cut answer says so (header exposed through CORS, page notice)."""

from __future__ import annotations

import json
from urllib.parse import quote

import pyoxigraph as ox
import pytest
from rdflib import Graph

from bd4m_kg.server import create_app
from conftest import STORE_KINDS, engine

CAP = 25
ALL_TRIPLES = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
FEW = "SELECT ?p WHERE { ?p a <https://w3id.org/bd4m/ontology#Project> } LIMIT 3"


@pytest.fixture(scope="module", params=STORE_KINDS)
def client(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(f"limits-{request.param}")
    location, state = engine(request, request.param, folder, built=True)
    config = {"STORE": location, "TESTING": True, "RESULT_CAP": CAP, "READERS": 1}
    app = create_app(config | ({"STATE": str(state)} if state else {}))
    yield app.test_client()
    app.extensions["bd4m_store"].close()


@pytest.mark.parametrize(
    ("accept", "format"),
    [
        ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
        ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
        ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
    ],
)
def test_a_select_past_the_cap_is_cut_and_says_so(client, accept, format):
    response = client.get(
        f"/sparql?query={quote(ALL_TRIPLES)}", headers={"Accept": accept, "Origin": "https://x.org"}
    )
    assert response.status_code == 200
    assert response.headers["Result-Cap"] == str(CAP) and response.headers["Result-Truncated"] == "true"
    assert "Result-Truncated" in response.headers["Access-Control-Expose-Headers"]
    assert len(list(ox.parse_query_results(response.get_data(), format=format))) == CAP


def test_csv_is_cut_too(client):
    response = client.get(f"/sparql?query={quote(ALL_TRIPLES)}&format=csv")
    assert response.headers["Result-Truncated"] == "true"
    assert len(response.get_data(as_text=True).strip().split("\r\n")) == CAP + 1


def test_an_answer_under_the_cap_is_whole(client):
    response = client.get(f"/sparql?query={quote(FEW)}")
    assert response.headers["Result-Truncated"] == "false"
    assert len(response.json["results"]["bindings"]) == 3


def test_a_graph_past_the_cap_is_cut_and_says_so(client):
    query = "CONSTRUCT WHERE { ?s ?p ?o }"
    response = client.get(f"/sparql?query={quote(query)}", headers={"Accept": "text/turtle"})
    assert response.headers["Result-Truncated"] == "true"
    assert len(Graph().parse(data=response.get_data(), format="turtle")) == CAP


def test_ask_is_never_cut(client):
    response = client.get(f"/sparql?query={quote('ASK { ?s ?p ?o }')}")
    assert response.json["boolean"] is True and response.headers["Result-Truncated"] == "false"
    assert "Result-Cap" not in response.headers


def test_the_query_page_says_the_answer_was_cut(client):
    html = {"Accept": "text/html"}
    page = client.get(f"/sparql?query={quote(ALL_TRIPLES)}", headers=html).get_data(as_text=True)
    assert "the answer has more rows than this page shows" in page


def test_a_cut_answer_says_so_in_its_body_where_the_format_can(client):
    def body(accept: str, query: str = ALL_TRIPLES) -> bytes:
        return client.get(f"/sparql?query={quote(query)}", headers={"Accept": accept}).get_data()

    notice = f"This answer was cut at {CAP:,} rows (RESULT_CAP)"
    assert json.loads(body("application/sparql-results+json"))["truncated"]["cap"] == CAP
    assert f"<!-- {notice}".encode() in body("application/sparql-results+xml")
    graph = "CONSTRUCT WHERE { ?s ?p ?o }"
    for accept in ("text/turtle", "application/n-triples"):
        assert body(accept, graph).startswith(f"# {notice}".encode())
    assert f"<!-- {notice}".encode() in body("application/rdf+xml", graph)
    assert notice.encode() not in body("text/csv")  # CSV and TSV: the Result-Truncated header only
    assert b"truncated" not in client.get(f"/sparql?query={quote(FEW)}").get_data()


def test_a_describe_past_the_cap_is_cut_and_says_so(client):
    """DESCRIBE of a constant IRI, answered by index lookups on the embedded store, is cut the same way."""
    query = "DESCRIBE <https://w3id.org/bd4m/shapes#ProjectShape>"  # 132 triples, most under blank nodes
    response = client.get(f"/sparql?query={quote(query)}", headers={"Accept": "text/turtle"})
    assert response.headers["Result-Cap"] == str(CAP) and response.headers["Result-Truncated"] == "true"
    assert len(Graph().parse(data=response.get_data(), format="turtle")) == CAP
