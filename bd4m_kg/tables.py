"""Query answers as a table a person reads in a terminal."""

from __future__ import annotations

import pyoxigraph as ox

from bd4m_kg.namespaces import compact

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
