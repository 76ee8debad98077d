"""Details a newcomer notices on the pages of ``bd4m-kg serve``: the ontology names the kind of each
term in words, a 404 page points to the listings, and the navigation keeps to one line at 1280 px."""

from __future__ import annotations

import requests

from conftest import chromium_page, screenshot

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def test_the_ontology_page_names_each_terms_kind_in_words(served):
    page = requests.get(f"{served[0]}/ontology", headers=BROWSER, timeout=60).text
    row = page[page.index('<tr id="DataCollaborative">') :].split("</tr>", 1)[0]
    assert "<td>class</td>" in row and "owl#Class" not in row
    row = page[page.index('<tr id="coverageNote">') :].split("</tr>", 1)[0]
    assert "annotation property" in row and "owl#AnnotationProperty" not in row


def test_a_404_page_points_to_the_listings(served):
    answer = requests.get(f"{served[0]}/doc/project/no-such-project", headers=BROWSER, timeout=60)
    assert answer.status_code == 404
    for listing in ('href="/projects"', 'href="/organisations"', 'href="/collaboratives"', 'href="/sparql"'):
        assert listing in answer.text


def test_the_navigation_keeps_to_one_line_at_1280_pixels(served):
    with chromium_page(width=1280) as page:
        page.goto(f"{served[0]}/sparql")
        links = page.locator("header.site nav a")
        tops = {round(links.nth(i).bounding_box()["y"]) for i in range(links.count())}
        assert len(tops) == 1, tops
        brand = page.locator("header.site .brand").bounding_box()
        assert brand["height"] < 40  # the name on one line
        screenshot(page, "navigation-1280")
