"""Hostile input, generated: thousands of requests per surface to a running ``bd4m-kg serve``, and
not one answer in the 5xx range nor one unhandled exception in its log.

Hypothesis runs derandomised (the same inputs on every run, so CI is repeatable) and bounded
(``EXAMPLES`` per surface); schemathesis walks every operation of ``/openapi.json``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bd4m_kg.sparql.named_queries import load_named_queries
from conftest import new_token, serving

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3000"))  # inputs per surface; CI runs the default
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
MEDIA_TYPES = [
    "text/html",
    "text/turtle",
    "application/n-triples",
    "application/n-quads",
    "application/trig",
    "application/rdf+xml",
    "application/ld+json",
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
    "application/json",
    "*/*",
    "text/*",
]
RECORD = (
    b"@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
    b"<https://w3id.org/bd4m/id/organisation/fixture-fuzz> a <http://www.w3.org/ns/org#Organization> ;\n"
    b'    rdfs:label "Fixture (test data)"@en .\n'
)
UPLOAD_TYPES = [
    "text/turtle",
    "application/n-triples",
    "application/n-quads",
    "application/trig",
    "application/rdf+xml",
    "application/ld+json",
    "text/plain",
    "application/octet-stream",
]
TEXT = st.text(max_size=200)
HEADER_TEXT = st.characters(min_codepoint=32, max_codepoint=255)  # what a header may carry (latin-1)
PARAMETER = st.one_of(
    TEXT,
    st.sampled_from(["", "ASK {}", "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "urn:x", "https://w3id.org/bd4m/"]),
)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A server on a built store, an admin token, and the path of its log."""
    folder = tmp_path_factory.mktemp("fuzz")
    options = ["--store", str(folder / "store")]
    with serving(folder, options, settings={"QUERY_DEADLINE": "5"}) as (url, _):
        yield url, new_token(options, "fuzz-admin", "admin"), folder / "serve.log"


@pytest.fixture(scope="module")
def http():
    with requests.Session() as session:
        yield session


def accept_header() -> st.SearchStrategy[str]:
    """Accept headers: real media types with q-values and parameters, and plain junk."""
    ranged = st.tuples(
        st.sampled_from(MEDIA_TYPES),
        st.one_of(
            st.floats(min_value=-1, max_value=2), st.just(float("nan")), st.text(HEADER_TEXT, max_size=5)
        ),
    )
    listed = st.lists(ranged, max_size=4).map(lambda items: ", ".join(f"{m};q={q}" for m, q in items))
    junk = st.text(HEADER_TEXT, max_size=80)
    return st.one_of(listed, junk).map(lambda text: text.strip() or "*/*")  # what a client can send


SENT: Counter[str] = Counter()  # requests answered, per test


def assert_handled(response: requests.Response) -> None:
    SENT[os.environ["PYTEST_CURRENT_TEST"].split("::")[-1].split(" ")[0].split("[")[0]] += 1
    assert response.status_code < 500, (response.status_code, response.request.url, response.text[:500])


@FUZZ
@given(
    accept=accept_header(),
    path=st.sampled_from(
        [
            "/sparql?query=ASK%7B%7D",
            "/doc/organisation/iom",
            "/id/organisation/iom",
            "/.well-known/void",
            "/catalog",
            "/queries/directory-entries",
            "/changes",
            "/",
            "/projects",
        ]
    ),
)
def test_content_negotiation(server, http, accept, path):
    assert_handled(
        http.get(f"{server[0]}{path}", headers={"Accept": accept}, allow_redirects=False, timeout=30)
    )


@FUZZ
@given(
    fields=st.lists(
        st.tuples(
            st.sampled_from(["query", "default-graph-uri", "named-graph-uri", "format", "timeout", "x"]),
            PARAMETER,
        ),
        max_size=5,
    ),
    how=st.sampled_from(["GET", "form", "direct"]),
    content_type=st.sampled_from(
        [
            "application/sparql-query",
            "application/x-www-form-urlencoded",
            "text/plain",
            "",
            "application/sparql-query; charset=latin1",
        ]
    ),
)
def test_protocol_parameters(server, http, fields, how, content_type):
    url = f"{server[0]}/sparql"
    if how == "GET":
        response = http.get(url, params=fields, timeout=30)
    elif how == "form":
        response = http.post(url, data=fields, timeout=30)
    else:
        body = next((value for key, value in fields if key == "query"), "")
        response = http.post(
            url,
            data=body.encode("utf-8", "surrogatepass"),
            params=[f for f in fields if f[0] != "query"],
            headers={"Content-Type": content_type},
            timeout=30,
        )
    assert_handled(response)


