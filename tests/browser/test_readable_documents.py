"""The harvesting documents as people and tools meet them: the VoID, DCAT and feed links on the home
page open in Chromium as pages a person reads (with a download link per format), and the feed and
a record's history answer Turtle and the other RDF formats a harvester asks for."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
import requests

from bd4m_kg.rdf.formats import RDF_FORMATS
from conftest import chromium_page, screenshot

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
PROV = "http://www.w3.org/ns/prov#"


@pytest.mark.parametrize(
    ("link", "heading", "expected"),
    [
        ("VoID", "VoID description of the dataset", "void:Dataset"),
        ("DCAT-AP catalogue", "Data catalogue", "dcat:Catalog"),
        ("change feed", "Change feed", "ldes:EventStream"),
    ],
)
def test_the_home_pages_data_links_open_as_pages_a_person_reads(served, link, heading, expected):
    with chromium_page() as page:
        page.goto(served[0])
        page.click(f"a:text-is('{link}')")
        assert page.locator("h1").inner_text() == heading
        assert expected in page.locator("pre.rdf").inner_text()
        assert page.locator("p.formats a").count() >= 3
        kind = "remote" if "--state" in served[1] else "embedded"
        screenshot(page, f"readable-{link.split()[0].lower()}-{kind}")


@pytest.mark.parametrize("short", ["ttl", "trig", "nq", "jsonld"])
def test_the_feed_answers_each_format_by_format_and_by_accept(served, short):
    for response in (
        requests.get(f"{served[0]}/changes?format={short}", headers={"Accept": BROWSER_ACCEPT}, timeout=30),
        requests.get(f"{served[0]}/changes", headers={"Accept": RDF_FORMATS[short].media_type}, timeout=30),
    ):
        assert response.status_code == 200, response.text
        assert response.headers["Content-Type"].split(";")[0] == RDF_FORMATS[short].media_type
        statements = list(ox.parse(response.content, format=RDF_FORMATS[short].format))
        assert any(s.object == ox.NamedNode("https://w3id.org/ldes#EventStream") for s in statements)


def test_the_feed_in_turtle_says_its_members_contents_need_named_graphs(served):
    turtle = requests.get(f"{served[0]}/changes", headers={"Accept": "text/turtle"}, timeout=30).text
    assert turtle.startswith("# This format has no named graphs")
    assert "tree:member" in turtle


@pytest.mark.parametrize("short", ["ttl", "jsonld", "rdf", "nt"])
def test_a_records_history_answers_rdf(served, short):
    response = requests.get(
        f"{served[0]}/doc/project/project-jetson/history?format={short}",
        headers={"Accept": BROWSER_ACCEPT},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    triples = list(ox.parse(response.content, format=RDF_FORMATS[short].format))
    record = ox.NamedNode("https://w3id.org/bd4m/id/project/project-jetson")
    versions = {t.subject for t in triples if t.object == record}
    assert versions and all(v.value.startswith("https://w3id.org/bd4m/version/") for v in versions)
    assert any(t.predicate == ox.NamedNode(f"{PROV}generatedAtTime") for t in triples)
