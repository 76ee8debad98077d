"""Repeated GETs are answered from memory with ETags and 304s, and every change (through the server
or from another process) is seen at once. Runs ``bd4m-kg serve`` on both kinds of store."""

from __future__ import annotations

import subprocess
from contextlib import nullcontext

import pytest
import requests

from bd4m_kg.server.middleware.response_cache import MARK, ResponseCache
from conftest import BD4M_KG, FIXTURES

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
GRAPH = "https://w3id.org/bd4m/graph/organisation/fixture-cache"
THING = "https://w3id.org/bd4m/id/organisation/fixture-cache"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


@pytest.fixture(scope="module")
def server(own_server) -> tuple[str, list[str], str]:
    return own_server[:3]


def count(url: str, **headers: str) -> requests.Response:
    return requests.get(
        f"{url}/sparql", params={"query": COUNT, "format": "tsv"}, headers=headers, timeout=30
    )


def put_fixture(url: str, token: str) -> requests.Response:
    """Write the fixture organisation's graph through the Graph Store Protocol."""
    return requests.put(
        f"{url}/graph-store",
        params={"graph": GRAPH},
        data=f'<{THING}> <{LABEL}> "Cache fixture (test data)"@en .',
        headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {token}"},
        timeout=30,
    )


def total(response: requests.Response) -> int:
    return int(response.text.splitlines()[1].split("^^")[0].strip('"'))


def test_a_repeated_get_has_the_same_bytes_and_etag_and_if_none_match_gets_304(server):
    url = server[0]
    first, second = count(url), count(url)
    assert first.status_code == second.status_code == 200
    assert first.content == second.content and first.headers["ETag"] == second.headers["ETag"]
    assert first.headers["Result-Cap"] == second.headers["Result-Cap"]
    unchanged = count(url, **{"If-None-Match": first.headers["ETag"]})
    assert unchanged.status_code == 304 and unchanged.content == b""
    assert unchanged.headers["ETag"] == first.headers["ETag"]
    assert count(url, **{"If-None-Match": '"something-else"'}).status_code == 200
    head = requests.head(f"{url}/sparql", params={"query": COUNT, "format": "tsv"}, timeout=30)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["ETag"] == first.headers["ETag"]
    assert head.headers["Content-Length"] == first.headers["Content-Length"]


def test_accept_and_origin_are_part_of_the_key(server):
    url = server[0]
    query = {"query": "SELECT ?p WHERE { ?p a <https://w3id.org/bd4m/ontology#Project> } LIMIT 2"}
    as_json = requests.get(
        f"{url}/sparql", params=query, headers={"Accept": "application/sparql-results+json"}
    )
    as_xml = requests.get(f"{url}/sparql", params=query, headers={"Accept": "application/sparql-results+xml"})
    assert as_json.headers["Content-Type"].startswith("application/sparql-results+json")
    assert as_xml.headers["Content-Type"].startswith("application/sparql-results+xml")
    assert as_json.headers["ETag"] != as_xml.headers["ETag"]
    cors = requests.get(f"{url}/sparql", params=query, headers={"Origin": "https://example.org"})
    assert cors.headers["Access-Control-Allow-Origin"] == "*"
    assert "Result-Truncated" in cors.headers["Access-Control-Expose-Headers"]


