"""SPARQL syntax errors a person can act on.

Each gives the engine's line and column, a short list of what was expected there, and the
offending line with a marker under the spot.

pyoxigraph (the engine) says ``error at 4:14: expected one of ABS, AVG, …``; rdflib's parser,
which the policy uses, often stops at the start of the query (``line 1, column 1: Expected
SelectQuery``). So a text rdflib cannot read is also given to pyoxigraph on an empty in-memory
store, unless it could make pyoxigraph open a URL (``SERVICE``, ``LOAD``): its report is the one
shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox

ENGINE_POSITION = re.compile(r"error at (\d+):(\d+): (.*)", re.DOTALL)
COULD_FETCH = re.compile(r"service|load", re.IGNORECASE)
SHOWN_EXPECTATIONS = 8


@dataclass(frozen=True)
class SyntaxProblem:
    """Where a query (or update) stops being SPARQL, and what could have come there."""

    line: int
    column: int
    expected: str
    excerpt: str  # the offending line and a caret under the column

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.expected}"


def engine_problem(text: str, message: str) -> SyntaxProblem | None:
    """The problem in an engine message of the form ``error at L:C: …`` (None for another form).

    >>> print(engine_problem("SELECT * WHERE { ?s ?p ?o ", 'error at 1:27: expected one of ",", "}", [_]'))
    line 1, column 27: expected one of ",", "}" (the query ended here)
    >>> print(engine_problem("ASK {}\\nLIMT 3", "error at 2:1: expected one of LIMIT, OFFSET").excerpt)
    LIMT 3
    ^
    """
    found = ENGINE_POSITION.match(message.strip())
    if found is None:
        return None
    line, column = int(found.group(1)), int(found.group(2))
    lines = text.splitlines() or [""]
    shown = lines[line - 1] if 0 < line <= len(lines) else ""
    expected = _shortened(found.group(3).strip())
    if line >= len(lines) and column > len(shown):
        expected += " (the query ended here)"
    return SyntaxProblem(line, column, expected, f"{shown}\n{' ' * max(0, column - 1)}^")


def problem_of(text: str, update: bool = False) -> SyntaxProblem | None:
    """The engine's report on a text rdflib could not read (None: the engine reads it, or may not try)."""
    if COULD_FETCH.search(text):
        return None
    try:
        if update:
            ox.Store().update(text)
        else:
            ox.Store().query(text)
    except SyntaxError as error:
        return engine_problem(text, str(error))
    except Exception:  # the engine read it, and running it on an empty store failed otherwise
        return None
    return None


def _shortened(expected: str) -> str:
    """At most :data:`SHOWN_EXPECTATIONS` alternatives, without the engine's whitespace token ``[_]``.

    >>> _shortened("expected one of ABS, AVG, DAY, IRI, MAX, MD5, MIN, NOT, NOW, STR, [_]")
    'expected one of ABS, AVG, DAY, IRI, MAX, MD5, MIN, NOT and 2 more'
    """
    head, marker, rest = expected.partition("expected one of ")
    if not marker:
        return expected
    choices = [c for c in rest.split(", ") if c and c != "[_]"]
    if len(choices) > SHOWN_EXPECTATIONS:
        more = len(choices) - SHOWN_EXPECTATIONS
        return f"{head}expected one of {', '.join(choices[:SHOWN_EXPECTATIONS])} and {more} more"
    return f"{head}expected one of {', '.join(choices)}"
