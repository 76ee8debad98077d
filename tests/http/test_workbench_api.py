"""What the query page's workbench asks of ``bd4m-kg serve``: completions and short links, over HTTP
from a second process, on every kind of store."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from bd4m_kg.sparql.short_links import LINK_QUERY_BYTES, link_id

BD4M = "https://w3id.org/bd4m/ontology#"
QUERY = "SELECT ?project WHERE { ?project a <https://w3id.org/bd4m/ontology#Project> } LIMIT 3"


@pytest.fixture(scope="module")
def url(own_server) -> str:
    return own_server[0]


def test_completions_offer_our_prefixes_classes_properties_and_concepts(url):
    answer = requests.get(f"{url}/sparql/completions", timeout=60)
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("application/json")
    listed = answer.json()
    assert listed["prefixes"]["bd4m"] == BD4M and listed["prefixes"]["country"].endswith("/vocab/country/")
    terms = {(t["iri"], t["kind"]): t for t in listed["terms"]}
    project = terms[(f"{BD4M}Project", "class")]
    assert project["label"] == "Project" and project["comment"]
    assert (f"{BD4M}usesDataSource", "property") in terms
    assert ("http://purl.org/dc/terms/source", "property") in terms  # used by the records, declared elsewhere
    ethiopia = terms[("https://w3id.org/bd4m/vocab/country/et", "concept")]
    assert ethiopia["label"] == "Ethiopia" and ethiopia["notation"] == "ET"
    assert ethiopia["broader"].endswith("/vocab/region/eastern-africa")
    africa = terms[("https://w3id.org/bd4m/vocab/region/africa", "concept")]
    assert africa["notation"] == "002" and africa["scheme"].endswith("/vocab/region")
    assert not any(t["iri"].startswith("http://prefix.cc") for t in listed["terms"])


def test_completions_are_cached_until_the_store_changes(url):
    first = requests.get(f"{url}/sparql/completions", timeout=60)
    matching = {"If-None-Match": first.headers["ETag"]}
    again = requests.get(f"{url}/sparql/completions", headers=matching, timeout=60)
    assert again.status_code == 304


def test_a_short_link_reopens_its_query_on_the_query_page(url):
    kept = requests.post(f"{url}/sparql/links", json={"query": QUERY}, timeout=60)
    assert kept.status_code == 201
    link = kept.json()["url"]
    assert urlsplit(link).path == f"/q/{link_id(QUERY)}" and len(kept.json()["id"]) == 10
    again = requests.post(f"{url}/sparql/links", data={"query": QUERY}, timeout=60)  # a form works too
    assert again.status_code == 201 and again.json()["url"] == link  # the same query, the same link
    opened = requests.get(link, allow_redirects=False, timeout=60)
    assert opened.status_code == 303
    target = urlsplit(opened.headers["Location"])
    assert target.path == "/sparql" and parse_qs(target.query)["query"] == [QUERY]
    page = requests.get(link, headers={"Accept": "text/html"}, timeout=60)
    assert page.status_code == 200 and "project:" in page.text  # followed, it runs on the page


def test_short_links_refuse_what_they_cannot_keep(url):
    for body, said in (
        ({"query": "  "}, "empty"),
        ({"query": "#" * (LINK_QUERY_BYTES + 1)}, "KiB"),
        ({"text": QUERY}, "'query'"),
    ):
        refused = requests.post(f"{url}/sparql/links", json=body, timeout=60)
        assert refused.status_code == 400 and said in refused.json()["error"]
    missing = requests.get(f"{url}/q/AAAAAAAAAA", timeout=60)
    assert missing.status_code == 404 and "no short link" in missing.json()["error"]
