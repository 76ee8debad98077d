"""The policy's quick reading (form after the prologue, for texts without ``service`` or ``from``)
agrees with the full parse, and anything that might hide a SERVICE or a FROM is parsed."""

from __future__ import annotations

import pytest

from bd4m_kg.sparql import policy
from bd4m_kg.sparql.named_queries import load_named_queries
from bd4m_kg.sparql.policy import QueryRefused, inspect_parsed, inspect_query

READABLE = [
    "SELECT * WHERE { ?s ?p ?o }",
    "  # a comment with SELECT in it\nASK { ?s ?p ?o }",
    "PREFIX ex: <https://example.org/a#>\nBASE <https://example.org/>\n"
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "prefix : <urn:x:> describe :a",
    "PREFIX ex:<urn:x:>DESCRIBE ex:a",
    'SELECT ?s WHERE { ?s ?p "a # not a comment" }',
]
HIDING = [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "select * where { service <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "SELECT * WHERE { S\\u0045RVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "PREFIX x: <urn:x> # SELECT\nSELECT * { { SELECT * { SERVICE SILENT <http://127.0.0.1:9/> {} } } }",
]


@pytest.mark.parametrize("text", READABLE + [q.standalone() for q in load_named_queries().values()])
def test_the_quick_reading_agrees_with_the_full_parse(text):
    assert inspect_query(text) == inspect_parsed(text)


@pytest.mark.parametrize("text", HIDING)
def test_service_is_found_however_it_is_written(text):
    with pytest.raises(QueryRefused):
        inspect_query(text)


def test_from_is_read_by_the_full_parse():
    inspected = inspect_query("SELECT * FROM <urn:a> FROM NAMED <urn:b> WHERE { ?s ?p ?o }")
    assert inspected.from_graphs == ("urn:a",) and inspected.from_named_graphs == ("urn:b",)


def test_a_query_of_many_comments_is_read_at_once():
    """Whitespace and comments are matched one way only (a pattern with choices here took
    exponential time on ``# # # …``)."""
    assert inspect_query("#" + " #" * 5000 + "\nASK {}").form == "ASK"


def test_only_short_texts_are_remembered_so_the_cache_stays_bounded():
    long_query = "SELECT * WHERE { ?s ?p ?o }" + " " * policy.REMEMBERED_TEXT
    before = policy._remembered_verdict.cache_info().currsize
    assert inspect_query(long_query).form == "SELECT"
    assert policy._remembered_verdict.cache_info().currsize == before
    inspect_query(f"ASK {{}} # {before}")
    assert policy._remembered_verdict.cache_info().currsize == before + 1
