"""Nothing a user sends makes the server open a connection: SERVICE, LOAD, FROM and dataset IRIs,
remote JSON-LD contexts, RDF/XML entities and DTDs all point at a local listener that records every
connection, and it records none, while each request gets a clear 4xx or an answer from the store."""

from __future__ import annotations

import socket
import threading
from urllib.parse import quote

import pytest
import requests


class Listener:
    """A TCP listener on 127.0.0.1 that counts the connections it accepts (and closes them)."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]
        self.connections: list[tuple[str, int]] = []
        self.running = True
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while self.running:
            try:
                connection, peer = self.socket.accept()
            except TimeoutError:
                continue
            self.connections.append(peer)
            connection.close()

    def close(self) -> None:
        self.running = False
        self.thread.join()
        self.socket.close()


@pytest.fixture(scope="module")
def listener():
    opened = Listener()
    yield opened
    opened.close()
    assert opened.connections == [], "the server opened connections to a user-given address"


@pytest.fixture(autouse=True)
def nothing_fetched(listener):
    """After each test: the listener saw no connection."""
    yield
    assert listener.connections == [], "the server opened a connection to a user-given address"


def trap(listener: Listener, path: str = "x") -> str:
    return f"http://127.0.0.1:{listener.port}/{path}"


def queries(listener: Listener) -> list[str]:
    """Queries that would fetch from the listener if the engine were let."""
    url = trap(listener, "sparql")
    return [
        f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"select * where {{ service silent <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERV\\u0049CE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?x ?y ?z . SERVICE # a comment\n <{url}> {{ ?s ?p ?o }} }}",
        f"PREFIX r: <http://127.0.0.1:{listener.port}/> SELECT * WHERE {{ SERVICE r:sparql {{ ?s ?p ?o }} }}",
    ]


def test_service_in_a_query_is_refused_and_nothing_is_fetched(own_server, listener):
    url = own_server[0]
    for query in queries(listener):
        response = requests.get(f"{url}/sparql", params={"query": query}, timeout=30)
        assert response.status_code == 400 and "SERVICE" in response.json()["error"], query


def test_from_and_dataset_iris_are_graph_names_not_addresses(own_server, listener):
    url = own_server[0]
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    for params in (
        {"query": f"SELECT (COUNT(*) AS ?n) FROM <{trap(listener, 'g')}> WHERE {{ ?s ?p ?o }}"},
        {
            "query": f"SELECT (COUNT(*) AS ?n) FROM NAMED <{trap(listener, 'g')}> "
            "WHERE { GRAPH ?g { ?s ?p ?o } }"
        },
        {"query": count, "default-graph-uri": trap(listener, "g")},
        {"query": count, "named-graph-uri": trap(listener, "g")},
    ):
        response = requests.get(
            f"{url}/sparql", params=params, headers={"Accept": "application/sparql-results+json"}, timeout=30
        )
        assert response.status_code == 200, response.text
        assert response.json()["results"]["bindings"][0]["n"]["value"] == "0"  # the store has no such graph


def test_load_and_service_in_an_update_are_refused(own_server, listener):
    url, _, admin, _ = own_server
    headers = {"Authorization": f"Bearer {admin}", "Content-Type": "application/sparql-update"}
    graph = "https://w3id.org/bd4m/graph/organisation/fixture-outbound"
    for update in (
        f"LOAD <{trap(listener, 'data.ttl')}>",
        f"LOAD SILENT <{trap(listener, 'data.ttl')}> INTO GRAPH <{graph}>",
        f"INSERT {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} "
        f"WHERE {{ SERVICE <{trap(listener, 'sparql')}> {{ ?s ?p ?o }} }}",
    ):
        response = requests.post(f"{url}/update", data=update, headers=headers, timeout=30)
        assert response.status_code == 400, (update, response.text)


def uploads(listener: Listener) -> list[tuple[str, bytes]]:
    """Records whose syntax could make a parser fetch: a remote @context, external entities, a DTD."""
    thing = "https://w3id.org/bd4m/id/organisation/fixture-outbound"
    return [
        (
            "application/ld+json",
            f'{{"@context": "{trap(listener, "context.jsonld")}", "@id": "{thing}", "name": "x"}}'.encode(),
        ),
        (
            "application/ld+json",
            f'{{"@context": [{{"@import": "{trap(listener, "c.jsonld")}"}}], "@id": "{thing}"}}'.encode(),
        ),
        (
            "application/rdf+xml",
            f"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [<!ENTITY name SYSTEM "{trap(listener, "entity")}">]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">
  <rdf:Description rdf:about="{thing}"><rdfs:label>&name;</rdfs:label></rdf:Description>
</rdf:RDF>""".encode(),
        ),
        (
            "application/rdf+xml",
            f"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF SYSTEM "{trap(listener, "rdf.dtd")}">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">
  <rdf:Description rdf:about="{thing}"><rdfs:label>x</rdfs:label></rdf:Description>
</rdf:RDF>""".encode(),
        ),
    ]


def test_remote_contexts_entities_and_dtds_are_never_fetched(own_server, listener):
    url, _, admin, _ = own_server
    graph = quote("https://w3id.org/bd4m/graph/organisation/fixture-outbound", safe="")
    for media_type, body in uploads(listener):
        for method, path, token in (
            ("POST", "/curate/validate", None),
            ("POST", "/curate/submissions", admin),
            ("PUT", f"/graph-store?graph={graph}", admin),
        ):
            headers = {"Content-Type": media_type} | ({"Authorization": f"Bearer {token}"} if token else {})
            response = requests.request(method, f"{url}{path}", data=body, headers=headers, timeout=30)
            assert response.status_code < 500, (path, media_type, response.text[:500])
            assert "Traceback" not in response.text


def test_a_named_query_parameter_is_an_iri_not_an_address(own_server, listener):
    url = own_server[0]
    response = requests.get(
        f"{url}/queries/projects-covering-region", params={"region": trap(listener, "region")}, timeout=30
    )
    assert response.status_code in {200, 400}
