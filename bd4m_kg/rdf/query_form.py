"""Which form a SPARQL query has (SELECT, ASK, CONSTRUCT or DESCRIBE), read after its prologue.

The store's remote engines need the form to ask for the right answer format; the SPARQL policy
uses the same reading on top of its checks.

>>> query_form("PREFIX ex: <urn:x#> # a comment\\nASK { ex:a ?p ?o }")
'ASK'
>>> query_form("SELECT * WHERE {")  # not SPARQL: the engine will say so, with its own position
'SELECT'
"""

from __future__ import annotations

import re

from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery

FORMS = {
    "SelectQuery": "SELECT",
    "AskQuery": "ASK",
    "ConstructQuery": "CONSTRUCT",
    "DescribeQuery": "DESCRIBE",
}
IRIREF = r"<[^<>\"{}|^`\\\x00-\x20]*>"
GAP = r"(?:\s++|#[^\n\r]*+)*+"  # possessive: whitespace and comments are read one way only
PROLOGUE_THEN_FORM = re.compile(
    rf"{GAP}(?:(?:BASE{GAP}{IRIREF}|PREFIX\s{GAP}[^\s:<>#]*:{GAP}{IRIREF}){GAP})*"
    r"(SELECT|ASK|CONSTRUCT|DESCRIBE)\b",
    re.IGNORECASE,
)


def query_form(text: str) -> str:
    """The query's form; SELECT when the text cannot be read (the engine then reports why)."""
    if form := PROLOGUE_THEN_FORM.match(text):
        return form.group(1).upper()
    try:
        return FORMS.get(translateQuery(parseQuery(text)).algebra.name, "SELECT")
    except Exception:
        return "SELECT"
