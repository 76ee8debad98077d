"""Values bound into a query's text, for engines that take no substitutions (any SPARQL endpoint).

The values open the query's WHERE clause as a VALUES block, so they are joined before anything
else, as bindings are: a trailing VALUES clause is joined differently by some engines (Virtuoso
answers for every value, or refuses a variable the query does not project).

>>> print(with_values("SELECT ?s WHERE {\\n  ?s ?p ?o\\n}", {"p": "urn:x"}))
SELECT ?s WHERE {
  VALUES (?p) { (<urn:x>) }
  ?s ?p ?o
}
"""

from __future__ import annotations

import re

import pyoxigraph as ox

WHERE = re.compile(r"^[^#\n]*?\bWHERE\s*\{", re.IGNORECASE | re.MULTILINE)  # the first, outside comments


class NoWhereClause(ValueError):
    """A query with values to bind that does not spell out its WHERE keyword."""


def with_values(text: str, values: dict[str, str]) -> str:
    """The query with each variable bound to its IRI (escaped as an IRI, never pasted as text)."""
    if not values:
        return text
    where = WHERE.search(text)
    if where is None:
        raise NoWhereClause("a query with parameters needs its WHERE keyword spelled out")
    variables = " ".join(f"?{name}" for name in values)
    terms = " ".join(str(ox.NamedNode(iri)) for iri in values.values())
    return f"{text[: where.end()]}\n  VALUES ({variables}) {{ ({terms}) }}{text[where.end() :]}"
