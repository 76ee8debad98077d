"""The Graph Store HTTP Protocol at /graph-store on both kinds of store: reads with negotiation,
writes with an admin token through the write path, the status codes of the recommendation."""

from __future__ import annotations

import io
from urllib.parse import quote

import pytest
from rdflib import Graph, Literal, URIRef

from bd4m_kg.curation.tokens import create_token
from bd4m_kg.server import create_app
from conftest import BUILT_TRIPLES, STORE_KINDS, engine

GRAPH = "https://w3id.org/bd4m/graph/organisation/fixture-gsp"
THING = URIRef("https://w3id.org/bd4m/id/organisation/fixture-gsp")
LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
IOM_GRAPH = "https://w3id.org/bd4m/graph/organisation/iom"
TURTLE = f'<{THING}> <{LABEL}> "Fixture one (test data)"@en .'.encode()
MORE = f'<{THING}> <{LABEL}> "Fixture two (test data)"@en .'.encode()


@pytest.fixture(params=STORE_KINDS)
def app(request, tmp_path):
    location, state = engine(request, request.param, tmp_path, built=True)
    config = {"STORE": location, "TESTING": True, "UPLOAD_LIMIT": 4096, "READERS": 1}
    app = create_app(config | ({"STATE": str(state)} if state else {}))
    yield app
    app.extensions["bd4m_store"].close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def admin(app):
    token = create_token(app.extensions["bd4m_store"].state, "gsp-admin", "admin")
    return {"Authorization": f"Bearer {token}"}


def url(graph: str = GRAPH) -> str:
    return f"/graph-store?graph={quote(graph, safe='')}"


def labels(client) -> set[str]:
    response = client.get(url(), headers={"Accept": "application/n-triples"})
    assert response.status_code == 200
    return {str(o) for o in Graph().parse(data=response.get_data(), format="nt").objects(THING, LABEL)}


def test_get_a_record_graph_in_the_negotiated_format(client):
    for accept, format in (
        ("text/turtle", "turtle"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
    ):
        response = client.get(url(IOM_GRAPH), headers={"Accept": accept})
        assert response.status_code == 200 and response.content_type.startswith(accept)
        graph = Graph().parse(data=response.get_data(), format=format)
        assert graph.value(URIRef("https://w3id.org/bd4m/id/organisation/iom"), LABEL) == Literal(
            "International Organization for Migration", lang="en"
        )
    head = client.head(url(IOM_GRAPH), headers={"Accept": "text/turtle"})
    assert head.status_code == 200 and head.get_data() == b""
    assert head.content_type == "text/turtle; charset=utf-8"


def test_get_default_is_the_union_and_a_missing_graph_is_404(client):
    union = Graph().parse(
        data=client.get("/graph-store?default", headers={"Accept": "text/turtle"}).get_data()
    )
    assert len(union) == BUILT_TRIPLES
    assert client.get(url("https://w3id.org/bd4m/graph/organisation/nobody")).status_code == 404
    assert client.get("/graph-store").status_code == 400
    assert client.get(f"{url()}&default").status_code == 400


def test_put_creates_then_replaces_post_merges_delete_drops(client, admin):
    assert client.put(url(), data=TURTLE, content_type="text/turtle", headers=admin).status_code == 201
    assert labels(client) == {"Fixture one (test data)"}
    assert client.put(url(), data=MORE, content_type="text/turtle", headers=admin).status_code == 204
    assert labels(client) == {"Fixture two (test data)"}
    assert (
        client.post(url(), data=TURTLE, content_type="text/turtle; charset=utf-8", headers=admin).status_code
        == 204
    )
    assert labels(client) == {"Fixture one (test data)", "Fixture two (test data)"}
    assert client.delete(url(), headers=admin).status_code == 204
    assert client.get(url()).status_code == 404
    assert client.delete(url(), headers=admin).status_code == 404


def test_multipart_post_adds_every_file(client, admin):
    files = {
        "first": (io.BytesIO(TURTLE), "one.ttl", "text/turtle"),
        "second": (io.BytesIO(MORE), "two.nt", "application/octet-stream"),
    }
    response = client.post(url(), data=files, content_type="multipart/form-data", headers=admin)
    assert response.status_code == 201, response.get_data(as_text=True)
    assert labels(client) == {"Fixture one (test data)", "Fixture two (test data)"}


def test_writes_need_an_admin_token_and_leave_nothing_when_refused(client, app, admin):
    assert client.put(url(), data=TURTLE, content_type="text/turtle").status_code == 401
    curator = create_token(app.extensions["bd4m_store"].state, "gsp-curator", "curator")
    assert (
        client.put(
            url(), data=TURTLE, content_type="text/turtle", headers={"Authorization": f"Bearer {curator}"}
        ).status_code
        == 403
    )
    assert (
        client.put("/graph-store?default", data=TURTLE, content_type="text/turtle", headers=admin).status_code
        == 400
    )
    broken = client.put(url(), data=b"<urn:a> <urn:b> .", content_type="text/turtle", headers=admin)
    assert (
        broken.status_code == 400
        and "line 1" in broken.json["error"]
        and "nothing was written" in broken.json["error"]
    )
    assert client.put(url(), data=TURTLE, content_type="text/plain", headers=admin).status_code == 415
    other = b"<urn:x:g> { <urn:a> <urn:b> <urn:c> }"
    assert client.put(url(), data=other, content_type="application/trig", headers=admin).status_code == 400
    too_big = client.put(url(), data=b"#" * 5000, content_type="text/turtle", headers=admin)
    assert too_big.status_code == 413
    assert client.get(url()).status_code == 404
    assert app.extensions["bd4m_store"].generation == 1
