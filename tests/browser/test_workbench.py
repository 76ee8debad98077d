"""The query page's workbench in Chromium, against ``bd4m-kg serve`` as a user starts it: the editor
highlights, completes and declares prefixes, runs with Ctrl+Enter and marks errors; answers page,
sort, chart, map, draw as Turtle and as a graph, download; short links, code and named-query forms.
Without JavaScript the same page is the plain form the server answers."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlencode

import pytest

from conftest import chromium_page, screenshot

if not (Path(__file__).parents[2] / "server" / "static" / "vendor" / "workbench.js").is_file():
    NOT_BUNDLED = "the workbench is not bundled (./dev runs npm in server/assets)"
    if os.environ.get("CI") == "true":
        raise RuntimeError(NOT_BUNDLED)  # CI installs npm: a missing bundle is a broken build
    pytest.skip(NOT_BUNDLED, allow_module_level=True)

PLACES = """PREFIX bd4m: <https://w3id.org/bd4m/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?place (COUNT(DISTINCT ?project) AS ?projects) WHERE {
  ?project a bd4m:Project ; dcterms:spatial ?place .
} GROUP BY ?place ORDER BY DESC(?projects)"""
MANY_ROWS = (  # varied ?p on any engine; records' subjects, so rows link to our pages on every engine
    'SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(STRSTARTS(STR(?s), "https://w3id.org/bd4m/id/")) }'
    " ORDER BY ?s ?p ?o LIMIT 250"
)
DASH = "\u2013"  # the en dash of the pager's row ranges
DESCRIBE = "DESCRIBE <https://w3id.org/bd4m/id/project/hummingbird-h2020>"


def open_workbench(page, url: str, query: str | None = None) -> None:
    """Open the query page (with a query in its URL, if given) and wait for the editor."""
    page.goto(f"{url}/sparql" + (f"?{urlencode({'query': query})}" if query else ""))
    page.wait_for_selector(".cm-editor .cm-content")


def write(page, text: str) -> None:
    """Replace the editor's text, as a person pasting it."""
    page.click(".cm-content")
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(text)


def editor_text(page) -> str:
    return page.evaluate("() => document.querySelector('textarea#query').value")


def run_and_wait(page, summary: str) -> None:
    page.keyboard.press("Control+Enter")
    page.wait_for_selector(f"#answer p.meta:has-text('{summary}')")


def test_the_editor_highlights_completes_and_declares_the_prefix(served):
    with chromium_page() as page:
        open_workbench(page, served[0])
        highlighted = page.locator(".cm-content span[class]")
        assert highlighted.count() > 10  # keywords, variables, IRIs each in their own colour
        write(page, "SELECT ?project WHERE {\n  ?project a ")
        page.keyboard.type("bd4m:Proj")
        page.wait_for_selector(".cm-tooltip-autocomplete li:has-text('bd4m:Project')")
        screenshot(page, "workbench-completion")
        page.keyboard.press("Enter")
        text = editor_text(page)
        assert "?project a bd4m:Project" in text
        assert text.startswith("PREFIX bd4m: <https://w3id.org/bd4m/ontology#>\n")  # declared once, on top
        page.keyboard.type(" . ?project dcterms:spatial ")
        page.keyboard.type("Ethiop")
        page.wait_for_selector(".cm-tooltip-autocomplete li:has-text('Ethiopia')")
        page.keyboard.press("Enter")
        text = editor_text(page)
        assert "dcterms:spatial country:et" in text
        assert "PREFIX dcterms: <http://purl.org/dc/terms/>" in text and "PREFIX country: <" in text
        assert text.count("PREFIX bd4m:") == 1


def completions_offered(page) -> list[str]:
    page.wait_for_selector(".cm-tooltip-autocomplete li")
    return page.locator(".cm-tooltip-autocomplete li .cm-completionLabel").all_inner_texts()


