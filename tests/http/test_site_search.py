"""One site-wide search on ``bd4m-kg serve`` (every kind of store): every kind of record and concept,
ranked, the matching words marked, a typeahead on the search box, and the results as data."""

from __future__ import annotations

import csv
import io

import pytest
import requests

from conftest import chromium_page, screenshot

ORGANISATION = "https://w3id.org/bd4m/id/organisation/"


@pytest.fixture(scope="module")
def url(served) -> str:
    return served[0]


def results(url: str, words: str, **more: object) -> dict:
    answer = requests.get(f"{url}/search.json", params={"q": words, **more}, timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_every_kind_is_found_and_the_name_match_ranks_first(url):
    found = results(url, "bogazici")  # Boğaziçi, without its accents
    assert found["results"][0]["iri"] == f"{ORGANISATION}bogazici-university"
    kinds = {r["kind"] for r in results(url, "mobile", size=200)["results"]}
    assert {"Project", "Organisation", "Data collaborative", "Vocabulary concept"} <= kinds
    region = results(url, "sub-saharan")["results"]
    assert region[0]["iri"] == "https://w3id.org/bd4m/vocab/region/sub-saharan-africa"


def test_every_word_must_match_and_the_total_pages_through(url):
    both = results(url, "turk tele")
    assert both["results"][0]["iri"] == f"{ORGANISATION}turk-telekom"
    assert all("tele" in r["name"].lower() or r["kind"] != "Organisation" for r in both["results"])
    everything, following = [], f"{url}/search.json?q=mobile&size=5"
    while following:
        page = requests.get(following, timeout=30).json()
        everything += page["results"]
        following = page["next_url"]
    assert len(everything) == results(url, "mobile")["total"] == len({r["iri"] for r in everything}) > 5
    rows = list(csv.DictReader(io.StringIO(requests.get(f"{url}/search.csv?q=bogazici", timeout=30).text)))
    assert rows[0]["iri"] == f"{ORGANISATION}bogazici-university"


def test_the_page_marks_the_words_and_escapes_the_rest(url):
    page = requests.get(
        f"{url}/search", params={"q": "boğaziçi <b>"}, headers={"Accept": "text/html"}, timeout=30
    )
    assert "<mark>Boğaziçi</mark>" in page.text and "<b>" not in page.text.split("<main>")[1]
    assert requests.get(f"{url}/search", params={"colour": "red"}, timeout=30).status_code == 400


def test_suggestions_follow_the_opensearch_format(url):
    typed, names, kinds, pages = requests.get(
        f"{url}/search/suggest", params={"q": "flowm"}, timeout=30
    ).json()
    assert typed == "flowm" and names[0] == "Flowminder Foundation" and kinds[0] == "Organisation"
    assert pages[0] == f"{url}/doc/organisation/flowminder"


@pytest.mark.browser
def test_the_search_box_on_every_page_suggests_and_finds(url):
    with chromium_page() as page:
        page.goto(f"{url}/projects")
        page.fill("#site-q", "")
        page.type("#site-q", "türk tel", delay=40)
        page.wait_for_function("document.querySelectorAll('#site-suggestions option').length > 0")
        assert page.locator("#site-suggestions option").first.get_attribute("value") == "Türk Telekom"
        page.press("#site-q", "Enter")
        page.wait_for_selector("ol.search-results li")
        first = page.locator("ol.search-results li").first
        assert first.locator("mark").count() >= 1 and "organisation" in first.inner_text().lower()
        screenshot(page, "site-search")
        first.locator("a").click()
        assert page.inner_text("h1") == "Türk Telekom"