@FUZZ
@given(
    name=st.sampled_from(sorted(load_named_queries())),
    values=st.dictionaries(
        st.one_of(st.sampled_from(["country", "region", "need", "type", "organisation", "format"]), TEXT),
        PARAMETER,
        max_size=3,
    ),
)
def test_named_query_parameters(server, http, name, values):
    assert_handled(http.get(f"{server[0]}/queries/{quote(name)}", params=values, timeout=30))


def mutated(data: st.DataObject) -> bytes:
    """A valid record with bytes cut, inserted or replaced, or plain random bytes."""
    body = bytearray(RECORD)
    for _ in range(data.draw(st.integers(0, 4))):
        at = data.draw(st.integers(0, len(body)))
        body[at : at + data.draw(st.integers(0, 3))] = data.draw(st.binary(max_size=4))
    return bytes(body) if data.draw(st.booleans()) else data.draw(st.binary(max_size=300))


@FUZZ
@given(data=st.data(), media_type=st.sampled_from(UPLOAD_TYPES), chunked=st.booleans())
def test_rdf_uploads_in_every_syntax(server, http, data, media_type, chunked):
    """Each body is sent with a Content-Length, or chunked without one."""
    sent = mutated(data)
    body = (lambda: iter([sent])) if chunked else (lambda: sent)
    url, token, _ = server
    headers = {"Content-Type": media_type, "Authorization": f"Bearer {token}"}
    assert_handled(
        http.post(f"{url}/curate/validate", data=body(), headers={"Content-Type": media_type}, timeout=30)
    )
    graph = (
        f"{url}/graph-store?graph={quote('https://w3id.org/bd4m/graph/organisation/fixture-fuzz', safe='')}"
    )
    assert_handled(http.put(graph, data=body(), headers=headers, timeout=30))


@FUZZ
@given(
    method=st.sampled_from(["GET", "HEAD", "PUT", "POST", "DELETE"]),
    query=st.one_of(
        st.just("default"),
        st.text(max_size=100).map(lambda g: "graph=" + quote(g, safe="")),
        st.sampled_from(
            [
                "graph=urn:x",
                "graph=",
                "graph=%00",
                "default&graph=urn:x",
                "graph=https://w3id.org/bd4m/graph/ontology",
            ]
        ),
    ),
    authorised=st.booleans(),
)
def test_graph_store_paths(server, http, method, query, authorised):
    url, token, _ = server
    headers = {"Content-Type": "text/turtle"} | ({"Authorization": f"Bearer {token}"} if authorised else {})
    body = RECORD if method in {"PUT", "POST"} else None
    if "ontology" in query and method in {"PUT", "POST", "DELETE"}:
        return  # keep the ontology graph: later examples read it
    assert_handled(http.request(method, f"{url}/graph-store?{query}", data=body, headers=headers, timeout=30))


def test_schemathesis_finds_no_server_error(server, tmp_path):
    url, token, _ = server
    command = shutil.which("st") or str(Path(sys.executable).parent / "st")
    run = subprocess.run(
        [
            command,
            "run",
            f"{url}/openapi.json",
            "--checks",
            "not_a_server_error",
            "--max-examples",
            "25",
            "--seed",
            "1",
            "--generation-deterministic",
            "--no-color",
            "--workers",
            "1",
            "--header",
            f"Authorization: Bearer {token}",
            "--request-timeout",
            "30",
            "--report-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,  # its cache (.schemathesis/) stays out of the checkout
    )
    assert run.returncode == 0, run.stdout[-4000:]


def test_the_log_holds_no_unhandled_exception(server, capsys):
    """Runs last in this module: every request above was answered without a traceback."""
    with capsys.disabled():
        counts = ", ".join(f"{n} {test}" for test, n in sorted(SENT.items()))
        print(f"\nfuzz: requests answered below 500: {counts}")
    log = server[2].read_text()
    assert "Traceback" not in log, log[log.index("Traceback") - 500 :][:4000]