def test_completion_fits_the_place_in_the_triple_pattern(served):
    with chromium_page() as page:
        open_workbench(page, served[0])
        write(page, "PREFIX bd4m: <https://w3id.org/bd4m/ontology#>\nSELECT * WHERE {\n  ?x a ")
        page.keyboard.type("bd4m:")
        after_a = completions_offered(page)
        assert "bd4m:Project" in after_a and "bd4m:usesDataSource" not in after_a  # classes only
        page.keyboard.press("Escape")
        page.keyboard.type("Project ;\n    ")
        page.keyboard.type("bd4m:")
        offered = completions_offered(page)
        assert "bd4m:Project" not in offered  # properties only
        # a project's own properties (from the VoID partitions) come before a data source's
        assert offered.index("bd4m:usesDataSource") < offered.index("bd4m:heldBy")
        screenshot(page, "workbench-context-completion")


def test_ctrl_enter_runs_and_the_table_pages_and_sorts_every_row(served):
    with chromium_page() as page:
        open_workbench(page, served[0])
        write(page, MANY_ROWS)
        run_and_wait(page, "250 rows")
        assert page.locator("table.results tbody tr").count() == 100
        assert f"rows 1{DASH}100 of 250" in page.inner_text("nav.pager")
        page.click("nav.pager button:has-text('Next')")
        assert f"rows 101{DASH}200 of 250" in page.inner_text("nav.pager")
        page.click("table.results th:nth-child(2) button")
        assert page.get_attribute("table.results th:nth-child(2)", "aria-sort") == "ascending"
        assert f"rows 1{DASH}100 of 250" in page.inner_text("nav.pager")  # sorting starts at the first page
        shown = page.locator("table.results tbody td:nth-child(2)").all_inner_texts()
        assert shown == sorted(shown, key=str.lower) and len(set(shown)) > 1
        page.click("table.results th:nth-child(2) button")
        assert page.get_attribute("table.results th:nth-child(2)", "aria-sort") == "descending"
        assert page.locator("table.results tbody a[href^='/']").count() > 0  # our IRIs link to our pages
        screenshot(page, "workbench-table")
        page.click("[role=tab]:has-text('Raw response')")
        assert '"bindings"' in page.inner_text("pre.raw")


def test_a_syntax_error_is_marked_where_the_engine_found_it(served):
    with chromium_page() as page:
        open_workbench(page, served[0])
        write(page, "SELECT * WHERE { ?s ?p ?o }\nLIMT 3")
        page.keyboard.press("Control+Enter")
        page.wait_for_selector("#answer .error")
        assert "line 2" in page.inner_text("#answer .error")
        marked = page.locator(".cm-lintRange-error")
        marked.wait_for()
        line = page.locator(".cm-line").nth(1)
        assert marked.first.bounding_box()["y"] >= line.bounding_box()["y"] - 1  # on the second line
        screenshot(page, "workbench-syntax-error")


def test_an_answer_of_places_opens_on_the_map_and_switches_to_a_chart(served):
    with chromium_page() as page:
        open_workbench(page, served[0], PLACES)
        page.wait_for_selector("[role=tab][aria-selected=true]:has-text('Map')")
        page.wait_for_selector(".view-map canvas")
        page.wait_for_timeout(800)  # the map draws on the next frames
        screenshot(page, "workbench-map")
        page.click("[role=tab]:has-text('Chart')")
        page.wait_for_selector(".view-chart canvas")
        page.wait_for_timeout(500)
        screenshot(page, "workbench-chart")
        page.click("[role=tab]:has-text('Table')")
        assert page.locator("table.results a:has-text('region:european-union')").count() == 1


PERIODS = """PREFIX bd4m: <https://w3id.org/bd4m/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX dcat: <http://www.w3.org/ns/dcat#>
SELECT ?name ?start ?end WHERE {
  ?project a bd4m:Project ; rdfs:label ?name ; dcterms:temporal ?period .
  ?period dcat:startDate ?start . OPTIONAL { ?period dcat:endDate ?end }
}"""


def test_an_answer_with_dates_opens_on_a_timeline(served):
    with chromium_page() as page:
        open_workbench(page, served[0], PERIODS)
        page.wait_for_selector("[role=tab][aria-selected=true]:has-text('Timeline')")
        page.wait_for_selector(".view-timeline canvas")
        page.wait_for_timeout(800)
        screenshot(page, "workbench-timeline")
        page.click("[role=tab]:has-text('Table')")
        assert page.locator("table.results tbody tr").count() > 20


