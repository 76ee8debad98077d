"""The query page (/sparql in a browser) and the named queries API (/queries)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
import pytest
import requests

from bd4m_kg.rdf.formats import RDF_FORMATS
from bd4m_kg.sparql.named_queries import load_named_queries
from conftest import chromium_page, screenshot

HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
DIGICEL = "https://w3id.org/bd4m/id/organisation/digicel-haiti"
HAITI = "https://w3id.org/bd4m/id/project/haiti-earthquake-cholera-mobility"


def test_the_page_offers_an_editor_and_every_worked_example(client):
    page = client.get("/sparql", headers=HTML)
    assert page.status_code == 200 and page.content_type == "text/html; charset=utf-8"
    text = page.get_data(as_text=True)
    assert (
        '<textarea id="query" name="query"' in text
        and "PREFIX bd4m: &lt;https://w3id.org/bd4m/ontology#&gt;" in text
    )
    for named in load_named_queries().values():
        assert f'href="/queries/{named.name}"' in text


def test_without_the_bundled_scripts_the_page_is_the_plain_form(app, tmp_path):
    bundled = Path(app.static_folder) / "vendor" / "workbench.js"
    folder, app.static_folder = app.static_folder, str(tmp_path)  # a checkout where npm never ran
    try:
        page = app.test_client().get("/sparql", headers=HTML).get_data(as_text=True)
    finally:
        app.static_folder = folder
    assert "vendor/workbench.js" not in page and '<textarea id="query" name="query"' in page
    with_scripts = app.test_client().get("/sparql", headers=HTML).get_data(as_text=True)
    assert ('src="/static/vendor/workbench.js"' in with_scripts) == bundled.is_file()


def test_running_a_query_shows_rows_linked_and_downloads(client):
    query = f"SELECT ?project WHERE {{ ?s <http://www.w3.org/ns/prov#agent> <{DIGICEL}> . ?project ?p ?s }}"
    page = client.get(f"/sparql?query={quote(query)}", headers=HTML).get_data(as_text=True)
    assert "1 row." in page and ">project:haiti-earthquake-cholera-mobility</a>" in page
    assert 'href="/doc/project/haiti-earthquake-cholera-mobility"' in page  # IRIs link to their pages
    for short in ("json", "xml", "csv", "tsv"):
        assert f"format={short}" in page


def test_a_bad_query_is_explained_on_the_page(client):
    page = client.get(f"/sparql?query={quote('SELECT * WHERE { ?s ?p }')}", headers=HTML)
    assert page.status_code == 400 and 'role="alert"' in page.get_data(as_text=True)


def test_a_graph_answer_is_shown_as_turtle(client):
    page = client.get(f"/sparql?query={quote(f'DESCRIBE <{DIGICEL}>')}", headers=HTML).get_data(as_text=True)
    assert '<pre class="graph">' in page and "Digicel" in page and "format=jsonld" in page


def test_named_queries_are_listed_as_json_and_as_a_page(client):
    listing = client.get("/queries").json["queries"]
    assert [q["name"] for q in listing] == sorted(load_named_queries())
    holder = next(q for q in listing if q["name"] == "projects-with-data-holder")
    assert holder["parameters"][0]["name"] == "holder" and holder["url"].endswith(
        "/queries/projects-with-data-holder"
    )
    page = client.get("/queries", headers=HTML).get_data(as_text=True)
    assert "Which projects use data held by a given organisation?" in page


def test_a_named_query_runs_with_its_parameter_bound_in_any_format(client):
    response = client.get(f"/queries/projects-with-data-holder?holder={quote(DIGICEL)}&format=csv")
    assert response.status_code == 200 and response.content_type == "text/csv; charset=utf-8"
    lines = response.get_data(as_text=True).strip().splitlines()
    assert len(lines) == 2 and lines[1].startswith(f"{DIGICEL},{HAITI},")
    default = client.get("/queries/projects-with-data-holder").json["results"]["bindings"]
    assert {row["holder"]["value"] for row in default} == {
        "https://w3id.org/bd4m/id/organisation/turk-telekom"
    }


def test_named_query_errors(client):
    assert client.get("/queries/no-such-query").status_code == 404
    unknown = client.get("/queries/projects-with-data-holder?colour=red")
    assert unknown.status_code == 400 and "no parameter colour" in unknown.json["error"]
    injection = client.get(f"/queries/projects-with-data-holder?holder={quote('urn:x> } UNION { ?s ?p ?o')}")
    assert injection.status_code == 400 and "must be an IRI" in injection.json["error"]


@pytest.mark.browser
def test_in_chromium_load_an_example_run_it_and_see_rows(served):
    with chromium_page() as page:
        page.goto(f"{served[0]}/sparql")
        if page.locator("script[src*='vendor/workbench.js']").count():  # clicked before, a link is followed
            page.wait_for_selector(".cm-editor .cm-content")
        page.click("text=Which kinds of new data do projects use, and how often?")
        wait_for_answer(page)
        if page.locator("script[src*='vendor/workbench.js']").count():
            # the workbench's own answer (it may replace a plain one the example link led to) opens
            # on a chart of these counts: wait until it shows a view, then choose the table
            page.wait_for_selector("[role=tab][aria-selected=true]")
            page.click("[role=tab]:has-text('Table')")
        rows = page.locator("table.results tbody tr")
        rows.first.wait_for()  # the table is drawn after the tab is chosen; count() does not wait
        named = requests.get(f"{served[0]}/queries/projects-by-data-source-type?format=csv", timeout=60)
        assert rows.count() == len(named.text.strip().splitlines()) - 1 > 15  # a row for each kind of data
        assert rows.first.locator("td").nth(1).inner_text() == "Mobile network data"
        write_query(page, "ASK { ?s a <https://w3id.org/bd4m/ontology#DataCollaborative> }")
        page.click("text=Run query")
        assert page.locator(".boolean").inner_text() == "Yes"
        page.go_back()
        wait_for_answer(page)
        kind = "remote" if "--state" in served[1] else "embedded"
        screenshot(page, f"query-page-{kind}")


BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
RESULT_PARSERS = {"json": "JSON", "xml": "XML", "tsv": "TSV"}


def result_rows(body: bytes, short: str) -> int:
    """How many rows a SPARQL results file holds (CSV read as CSV: it cannot be read back as RDF)."""
    if short == "csv":
        header, *rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
        assert header
        return len(rows)
    return len(
        list(ox.parse_query_results(body, format=getattr(ox.QueryResultsFormat, RESULT_PARSERS[short])))
    )


def write_query(page, text: str) -> None:
    """Write a query as a person would: in the workbench's editor, or in the plain form without it."""
    if page.locator(".cm-content").count():
        page.click(".cm-content")
        page.keyboard.press("Control+A")
        page.keyboard.insert_text(text)
    else:
        page.fill("#query", text)


