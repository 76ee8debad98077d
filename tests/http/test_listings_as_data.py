"""Every browse listing as data on ``bd4m-kg serve`` (every kind of store), as Datasette serves its
tables: ``/projects.json`` and ``/projects.csv`` (or ``?format=``, or ``Accept``) with the page's
filters, paging links to follow, ``truncated`` and the total; unknown parameters refused by name.
"""

from __future__ import annotations

import csv
import io

import pytest
import requests

from conftest import chromium_page

AFRICA = {"region": "africa"}


@pytest.fixture(scope="module")
def url(served) -> str:
    return served[0]


def get(url: str, path: str, **options: object) -> requests.Response:
    response = requests.get(f"{url}{path}", timeout=60, **options)
    assert response.status_code == 200, response.text
    return response


def every_page(first: str) -> tuple[list[dict], list[bool]]:
    """The records of a JSON listing and of each page its next_url leads to, with their truncated flags."""
    records, flags, following = [], [], first
    while following:
        page = get(following, "").json()
        records += page["records"]
        flags.append(page["truncated"])
        following = page["next_url"]
    return records, flags


def named_query_projects(url: str) -> set[str]:
    named = get(url, "/queries/projects-covering-region", params={"format": "csv"}).text
    return {row["project"] for row in csv.DictReader(io.StringIO(named))}


def test_a_filtered_listing_pages_through_every_record_as_json(url):
    in_africa = named_query_projects(url)
    first = get(url, "/projects.json", params={**AFRICA, "size": 5}).json()
    assert first["total"] == len(in_africa) > 5 and first["pages"] == -(-len(in_africa) // 5)
    assert first["columns"] == ["iri", "name", "summary", "page"]
    records, flags = every_page(f"{url}/projects.json?region=africa&size=5")
    assert {r["iri"] for r in records} == in_africa and len(records) == len(in_africa)
    assert flags == [True] * (len(flags) - 1) + [False]
    assert all(r["page"].startswith(f"{url}/doc/project/") for r in records)
    assert get(records[0]["page"], "", headers={"Accept": "text/html"}).text.count(records[0]["name"]) >= 1


def test_the_csv_holds_the_same_rows_and_links_to_the_next_page(url):
    data = get(url, "/projects.json", params={**AFRICA, "size": 5}).json()
    answer = get(url, "/projects.csv", params={**AFRICA, "size": 5})
    assert answer.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert rows == data["records"]
    assert answer.headers["X-Total-Count"] == str(data["total"])
    assert answer.links["next"]["url"] == f"{url}/projects.csv?region=africa&size=5&page=2"
    later = requests.get(answer.links["next"]["url"], timeout=60)
    assert later.links["prev"]["url"] == f"{url}/projects.csv?region=africa&size=5&page=1"


@pytest.mark.parametrize(
    ("options", "media_type"),
    [
        ({"params": {"format": "csv"}}, "text/csv"),
        ({"params": {"format": "json"}}, "application/json"),
        ({"headers": {"Accept": "text/csv"}}, "text/csv"),
        ({"headers": {"Accept": "application/json"}}, "application/json"),
        ({"headers": {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}}, "text/html"),
    ],
)
def test_format_and_accept_choose_as_the_extension_does(url, options, media_type):
    answer = get(url, "/organisations", **options)
    assert answer.headers["Content-Type"].split(";")[0] == media_type
    assert "Accept" in answer.headers["Vary"]


def test_facets_come_with_their_counts_and_the_url_that_chooses_them(url):
    listing = get(url, "/projects.json").json()
    mobile = next(v for v in listing["facets"]["source"] if v["key"] == "mobile-network-data")
    narrowed = get(f"{url}/projects.json{mobile['toggle_url']}", "").json()
    assert narrowed["total"] == mobile["count"] > 5
    assert all(v["chosen"] for v in narrowed["facets"]["source"] if v["key"] == "mobile-network-data")


@pytest.mark.parametrize("path", ["/projects", "/projects.json", "/collaboratives.csv"])
def test_an_unknown_or_malformed_parameter_is_named_in_a_400(url, path):
    unknown = requests.get(f"{url}{path}", params={"colour": "red"}, timeout=30)
    assert unknown.status_code == 400 and "'colour'" in unknown.json()["error"]
    assert unknown.json()["parameter"] == "colour"
    for name, value in (("page", "two"), ("size", "0"), ("size", "5000")):
        bad = requests.get(f"{url}{path}", params={name: value}, timeout=30)
        assert bad.status_code == 400 and bad.json()["parameter"] == name, (name, value)


@pytest.mark.browser
def test_the_page_links_to_itself_as_data(url):
    with chromium_page() as page:
        page.goto(f"{url}/projects?region=africa")
        shown = int(page.inner_text("p.meta").split()[0])
        csv_link = page.get_attribute("a:text-is('CSV')", "href")
        json_link = page.get_attribute("a:text-is('JSON')", "href")
    assert len(list(csv.DictReader(io.StringIO(get(url, csv_link).text)))) == shown
    assert get(url, json_link).json()["total"] == shown
