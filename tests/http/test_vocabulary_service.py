"""The vocabularies on ``bd4m-kg serve`` (every kind of store): for programs through the Skosmos
REST API, read with the National Library of Finland's own client (PyPI ``skosmos-client``), and
for people as a page per scheme with its concept tree and an A to Z list with search, in Chromium.

Expected values were written by hand from ontology/vocab/region.ttl and country.ttl.
"""

from __future__ import annotations

import pytest
import requests
from rdflib import Graph, URIRef
from rdflib.namespace import SKOS
from skosmos_client import SkosmosClient

from conftest import CHECKOUT, chromium_page, screenshot

REGION = "https://w3id.org/bd4m/vocab/region/"
REGION_FILE = CHECKOUT / "ontology" / "vocab" / "region.ttl"
REGIONS = len(set(Graph().parse(REGION_FILE).subjects(SKOS.inScheme, URIRef(REGION[:-1]))))
COUNTRY = "https://w3id.org/bd4m/vocab/country/"


@pytest.fixture(scope="module")
def skosmos(served) -> SkosmosClient:
    return SkosmosClient(api_base=f"{served[0]}/rest/v1/")


def test_the_client_lists_our_vocabularies(skosmos):
    listed = {v["id"]: v["title"] for v in skosmos.vocabularies(lang="en")}
    assert listed["region"] == "Regions" and listed["theme"] == "Themes" and "country" in listed
    region = skosmos.get_vocabulary("region", lang="en")
    assert region["conceptschemes"][0]["uri"] == REGION.rstrip("/")


def test_search_ignores_case_and_accents_and_takes_wildcards(skosmos):
    europe = {r["uri"] for r in skosmos.search("*EUROP*", vocabs="region", lang="en")}
    assert {f"{REGION}{slug}" for slug in ("europe", "northern-europe", "european-union")} <= europe
    assert all(r["vocab"] == "region" for r in skosmos.search("*europ*", vocabs="region"))
    [uk] = skosmos.search("UK", vocabs="country", lang="en")  # its other name
    assert uk["uri"] == f"{COUNTRY}gb" and uk["altLabel"] == "UK" and uk["prefLabel"] == "United Kingdom"
    assert [r["uri"] for r in skosmos.search("turk*", vocabs="country")] == [f"{COUNTRY}tr"]  # Türkiye
    paged = skosmos.search("*", vocabs="region", maxhits=5, offset=REGIONS - 2)
    assert len(paged) == 2 and REGIONS > 20  # the last two


def test_top_concepts_lookup_and_relations(skosmos):
    top = {c["uri"]: c for c in skosmos.top_concepts("region", lang="en")}
    assert set(top) == {f"{REGION}world", f"{REGION}european-union"}
    assert top[f"{REGION}world"]["hasChildren"] and not top[f"{REGION}european-union"]["hasChildren"]
    assert [r["uri"] for r in skosmos.lookup("region", "Europe", lang="en")] == [f"{REGION}europe"]
    europe = skosmos.get_concept("region", f"{REGION}europe")
    assert europe.label() == "Europe"
    assert [c["uri"] for c in europe.broader()] == [f"{REGION}world"]
    assert {c["uri"].removeprefix(REGION) for c in europe.narrower()} == {
        "northern-europe",
        "southern-europe",
        "western-europe",
        "eastern-europe",
    }


@pytest.mark.parametrize(
    ("media_type", "parser"), [("application/rdf+xml", "xml"), ("text/turtle", "turtle")]
)
def test_data_is_the_concepts_rdf(served, media_type, parser):
    """The client's own ``data()`` asks for RDF/XML, then lets rdflib guess the format, which rdflib 7
    no longer does (it tries Turtle): so its request is sent here as it sends it, and parsed as it says."""
    answer = requests.get(
        f"{served[0]}/rest/v1/data", params={"uri": f"{COUNTRY}gb", "format": media_type}, timeout=30
    )
    assert answer.headers["Content-Type"].startswith(media_type)
    graph = Graph().parse(data=answer.content, format=parser)
    assert str(graph.value(URIRef(f"{COUNTRY}gb"), SKOS.prefLabel)) == "United Kingdom"
    assert (URIRef(f"{COUNTRY}gb"), SKOS.broader, URIRef(f"{REGION}northern-europe")) in graph


def test_what_is_not_ours_gets_a_clear_404_and_nothing_is_fetched(served):
    url = served[0]
    elsewhere = requests.get(f"{url}/rest/v1/data", params={"uri": "http://example.org/x"}, timeout=30)
    assert elsewhere.status_code == 404 and "/rest/v1/search" in elsewhere.json()["error"]
    assert requests.get(f"{url}/rest/v1/planets/topConcepts", timeout=30).status_code == 404
    missing = requests.get(f"{url}/rest/v1/search", timeout=30)
    assert missing.status_code == 400 and missing.json()["parameter"] == "query"


@pytest.mark.browser
def test_a_vocabulary_page_shows_its_tree_and_an_a_to_z_list_with_search(served):
    url = served[0]
    with chromium_page() as page:
        page.goto(f"{url}/vocabularies")
        page.click("a:text-is('Regions')")
        assert page.inner_text("h1") == "Regions"
        tree = page.locator(".concept-tree")
        assert tree.locator("summary:has-text('World')").count() == 1
        assert tree.locator("details details summary:has-text('Europe')").count() >= 1  # World, then Europe
        assert page.locator("ul.a-z li").count() == REGIONS
        screenshot(page, "vocabulary-regions")
        page.fill("#q", "afri")
        page.click("form.search button")
        found = page.locator("ul.a-z li > a").all_inner_texts()
        assert "Africa" in found and "Sub-Saharan Africa" in found and "Europe" not in found
        page.click("ul.a-z li > a:text-is('Africa')")
        assert page.inner_text("h1") == "Africa"