def wait_for_answer(page) -> None:
    """Wait until the answer is shown: the workbench's own (``… in 0.02 s``) once it runs the query."""
    page.wait_for_selector(".cm-content, textarea#query:visible")
    if page.locator(".cm-content").count():
        page.wait_for_selector("#answer p.meta:has-text(' in ')")


def downloads_arrive_as_named(page, kind: str) -> list[str]:
    """Click every download link of the answer on the page; each file parses in its format, and the
    link's URL answers a browser's Accept with the link's media type. The formats checked."""
    wait_for_answer(page)
    first = "json" if kind == "solutions" else "ttl"  # the answer of this kind, not the one before it
    page.wait_for_selector(f"p.downloads a:text-is('{first}')")
    links = page.locator("p.downloads a")
    checked = []
    for index in range(links.count()):
        link = links.nth(index)
        short, media_type, href = link.inner_text(), link.get_attribute("type"), link.evaluate("a => a.href")
        with page.expect_download() as arrived:
            link.click()
        body = Path(arrived.value.path()).read_bytes()
        assert arrived.value.suggested_filename == f"answer.{short}"
        if kind == "solutions":
            assert result_rows(body, short) > 0, short
        else:
            assert list(ox.parse(body, format=RDF_FORMATS[short].format)), short
        fetched = page.request.get(href, headers={"Accept": BROWSER_ACCEPT})
        assert fetched.headers["content-type"].split(";")[0] == media_type
        checked.append(short)
    return checked


@pytest.mark.browser
def test_in_chromium_every_download_link_brings_its_format(served):
    with chromium_page() as page:
        page.goto(f"{served[0]}/sparql")
        if page.locator("script[src*='vendor/workbench.js']").count():  # clicked before, a link is followed
            page.wait_for_selector(".cm-editor .cm-content")
        page.click("text=Which kinds of new data do projects use, and how often?")
        assert downloads_arrive_as_named(page, "solutions") == ["json", "xml", "csv", "tsv"]
        write_query(page, "CONSTRUCT { ?p a ?t } WHERE { ?p a ?t } LIMIT 5")
        page.click("text=Run query")
        assert set(downloads_arrive_as_named(page, "graph")) >= {"ttl", "nt", "rdf", "jsonld"}
        page.goto(f"{served[0]}/queries/directory-entries")
        assert downloads_arrive_as_named(page, "solutions") == ["json", "xml", "csv", "tsv"]
