"""Input built to hurt: deep nesting, long chains, huge bodies. Each gets a clear 4xx, quickly, and
the server keeps answering (pyoxigraph's parsers would crash the process on the deep ones)."""

from __future__ import annotations

import socket
import subprocess
import time

import pytest
import requests

from conftest import BD4M_KG, new_token, serving

LIMIT = 1_000_000  # UPLOAD_LIMIT of the server under test, in bytes
THING = "https://w3id.org/bd4m/id/organisation/fixture-hostile-input"
GRAPH = "https://w3id.org/bd4m/graph/organisation/fixture-hostile-input"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile-input")
    options = ["--store", str(folder / "store")]
    with serving(folder, options, settings={"UPLOAD_LIMIT": str(LIMIT)}) as (url, process):
        yield url, new_token(options, "hostile-admin", "admin"), process


def still_answering(url: str) -> None:
    assert requests.get(f"{url}/health", timeout=30).status_code == 200


QUERIES = {
    "nested groups": "SELECT * WHERE " + "{" * 10_000 + " ?s ?p ?o " + "}" * 10_000,
    "nested brackets": "SELECT * WHERE { FILTER(" + "(" * 10_000 + "true" + ")" * 10_000 + ") }",
    "chained unions": "SELECT * WHERE { " + " UNION ".join(["{ ?s ?p ?o }"] * 5_000) + " }",
    "chained negations": "SELECT * WHERE { FILTER(" + "!" * 20_000 + "true) }",
    "chained subtractions": "SELECT * WHERE { FILTER(true" + "-true" * 20_000 + ") }",
    "a long path": "SELECT * WHERE { ?s " + "/".join(["<urn:x:p>"] * 5_000) + " ?o }",
}


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_deep_or_long_queries_are_refused_and_the_server_lives(server, name):
    url = server[0]
    response = requests.post(f"{url}/sparql", data={"query": QUERIES[name]}, timeout=60)
    assert response.status_code == 400, response.text[:300]
    assert "at most" in response.json()["error"]
    still_answering(url)


def test_a_deep_update_is_refused(server):
    url, admin, _ = server
    update = f"INSERT {{ GRAPH <{GRAPH}> {{ <{THING}> <urn:x:p> 1 }} }} WHERE " + "{" * 10_000 + "}" * 10_000
    response = requests.post(
        f"{url}/update",
        data=update,
        headers={"Authorization": f"Bearer {admin}", "Content-Type": "application/sparql-update"},
        timeout=60,
    )
    assert response.status_code == 400 and "at most" in response.json()["error"]
    still_answering(url)


def test_deep_json_ld_is_refused_wherever_it_is_sent(server):
    url, admin, _ = server
    nested = (
        f'{{"@id": "{THING}", "urn:x:p": '.encode() + b'{"urn:x:q": ' * 20_000 + b"1" + b"}" * 20_000 + b"}"
    )
    headers = {"Content-Type": "application/ld+json"}
    validate = requests.post(f"{url}/curate/validate", data=nested, headers=headers, timeout=60)
    store = requests.put(
        f"{url}/graph-store?graph={GRAPH}",
        data=nested,
        headers={**headers, "Authorization": f"Bearer {admin}"},
    )
    for response in (validate, store):
        assert response.status_code == 400 and "deep" in response.json()["error"], response.text[:300]
    still_answering(url)


def test_a_body_over_the_limit_is_refused_before_it_is_read(server):
    """The server answers 413 from the headers alone: the 10 GB body is never sent."""
    host, port = server[0].removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(
            b"POST /curate/validate HTTP/1.1\r\nHost: x\r\nContent-Type: text/turtle\r\n"
            b"Content-Length: 10000000000\r\n\r\n" + b"#" * 1000
        )
        started = time.monotonic()
        answer = connection.recv(200)
    assert answer.startswith(b"HTTP/1.1 413") and time.monotonic() - started < 5


