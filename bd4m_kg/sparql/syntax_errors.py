"""SPARQL syntax errors a person can act on.

Each gives the line and column, a short account of what was expected there, and the offending
line with a marker under the spot. Most queries reach the engine unparsed, and its report is
used (``error at 4:14: expected one of ABS, AVG, …``, made short). A query the policy must parse
first (it names SERVICE or FROM) is reported from rdflib's parser, whose grammar dump is cut to a
line: the text is never run to find a better report, since running even an empty store evaluates
what a query states inline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ENGINE_POSITION = re.compile(r"error at (\d+):(\d+): (.*)", re.DOTALL)  # Oxigraph
VIRTUOSO_LINE = re.compile(r".*?SPARQL compiler, line (\d+): (syntax error at '([^']*)'[^\n]*)", re.DOTALL)
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
    """The problem in an engine's message, or None for a message of another form.

    Oxigraph says ``error at L:C: …``; Virtuoso ``SPARQL compiler, line L: syntax error at 'TOKEN'
    …``, its column being where the token first stands on that line.

    >>> print(engine_problem("SELECT * WHERE { ?s ?p ?o ", 'error at 1:27: expected one of ",", "}", [_]'))
    line 1, column 27: expected one of ",", "}" (the query ended here)
    >>> print(engine_problem("ASK {}\\nLIMT 3", "error at 2:1: expected one of LIMIT, OFFSET").excerpt)
    LIMT 3
    ^
    >>> virtuoso = "Virtuoso 37000 Error SP030: SPARQL compiler, line 2: syntax error at 'LIMT' before '3'"
    >>> print(engine_problem("ASK {}\\n  LIMT 3", virtuoso))
    line 2, column 3: syntax error at 'LIMT' before '3'
    """
    if found := ENGINE_POSITION.match(message.strip()):
        return _problem(text, int(found.group(1)), int(found.group(2)), _shortened(found.group(3).strip()))
    if found := VIRTUOSO_LINE.match(message.strip()):
        line, token = int(found.group(1)), found.group(3)
        lines = text.splitlines()
        shown = lines[line - 1] if 0 < line <= len(lines) else ""
        return _problem(text, line, shown.find(token) + 1 if token in shown else 1, found.group(2))
    return None


def _problem(text: str, line: int, column: int, expected: str) -> SyntaxProblem:
    """The problem at (``line``, ``column``) of ``text``, with that line and a caret under the column."""
    lines = text.splitlines() or [""]
    shown = lines[line - 1] if 0 < line <= len(lines) else ""
    if line >= len(lines) and column > len(shown):
        expected += " (the query ended here)"
    return SyntaxProblem(line, column, expected, f"{shown}\n{' ' * max(0, column - 1)}^")


def parser_problem(text: str, line: int, column: int, message: str) -> SyntaxProblem:
    """The problem where rdflib's parser stopped, its long list of alternatives cut to a line.

    >>> print(parser_problem("SELECT * FROM <g> { ?s }", 1, 19, "Expected {SelectQuery | ConstructQuery}"))
    line 1, column 19: not valid SPARQL from here on
    """
    expected = message if len(message) <= 60 and "{" not in message else "not valid SPARQL from here on"
    return _problem(text, line, column, expected)


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
