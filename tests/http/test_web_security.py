"""A record whose name is a script runs nothing in a browser; every response carries the security
headers; no error shows a stack trace."""

from __future__ import annotations

import json
import re
import subprocess

import pytest
import requests

from conftest import BD4M_KG, chromium_page, screenshot, serving

HOSTILE = "https://w3id.org/bd4m/id/organisation/fixture-hostile"
NAME = '<script>window.__xss = "name"</script>'
DESCRIPTION = (
    '</script><script>window.__xss = "json-ld"</script><img src="x" onerror="window.__xss = \'attribute\'">'
)
RECORD = f"""
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<{HOSTILE}> a <http://www.w3.org/ns/org#Organization> ;
    rdfs:label {json.dumps(NAME)}@en ;
    dcterms:description {json.dumps(DESCRIPTION)}@en ;
    dcterms:source <https://example.org/test-data-only> .
"""


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    """A server on a store holding the directory and one hostile record (test data)."""
    folder = tmp_path_factory.mktemp("web-security")
    record = folder / "hostile.ttl"
    record.write_text(RECORD)
    store = ["--store", str(folder / "store")]
    subprocess.run([BD4M_KG, "init", *store], check=True, capture_output=True)
    subprocess.run([BD4M_KG, "load", *store, str(record)], check=True, capture_output=True)
    with serving(folder, store) as (address, _):
        yield address


@pytest.mark.browser
def test_a_script_in_a_name_or_description_runs_nothing_in_chromium(url):
    with chromium_page() as page:
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        for path in ("/doc/organisation/fixture-hostile", "/organisations?q=script", "/"):
            page.goto(f"{url}{path}")
            assert page.evaluate("typeof window.__xss") == "undefined", path
        page.goto(f"{url}/doc/organisation/fixture-hostile")
        assert NAME in page.locator("h1").inner_text()  # shown as text, not run
        screenshot(page, "hostile-record")
    assert dialogs == []


def strings(node: object) -> list[str]:
    """Every string in a JSON document."""
    if isinstance(node, str):
        return [node]
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else []
    return [text for child in children for text in strings(child)]


def test_the_embedded_json_ld_keeps_the_name_as_data(url):
    html = requests.get(
        f"{url}/doc/organisation/fixture-hostile", headers={"Accept": "text/html"}, timeout=30
    ).text
    [block] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    assert "<" not in block and ">" not in block
    values = set(strings(json.loads(block)))
    assert NAME in values and DESCRIPTION in values


@pytest.mark.parametrize(
    "path", ["/", "/doc/organisation/iom", "/sparql?query=ASK%7B%7D", "/health", "/no-such-page", "/curate"]
)
def test_every_response_carries_the_security_headers(url, path):
    response = requests.get(f"{url}{path}", timeout=30)
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "frame-ancestors 'self'" in policy and "object-src 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"


BAD_REQUESTS = [
    ("GET", "/sparql?query=SELECT%20%7B", {}, b""),
    ("POST", "/sparql", {"Content-Type": "application/sparql-query"}, b"\xff\xfe not a query"),
    ("GET", "/sparql?query=ASK%7B%7D&default-graph-uri=%00", {}, b""),
    ("POST", "/curate/validate", {"Content-Type": "text/turtle"}, b"<a> <b> "),
    ("PUT", "/graph-store?graph=urn:x", {"Content-Type": "text/turtle"}, b"<a> <b> <c> ."),
    ("DELETE", "/sparql", {}, b""),
    ("GET", "/doc/organisation/%ff%fe", {}, b""),
    ("GET", "/queries/no-such-query", {}, b""),
]


@pytest.mark.parametrize(("method", "path", "headers", "body"), BAD_REQUESTS)
def test_errors_say_what_went_wrong_without_a_stack_trace(url, method, path, headers, body):
    response = requests.request(method, f"{url}{path}", headers=headers, data=body, timeout=30)
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:300])
    assert "Traceback" not in response.text and 'File "' not in response.text
