"""Query answers as tables people read: text in a terminal, rows of cells on a page."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from bd4m_kg.rdf.namespaces import compact

MAX_WIDTH = 60


def cell(term: object) -> str:
    """One value as text: IRIs compacted, literals as their lexical form."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compact(term.value)
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


def render_table(results: bytes) -> str:
    """Render SPARQL JSON results (SELECT or ASK) as an aligned text table with a row count.

    >>> one_row = b'{"head":{"vars":["n"]},"results":{"bindings":[{"n":{"type":"literal","value":"3"}}]}}'
    >>> print(render_table(one_row))
    n
    -
    3
    (1 row)
    """
    answer = ox.parse_query_results(results, format=ox.QueryResultsFormat.JSON)
    if isinstance(answer, ox.QueryBoolean):
        return "yes" if bool(answer) else "no"
    names = [v.value for v in answer.variables]
    rows = [[_clip(cell(row[name])) for name in names] for row in answer]
    widths = [max([len(name), *(len(r[i]) for r in rows)]) for i, name in enumerate(names)]
    lines = ["  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    lines.append(f"({len(rows)} row{'' if len(rows) == 1 else 's'})")
    return "\n".join(lines)


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_WIDTH else text[: MAX_WIDTH - 1] + "…"


@dataclass(frozen=True)
class Cell:
    """One value for a page: its text and, for an IRI, what it stands for."""

    text: str
    iri: str | None = None


@dataclass(frozen=True)
class ResultTable:
    """SELECT results ready for a page: variables, rows of cells, and whether rows were left out."""

    variables: list[str]
    rows: list[list[Cell]]
    truncated: bool


def result_table(results: bytes, limit: int) -> ResultTable | bool:
    """SPARQL JSON results as a table of at most ``limit`` rows (an ASK answers a bool)."""
    answer = ox.parse_query_results(results, format=ox.QueryResultsFormat.JSON)
    if isinstance(answer, ox.QueryBoolean):
        return bool(answer)
    names = [v.value for v in answer.variables]
    rows: list[list[Cell]] = []
    for row in answer:
        if len(rows) == limit:
            return ResultTable(names, rows, truncated=True)
        rows.append([_cell(row[name]) for name in names])
    return ResultTable(names, rows, truncated=False)


def _cell(term: object) -> Cell:
    if isinstance(term, ox.NamedNode):
        return Cell(compact(term.value), term.value)
    return Cell(cell(term))
