"""A record's history, rollback and retirement on ``bd4m-kg serve`` (both kinds of store): every
version with its change, submission, curator and diff; a rollback is a new publication; a retired
record answers 410, a merged one 301 to its replacement. Edits change real records' wording only."""

from __future__ import annotations

import csv
import io

import pytest
import requests

from conftest import chromium_page, screenshot
from test_submissions import GRAPH, ORIGINAL, call, description_of, edited, generation, submit, tokens

__all__ = ["tokens"]  # the fixture, shared with test_submissions
HISTORY = "/doc/project/afghanistan-violence-internal-displacement/history"
RECORDS = "/curate/records"


def versions(url: str) -> list[dict]:
    answer = requests.get(f"{url}{HISTORY}", headers={"Accept": "application/json"}, timeout=60)
    assert answer.status_code == 200, answer.text
    return answer.json()["versions"]


def test_the_history_lists_each_version_with_its_change(own_server, tokens):
    url = own_server[0]
    number = submit(url, tokens["ana"], edited(b"to gauge internal displacement")).json()["id"]
    published = call("POST", f"{url}/curate/submissions/{number}/publish", tokens["cleo"]).json()
    newest, *older = versions(url)
    assert newest["generation"] == published["generation"] and newest["submission"] == number
    assert "/id/curator/" in newest["curator"] and newest["summary"] == f"publication (submission {number})"
    assert any("to gauge internal" in line for line in newest["added"])
    assert any(ORIGINAL.decode() in line for line in newest["removed"])
    assert older[-1]["generation"] == 1 and older[-1]["removed"] == [] and len(older[-1]["added"]) > 10
    as_csv = requests.get(f"{url}{HISTORY}.csv", timeout=60)
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert [int(r["generation"]) for r in rows] == [v["generation"] for v in [newest, *older]]
    assert rows[0]["submission"] == str(number) and "to gauge internal" in rows[0]["added"]
    assert requests.get(f"{url}{HISTORY}.json", timeout=60).json()["versions"] == [newest, *older]


def test_curators_see_the_curators_name_and_the_public_a_pseudonym(own_server, tokens):
    url = own_server[0]
    number = submit(url, tokens["ana"], edited(b"to weigh internal displacement")).json()["id"]
    call("POST", f"{url}/curate/submissions/{number}/publish", tokens["cleo"]).raise_for_status()
    public = versions(url)[0]
    assert "/id/curator/" in public["curator"] and "curator_name" not in public
    assert "cleo" not in requests.get(f"{url}{HISTORY}", headers={"Accept": "text/html"}, timeout=60).text
    seen = call("GET", f"{url}{HISTORY}", tokens["cleo"], headers={"Accept": "application/json"}).json()
    assert seen["versions"][0]["curator"] == public["curator"]
    assert seen["versions"][0]["curator_name"] == "cleo"
    submitter = call("GET", f"{url}{HISTORY}", tokens["ana"], headers={"Accept": "application/json"})
    assert submitter.status_code == 200 and "curator_name" not in submitter.json()["versions"][0]


def test_a_rollback_publishes_an_old_version_again(own_server, tokens):
    url = own_server[0]
    rollback = f"{url}{RECORDS}/project/afghanistan-violence-internal-displacement/rollback"
    assert call("POST", rollback, json={"generation": 1}).status_code == 401
    assert call("POST", rollback, tokens["ana"], json={"generation": 1}).status_code == 403
    assert call("POST", rollback, tokens["cleo"], json={}).status_code == 400
    assert call("POST", rollback, tokens["cleo"], json={"generation": 0}).status_code == 404
    never = call("POST", rollback, tokens["cleo"], json={"generation": 99})  # past the store's generation
    assert never.status_code == 404 and "there is no generation 99" in never.json()["error"]
    before = generation(url)
    done = call("POST", rollback, tokens["cleo"], json={"generation": 1})
    assert done.status_code == 200, done.text
    assert done.json()["generation"] == before + 1 and GRAPH in done.json()["records"]
    assert ORIGINAL.decode() in description_of(url)
    assert versions(url)[0]["submission"] == done.json()["submission"]
    again = call("POST", rollback, tokens["cleo"], json={"generation": 1})
    assert again.status_code == 409 and generation(url) == before + 1


def test_a_retired_record_answers_410_and_a_merged_one_301(own_server, tokens):
    url = own_server[0]
    retire = f"{url}{RECORDS}/organisation/a21/retire"
    assert call("POST", retire, tokens["cleo"], json={"replaced_by": "x"}).status_code == 400  # no reason
    before = generation(url)
    nowhere = "https://w3id.org/bd4m/id/organisation/no-such-organisation"
    refused = call("POST", retire, tokens["cleo"], json={"reason": "Merged", "replaced_by": nowhere})
    assert refused.status_code == 409 and generation(url) == before
    merged = call(
        "POST",
        retire,
        tokens["cleo"],
        json={"reason": "Merged", "replaced_by": "https://w3id.org/bd4m/id/organisation/ait"},
    )
    assert merged.status_code == 200, merged.text
    moved = requests.get(f"{url}/doc/organisation/a21", allow_redirects=False, timeout=60)
    assert moved.status_code == 301 and moved.headers["Location"].endswith("/doc/organisation/ait")
    gone = call(
        "POST",
        f"{url}{RECORDS}/organisation/altai-consulting/retire",
        tokens["cleo"],
        json={"reason": "Closed"},
    )
    assert gone.status_code == 200
    assert requests.get(f"{url}/doc/organisation/altai-consulting", timeout=60).status_code == 410
    assert call("POST", retire, tokens["cleo"], json={"reason": "Again"}).status_code == 409


@pytest.mark.browser
def test_the_history_page_in_a_browser(own_server, tokens):
    url = own_server[0]
    with chromium_page() as page:
        page.goto(f"{url}/doc/project/afghanistan-violence-internal-displacement")
        page.click("text=Its history")
        page.wait_for_selector("section.version")
        assert page.locator("section.version").count() >= 3
        assert "rollback of" in page.inner_text("section.version >> nth=0")
        assert page.locator("section.version >> nth=0 >> pre.diff .added").count() >= 1
        assert page.locator("#curator-actions").is_hidden()  # no token in this tab
        page.goto(f"{url}/curate")
        page.fill("#token", tokens["cleo"])
        page.click("#token-form button")
        page.wait_for_selector("#who:has-text('cleo')")
        page.goto(f"{url}{HISTORY}")
        before = page.locator("section.version").count()
        second = page.locator("section.version >> nth=1")
        generation = second.get_attribute("data-generation")
        second.locator("button.rollback").click()
        page.wait_for_selector(f"section.version >> nth={before}")  # no eval: the CSP forbids it
        assert f"to generation {generation}" in page.inner_text("section.version >> nth=0")
        screenshot(page, f"history-{'remote' if '--state' in own_server[1] else 'embedded'}")
