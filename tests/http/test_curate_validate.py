"""``POST /curate/validate`` and the ``/curate`` page on ``bd4m-kg serve`` (both kinds of store):
the report by content negotiation with the lines to fix, 400/413/415 for bad input, nothing
stored, and a Chromium check of the page. Fixtures are synthetic test data."""

from __future__ import annotations

import pytest
import requests
from rdflib import Graph, Literal
from rdflib.namespace import SH

from conftest import FIXTURES, chromium_page, screenshot

BROKEN = FIXTURES / "validate" / "broken-project.ttl"


def post(url: str, body: bytes, media_type: str, accept: str) -> requests.Response:
    return requests.post(
        f"{url}/curate/validate",
        data=body,
        headers={"Content-Type": media_type, "Accept": accept},
        timeout=60,
    )


def test_the_report_as_json_turtle_and_a_page(served):
    url = served[0]
    body = BROKEN.read_bytes()
    problems = post(url, body, "text/turtle", "application/json").json()["problems"]
    assert {(p["path"], p["line"]) for p in problems if p["line"]} >= {
        ("http://purl.org/dc/terms/source", 12),
        ("https://w3id.org/bd4m/ontology#policyNeed", 10),
        ("http://www.w3.org/2000/01/rdf-schema#label", 8),
    }
    report = Graph().parse(data=post(url, body, "text/turtle", "text/turtle").text, format="turtle")
    assert report.value(next(report.subjects(SH.conforms, None)), SH.conforms) == Literal(False)
    page = post(url, body, "text/turtle", "text/html")
    assert page.status_code == 200 and "Does not conform" in page.text


def test_bad_input_gets_a_clear_status_and_nothing_is_stored(served):
    url = served[0]
    before = requests.get(f"{url}/health", timeout=30).json()["generation"]
    syntax = post(url, b"<http://example.org/a> <http://example.org/b> .", "text/turtle", "application/json")
    assert syntax.status_code == 400 and "line 1" in syntax.json()["error"]
    assert post(url, b"x", "image/png", "application/json").status_code == 415
    too_big = post(url, b"#" * (65 * 1024 * 1024), "text/turtle", "application/json")
    assert too_big.status_code == 413
    assert requests.get(f"{url}/health", timeout=30).json()["generation"] == before


@pytest.mark.browser
def test_in_chromium_paste_a_record_and_see_problems_by_their_lines(served):
    url, options = served
    with chromium_page() as page:
        page.goto(f"{url}/curate")
        page.fill("#data", BROKEN.read_text())
        page.click("form.curate button")
        assert page.locator(".report h2").inner_text() == "Does not conform"
        flagged = page.locator("ol.source li.flagged")
        assert flagged.count() >= 3
        line_twelve = page.locator("ol.source > li").nth(11)
        assert "dcterms:source" in line_twelve.locator("code").inner_text()
        assert "needs at least one source" in line_twelve.inner_text()
        screenshot(page, f"curate-{'remote' if '--state' in options else 'embedded'}")


def test_links_and_names_are_checked_in_the_live_graph_as_for_a_submission(served):
    """The fixture links to a real organisation, to one that does not exist, and repeats a name."""
    body = (FIXTURES / "validate" / "against-store.ttl").read_bytes()
    problems = post(served[0], body, "text/turtle", "application/json").json()["problems"]
    violations = [p for p in problems if p["severity"] == "Violation"]
    assert [(p["focus"].rsplit("#", 1)[1], p["value"], p["line"]) for p in violations] == [
        ("partner", "https://w3id.org/bd4m/id/organisation/fixture-no-such-organisation", 20)
    ]  # flowminder is an organisation in the live graph: no problem
    duplicate = next(p for p in problems if "is also called" in p["message"])
    assert duplicate["severity"] == "Warning" and duplicate["line"] == 11


MISSING_DOT = ["# a comment"] * 6 + ["<https://w3id.org/bd4m/id/project/a> a <urn:x>", "", ""]


def test_a_missing_dot_is_reported_at_the_line_that_lacks_it(served):
    lines = [*MISSING_DOT, "<https://w3id.org/bd4m/id/project/b> a <urn:x> ."]
    assert lines[6].endswith("<urn:x>")  # line 7 lacks its '.'
    answer = post(served[0], "\n".join(lines).encode(), "text/turtle", "application/json")
    assert answer.status_code == 400
    assert "line 7: a '.' is missing at the end of the statement" in answer.json()["error"]
