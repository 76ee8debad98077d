"""Documents follow changes (``bd4m-kg serve`` on both kinds of store, written through the Graph
Store Protocol): renaming a linked organisation changes the project page's ETag and text; a
retired record answers 410 Gone, or 301 to its replacement. Fixture records are test data."""

from __future__ import annotations

import pytest
import requests

from conftest import chromium_page

BASE = "https://w3id.org/bd4m/"
PROJECT = "/doc/project/cameroon-refugee-mapping"


def put_graph(url: str, token: str, graph: str, turtle: str) -> None:
    response = requests.put(
        f"{url}/graph-store",
        params={"graph": graph},
        data=turtle.encode(),
        headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert response.status_code in (201, 204), response.text


def test_renaming_a_linked_organisation_changes_the_project_page_and_its_etag(own_server):
    url, _, token, _ = own_server
    before = requests.get(f"{url}{PROJECT}", headers={"Accept": "text/html"}, timeout=30)
    unrelated = requests.get(f"{url}/doc/organisation/iom", headers={"Accept": "text/turtle"}, timeout=30)
    put_graph(
        url,
        token,
        f"{BASE}graph/organisation/worldpop",
        f"<{BASE}id/organisation/worldpop> a <http://www.w3.org/ns/org#Organization> ;\n"
        f'  <http://www.w3.org/2000/01/rdf-schema#label> "WorldPop (renamed by a test)"@en .',
    )
    after = requests.get(
        f"{url}{PROJECT}",
        headers={"Accept": "text/html", "If-None-Match": before.headers["ETag"]},
        timeout=30,
    )
    assert after.status_code == 200
    assert after.headers["ETag"] != before.headers["ETag"]
    assert "WorldPop (renamed by a test)" in after.text and "WorldPop (renamed by a test)" not in before.text
    still = requests.get(
        f"{url}/doc/organisation/iom",
        headers={"Accept": "text/turtle", "If-None-Match": unrelated.headers["ETag"]},
        timeout=30,
    )
    assert still.status_code == 304  # IOM's document read none of the changed graphs


def test_a_retired_record_is_410_and_a_replaced_one_301(own_server):
    url, _, token, _ = own_server
    retired, replaced = f"{BASE}id/organisation/fixture-retired", f"{BASE}id/organisation/fixture-replaced"
    put_graph(
        url,
        token,
        f"{BASE}graph/organisation/fixture-retired",
        f'<{retired}> <http://www.w3.org/2000/01/rdf-schema#label> "Retired fixture (test data)"@en ;\n'
        f"  <http://www.w3.org/2002/07/owl#deprecated> true .",
    )
    put_graph(
        url,
        token,
        f"{BASE}graph/organisation/fixture-replaced",
        f'<{replaced}> <http://www.w3.org/2000/01/rdf-schema#label> "Replaced fixture (test data)"@en ;\n'
        f"  <http://purl.org/dc/terms/isReplacedBy> <{BASE}id/organisation/iom> .",
    )
    gone = requests.get(
        f"{url}/doc/organisation/fixture-retired", headers={"Accept": "text/turtle"}, timeout=30
    )
    assert gone.status_code == 410 and "retired" in gone.json()["error"]
    moved = requests.get(
        f"{url}/doc/organisation/fixture-replaced",
        allow_redirects=False,
        headers={"Accept": "text/turtle"},
        timeout=30,
    )
    assert moved.status_code == 301 and moved.headers["Location"].endswith("/doc/organisation/iom")
    thing = requests.get(f"{url}/id/organisation/fixture-replaced", allow_redirects=False, timeout=30)
    assert thing.status_code == 303  # the thing still redirects to its document, which says where it went


@pytest.mark.browser
def test_in_chromium_a_record_named_like_a_script_runs_nothing(own_server):
    url, _, token, _ = own_server
    name = '</script><script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">'
    escaped = name.replace("\\", "\\\\").replace('"', '\\"')
    put_graph(
        url,
        token,
        f"{BASE}graph/organisation/fixture-script",
        f"<{BASE}id/organisation/fixture-script> a <http://www.w3.org/ns/org#Organization> ;\n"
        f'  <http://www.w3.org/2000/01/rdf-schema#label> "{escaped}"@en ;\n'
        f'  <http://purl.org/dc/terms/description> "A & B <b>not bold</b> (test data)"@en ;\n'
        f"  <http://purl.org/dc/terms/source> <javascript:window.pwned=3> .",
    )
    with chromium_page() as page:
        page.goto(f"{url}/doc/organisation/fixture-script")
        assert page.evaluate("window.pwned") is None
        assert page.locator("a[href^='javascript:']").count() == 0  # shown, never linked
        assert page.locator("h1").inner_text() == name  # shown as text, not markup
        assert "<b>not bold</b>" in page.locator(".summary").inner_text()
        embedded = page.evaluate(
            "JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').textContent)"
        )
        lists = [values for node in embedded for values in node.values() if isinstance(values, list)]
        values = [v["@value"] for found in lists for v in found if "@value" in v]
        assert name in values  # the same text, intact, in the embedded data
