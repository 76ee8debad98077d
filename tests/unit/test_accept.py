"""One Accept parser decides everywhere: documents, the endpoint, named queries and errors agree.

Each row is an ``Accept`` header and whether it asks for a page. The same header gets a page (or
not) from a record's document, ``/sparql``, ``/queries`` and an error alike.
"""

from __future__ import annotations

import pytest

from bd4m_kg.rdf.negotiation import prefers_html

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
CASES = [
    (BROWSER, True),
    ("text/html", True),
    ("text/html;charset=utf-8", True),
    ("application/xhtml+xml", True),
    ("application/json", False),
    ("application/json, text/html;q=0.5", False),
    ("text/html;q=0.5, application/json", False),
    ("*/*", False),
    ("text/html;q=0, */*", False),
    ("", False),
    (None, False),
    ("application/sparql-results+json", False),
    ("text/turtle", False),
]
DOCUMENT = "/doc/organisation/iom"


@pytest.mark.parametrize(("accept", "page"), CASES)
def test_the_core_decides_page_or_json(accept: str | None, page: bool) -> None:
    assert prefers_html(accept) is page


@pytest.mark.parametrize(("accept", "page"), CASES)
def test_every_surface_gives_a_page_for_the_same_accept(client, accept: str | None, page: bool) -> None:
    headers = {"Accept": accept} if accept is not None else {}
    answers = {
        "document": client.get(DOCUMENT, headers=headers),
        "sparql": client.get("/sparql", headers=headers),
        "queries": client.get("/queries", headers=headers),
        "error": client.get("/queries/no-such-query", headers=headers),
    }
    got = {where: response.mimetype == "text/html" for where, response in answers.items()}
    if not page and accept in ("text/turtle", "application/sparql-results+json"):
        got.pop("queries"), got.pop("error")  # not offered there: a 406 or the JSON error, never a page
    assert set(got.values()) == {page}, got


def test_format_wins_over_accept(client) -> None:
    assert client.get("/queries?format=json", headers={"Accept": BROWSER}).mimetype == "application/json"
    assert client.get("/queries?format=html", headers={"Accept": "application/json"}).mimetype == "text/html"