def test_a_change_through_the_server_is_seen_by_the_next_read(server):
    url, _, token = server
    before = count(url)
    written = put_fixture(url, token)
    assert written.status_code in (201, 204), written.text
    after = count(url, **{"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and total(after) > total(before)
    assert after.headers["ETag"] != before.headers["ETag"]


def test_a_change_from_another_process_is_seen_by_the_next_read(server):
    """On a remote store the CLI writes beside the server and the next read sees it; an embedded
    store has one writing process, so once the server has written, the CLI is told to send the
    change to it (and nothing changes)."""
    url, options, _ = server
    put_fixture(url, server[2])  # the server has written (an embedded store's live/ is now its own)
    before = count(url)
    loaded = subprocess.run(
        [BD4M_KG, "load", *options, str(FIXTURES / "load" / "two-records.ttl")],
        capture_output=True,
        text=True,
    )
    if "--state" in options:
        assert loaded.returncode == 0, loaded.stderr
        assert total(count(url)) > total(before)
    else:
        assert loaded.returncode == 2 and "make the change through that server" in loaded.stderr
        assert "Nothing was written" in loaded.stderr
        assert count(url).content == before.content


def test_the_cache_holds_no_more_bytes_than_allowed():
    """The middleware alone, in front of a fixture WSGI app answering 10 kB per path."""

    def fixture_app(environ, start_response):
        body = environ["PATH_INFO"].encode() * (10_000 // len(environ["PATH_INFO"]))
        start_response("200 OK", [("Content-Length", str(len(body))), ("ETag", '"x"'), (MARK, "1")])
        return [body]

    cache = ResponseCache(fixture_app, pinned=lambda: nullcontext(1), max_bytes=100_000)
    for n in range(100):
        environ = {"REQUEST_METHOD": "GET", "PATH_INFO": f"/p{n:03d}", "QUERY_STRING": ""}
        assert b"".join(cache(environ, lambda status, headers: None)).startswith(b"/p")
        assert cache.bytes_held <= 100_000
    assert cache.bytes_held > 50_000


def test_answers_that_change_by_themselves_are_not_kept(server):
    url = server[0]
    query = {"query": "SELECT (STRUUID() AS ?id) WHERE {}", "format": "tsv"}
    first, second = (requests.get(f"{url}/sparql", params=query, timeout=30).text for _ in range(2))
    assert first != second


def test_long_keys_count_against_the_bound():
    """Tiny answers to 5 kB query strings: the keys' bytes are what fills the cache."""

    def fixture_app(environ, start_response):
        start_response("200 OK", [("Content-Length", "2"), ("ETag", '"x"'), (MARK, "1")])
        return [b"ok"]

    cache = ResponseCache(fixture_app, pinned=lambda: nullcontext(1), max_bytes=100_000)
    for n in range(100):
        environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/sparql", "QUERY_STRING": f"{n:03d}" + "q" * 5_000}
        assert b"".join(cache(environ, lambda status, headers: None)) == b"ok"
        assert cache.bytes_held <= 100_000
    assert cache.bytes_held > 50_000


def test_an_answer_pushed_out_still_revalidates_without_the_app():
    """The middleware alone: 100 answers of 10 kB through 100 kB; the first one's ETag still gets 304."""
    calls = []

    def fixture_app(environ, start_response):
        calls.append(environ["PATH_INFO"])
        body = environ["PATH_INFO"].encode() * (10_000 // len(environ["PATH_INFO"]))
        etag = f'W/"{environ["PATH_INFO"]}"'
        start_response(
            "200 OK", [("Content-Length", str(len(body))), ("ETag", etag), ("Vary", "Accept"), (MARK, "1")]
        )
        return [body]

    cache = ResponseCache(fixture_app, pinned=lambda: nullcontext(1), max_bytes=100_000)

    def get(path: str, **headers: str) -> tuple[str, list[tuple[str, str]], bytes]:
        seen = {}
        environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "", **headers}
        body = b"".join(cache(environ, lambda status, headers: seen.update(status=status, headers=headers)))
        return seen["status"], seen["headers"], body

    for n in range(100):
        get(f"/p{n:03d}")
    assert cache.bytes_held <= 100_000 and len(calls) == 100
    status, headers, body = get("/p000", HTTP_IF_NONE_MATCH='W/"/p000"')
    assert status.startswith("304") and body == b"" and ("Vary", "Accept") in headers
    assert len(calls) == 100  # the app was not asked again
    assert get("/p000", HTTP_IF_NONE_MATCH='W/"other"')[0].startswith("200") and len(calls) == 101
    assert get("/p001")[0].startswith("200") and len(calls) == 102  # no validator helps without one