def test_a_graph_answer_reads_as_turtle_and_as_a_node_link_graph(served):
    with chromium_page() as page:
        open_workbench(page, served[0], DESCRIBE)
        page.wait_for_selector("#answer p.meta:has-text('triples')")
        turtle = page.inner_text("pre.graph")
        assert "@prefix bd4m: <https://w3id.org/bd4m/ontology#>" in turtle
        assert "project:hummingbird-h2020" in turtle and "dcterms:spatial" in turtle
        page.click("[role=tab]:has-text('Graph')")
        page.wait_for_selector(".view-graph canvas")
        page.wait_for_timeout(1500)  # the force layout settles
        screenshot(page, "workbench-graph")


def test_an_answer_downloads_in_each_format_from_the_page(served):
    with chromium_page() as page:
        open_workbench(page, served[0])
        write(page, "SELECT ?n WHERE { VALUES ?n { 1 2 3 } }")
        run_and_wait(page, "3 rows")
        with page.expect_download() as download:
            page.click("#answer .downloads a:has-text('csv')")
        assert Path(download.value.path()).read_text().split() == ["n", "1", "2", "3"]
        shorts = page.locator("#answer .downloads a").all_inner_texts()
        assert shorts == ["json", "xml", "csv", "tsv"]


def test_a_short_link_and_code_snippets_share_the_query(served):
    query = "SELECT ?project WHERE { ?project a <https://w3id.org/bd4m/ontology#Project> } LIMIT 7"
    with chromium_page() as page:
        open_workbench(page, served[0])
        write(page, query)
        page.click("button:has-text('Short link')")
        field = page.locator(".short-link input")
        field.wait_for()
        link = field.input_value()
        assert "/q/" in link
        page.click("summary:has-text('Code for this query')")
        page.wait_for_selector("pre.snippet:has-text('--data-urlencode')")
        page.click("[role=tab]:has-text('Python (SPARQLWrapper)')")
        python = page.inner_text("pre.snippet")
        assert "SPARQLWrapper(" in python and "LIMIT 7" in python
        screenshot(page, "workbench-share")
    with chromium_page() as page:  # another browser opens the link
        page.goto(link)
        page.wait_for_selector("#answer p.meta:has-text('7 rows')")
        assert editor_text(page) == query


def test_the_queries_run_are_listed_in_this_browser(served):
    with chromium_page() as page:
        open_workbench(page, served[0])
        write(page, "ASK { ?s ?p ?o }")
        page.keyboard.press("Control+Enter")
        page.wait_for_selector("#answer .boolean")
        page.reload()
        page.wait_for_selector(".cm-editor")
        page.click("summary:has-text('Your recent queries')")
        entry = page.locator(".history-list button").first
        assert entry.inner_text() == "ASK { ?s ?p ?o }"
        write(page, "")
        entry.click()
        assert editor_text(page) == "ASK { ?s ?p ?o }"


def test_a_named_query_opens_with_its_title_and_a_form_for_its_parameter(served):
    europe = "https://w3id.org/bd4m/vocab/region/europe"
    with chromium_page() as page:
        page.goto(f"{served[0]}/queries/projects-covering-region")
        assert page.inner_text("h1") == "Which projects cover a region, and with which data?"
        field = page.locator("form.parameters input[name=region]")
        assert field.input_value() == "https://w3id.org/bd4m/vocab/region/africa"
        options = page.locator("datalist#choices-region option")
        offered = [options.nth(i).get_attribute("value") for i in range(options.count())]
        assert len(offered) > 10 and europe in offered
        field.fill(europe)
        page.click("form.parameters button")
        page.wait_for_url("**/queries/projects-covering-region?region=*")
        page.wait_for_selector("#answer p.meta:has-text('rows')")
        assert page.locator("form.parameters input[name=region]").input_value() == europe
        assert "europe" in editor_text(page)
        screenshot(page, "workbench-named-query")


def test_without_javascript_the_page_is_the_plain_form_the_server_answers(served):
    with chromium_page(javascript=False) as page:
        page.goto(f"{served[0]}/sparql")
        assert page.locator(".cm-editor").count() == 0 and page.locator("textarea#query").is_visible()
        page.fill("textarea#query", "SELECT ?n WHERE { VALUES ?n { 1 2 } }")
        page.click("button:has-text('Run query')")
        page.wait_for_selector("table.results")
        assert page.locator("table.results tbody tr").count() == 2
        screenshot(page, "workbench-without-javascript")