def test_a_huge_literal_is_413_and_a_big_one_within_the_limit_is_read(server):
    url = server[0]
    head = f'<{THING}> <http://www.w3.org/2000/01/rdf-schema#label> "'.encode()
    too_big = head + b"x" * LIMIT + b'"@en .'
    response = requests.post(f"{url}/curate/validate", data=too_big, headers={"Content-Type": "text/turtle"})
    assert response.status_code == 413 and "limit" in response.json()["error"].lower()
    big = head + b"x" * (LIMIT // 2) + b'"@en .'
    response = requests.post(f"{url}/curate/validate", data=big, headers={"Content-Type": "text/turtle"})
    assert response.status_code == 200  # read, and reported on (it is not a whole record)
    still_answering(url)


def pieces(data: bytes, size: int = 65_536):
    """The body as a generator, so requests sends it chunked, without a Content-Length."""
    for start in range(0, len(data), size):
        yield data[start : start + size]


def test_a_chunked_body_over_the_limit_is_413_and_changes_nothing(server):
    """Sent without a Content-Length, a body past the limit is refused, not cut at the limit."""
    url, token, _ = server
    admin = {"Authorization": f"Bearer {token}"}
    graph = f"{url}/graph-store?graph={GRAPH}"
    record = f'<{THING}> <http://www.w3.org/2000/01/rdf-schema#label> "kept"@en .\n'.encode()
    put = requests.put(graph, data=pieces(record), headers={"Content-Type": "text/turtle", **admin})
    assert put.status_code in (200, 201, 204), put.text
    over = record + b"# filler: valid Turtle up to here\n" * (2 * LIMIT // 34)
    for method, path, content_type in [
        ("PUT", graph, "text/turtle"),
        ("POST", f"{url}/curate/validate", "text/turtle"),
        ("POST", f"{url}/sparql", "application/sparql-query"),
    ]:
        headers = {"Content-Type": content_type, **admin}
        response = requests.request(method, path, data=pieces(over), headers=headers)
        assert response.status_code == 413, (path, response.text[:300])
        assert "UPLOAD_LIMIT" in response.json()["error"]
    kept = requests.get(graph, headers={"Accept": "application/n-triples", **admin})
    assert kept.content.strip() == record.strip()
    still_answering(url)


RDF12 = {
    "a triple term": f"<{THING}> <urn:x:says> <<( <urn:x:a> <urn:x:b> <urn:x:c> )>> .\n",
    "a base direction": f'<{THING}> <http://www.w3.org/2000/01/rdf-schema#label> "fixture"@en--ltr .\n',
}


@pytest.mark.parametrize("name", RDF12)
def test_rdf_1_2_is_refused_with_a_clear_error_everywhere(server, name, tmp_path):
    """pyoxigraph reads RDF 1.2; rdflib and pySHACL do not, and took the server to a 500."""
    url, token, _ = server
    admin = {"Authorization": f"Bearer {token}", "Content-Type": "text/turtle"}
    body = RDF12[name].encode()
    validated = requests.post(f"{url}/curate/validate", data=body, headers={"Content-Type": "text/turtle"})
    assert validated.status_code == 400 and "RDF 1.2" in validated.json()["error"]
    put = requests.put(f"{url}/graph-store?graph={GRAPH}", data=body, headers=admin)
    assert put.status_code == 400 and "RDF 1.2" in put.json()["error"]
    submitted = requests.post(f"{url}/curate/submissions", data=body, headers=admin)
    assert submitted.status_code == 201 and submitted.json()["state"] == "invalid"
    assert "RDF 1.2" in submitted.json()["report"]["error"]
    loaded = subprocess.run(
        [BD4M_KG, "load", "--store", str(tmp_path / "store"), write(tmp_path / "record.ttl", body)],
        capture_output=True,
        text=True,
    )
    assert loaded.returncode == 2 and "RDF 1.2" in loaded.stderr
    still_answering(url)


def write(path, data: bytes) -> str:
    path.write_bytes(data)
    return str(path)
