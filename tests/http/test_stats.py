"""``/stats`` on ``bd4m-kg serve``: counts, SVG bar charts whose bars agree with the listings they
link to, and the data network, readable without JavaScript (checked in Chromium with it off)."""

from __future__ import annotations

import re

import pytest
import requests

from conftest import chromium_page, screenshot


@pytest.fixture(scope="module")
def page(served) -> str:
    response = requests.get(f"{served[0]}/stats", headers={"Accept": "text/html"}, timeout=60)
    assert response.status_code == 200
    return response.text


def test_every_bar_counts_what_its_listing_shows(served, page):
    bars = re.findall(r'<a href="(/projects\?[^"]+)"><title>([^<]+): (\d+)</title>', page)
    assert len(bars) > 30
    for href, _, number in bars[:6]:
        listing = requests.get(f"{served[0]}{href}", headers={"Accept": "text/html"}, timeout=30).text
        assert re.search(rf'<p class="meta">{number} project', listing), href


def test_the_network_joins_holders_projects_and_users(page):
    network = page.split('<svg class="network"', 1)[1]
    assert "Türk Telekom" in network and 'href="/doc/organisation/turk-telekom"' in network
    assert network.count('class="held"') > 20 and network.count('class="used"') > 5
    assert 'href="/doc/project/data-for-refugees-challenge"' in network


@pytest.mark.browser
def test_in_chromium_without_javascript_the_charts_are_there(served):
    url, options = served
    with chromium_page(javascript=False) as browser_page:
        browser_page.goto(f"{url}/stats")
        assert browser_page.locator("svg.chart").count() == 5
        assert browser_page.locator("svg.network a").count() > 50
        box = browser_page.locator("svg.network").bounding_box()
        assert box is not None and box["width"] > 600
        screenshot(browser_page, f"stats-{'remote' if '--state' in options else 'embedded'}")
