"""The map of the directory (/map) and the data network around one organisation (/stats), in
Chromium against ``bd4m-kg serve``: countries coloured by their projects, a click on one opens
its listing, regions likewise; without JavaScript the places are a table of links."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import chromium_page, screenshot

BUNDLED = (Path(__file__).parents[2] / "server" / "static" / "vendor" / "directory-map.js").is_file()
needs_bundle = pytest.mark.skipif(
    not BUNDLED, reason="the map is not bundled (./dev runs npm in server/assets)"
)
# Where on the map's canvas the darkest colour is (the country with the most projects), in page pixels.
DARKEST = """(canvas) => {
  const { width, height } = canvas;
  const pixels = canvas.getContext("2d").getImageData(0, 0, width, height).data;
  let best = [765, 0, 0];
  for (let i = 0; i < pixels.length; i += 4 * 7) {
    const sum = pixels[i] + pixels[i + 1] + pixels[i + 2];
    const blue = pixels[i + 3] === 255 && pixels[i + 2] > pixels[i] + 40;
    if (blue && sum < best[0]) best = [sum, (i / 4) % width, Math.floor(i / 4 / width)];
  }
  const box = canvas.getBoundingClientRect();
  return [box.left + (best[1] * box.width) / width, box.top + (best[2] * box.height) / height];
}"""


@needs_bundle
def test_the_map_colours_countries_and_a_click_opens_the_listing_of_their_projects(served):
    with chromium_page() as page:
        page.goto(f"{served[0]}/map")
        page.wait_for_selector("#directory-map[data-drawn]")
        page.wait_for_timeout(800)  # the map draws on the next frames
        screenshot(page, "map-by-country")
        first = page.locator("table.places tbody tr").first
        most, name = int(first.get_attribute("data-projects")), first.locator("a").inner_text()
        x, y = page.evaluate(DARKEST, page.locator("#directory-map canvas").element_handle())
        page.mouse.click(x, y)
        page.wait_for_url(re.compile(r".*/projects\?country=\w\w$"))
        assert int(page.inner_text("p.meta").split()[0]) == most
        assert name in page.inner_text("aside.facets")  # the chosen country


@needs_bundle
def test_the_map_by_region_links_each_region_to_its_projects(served):
    with chromium_page() as page:
        page.goto(f"{served[0]}/map?by=region")
        page.wait_for_selector("#directory-map[data-drawn]")
        page.wait_for_timeout(800)
        screenshot(page, "map-by-region")
        row = page.locator("table.places tr:has-text('Eastern Africa')")
        assert row.get_attribute("data-code") == "014"
        projects = int(row.get_attribute("data-projects"))
        row.locator("a").click()
        page.wait_for_url("**/projects?region=eastern-africa")
        assert int(page.inner_text("p.meta").split()[0]) == projects


def test_without_javascript_the_map_is_a_table_of_places_and_home_and_browse_link_to_it(served):
    with chromium_page(javascript=False) as page:
        page.goto(served[0])
        page.click("#browse a[href='/map']")
        assert page.locator("#directory-map").is_hidden()
        assert page.locator("table.places tbody tr").count() > 20
        assert page.locator("table.places a[href='/projects?country=et']").inner_text() == "Ethiopia"
        page.goto(f"{served[0]}/projects")
        page.click("aside.facets a[href='/map?by=region']")
        assert page.locator("table.places a[href='/projects?region=africa']").count() == 1


def test_the_data_network_focuses_on_one_organisation_with_full_names(served):
    with chromium_page() as page:
        page.goto(f"{served[0]}/stats")
        whole = page.locator("svg.network text").count()
        page.select_option("select#focus", label="Türk Telekom")
        page.click("#network button:has-text('Show')")
        page.wait_for_url("**/stats?focus=turk-telekom*")
        assert page.inner_text("#network h2") == "Who holds data for whom around Türk Telekom"
        names = page.locator("svg.network text").all_text_contents()
        assert "Using call detail records to understand refugee integration in Turkey" in names  # not cut
        assert "Türk Telekom" in names and len(names) < whole
        screenshot(page, "network-around-turk-telekom")
