"""A validation report for people: problems grouped by record, each with the file and line to fix.

Lines come from a tokenizer pass over Turtle and N-Triples files and the element lines of RDF/XML;
JSON-LD gets a JSON pointer (:mod:`bd4m_kg.rdf.source_lines`). Each points at the statement with the
problem's property, else where its record starts; problems about blank nodes say "line unknown"
rather than guess.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from xml.parsers.expat import ExpatError

from bd4m_kg.curation.validation import Problem, ValidationReport
from bd4m_kg.rdf.namespaces import compact
from bd4m_kg.rdf.source_lines import jsonld_pointers, rdfxml_lines, statement_lines

Places = Mapping[tuple[str, str | None], int | str]  # (subject, predicate) -> a line, or a JSON pointer
READERS: dict[str, Callable[[str, str], Places]]
READERS = {".ttl": statement_lines, ".nt": statement_lines, ".n3": statement_lines, ".rdf": rdfxml_lines}
READERS |= {".owl": rdfxml_lines, ".xml": rdfxml_lines, ".jsonld": jsonld_pointers, ".json": jsonld_pointers}


@dataclass(frozen=True)
class Located:
    """A problem and where it is written: file and line (a JSON pointer for JSON-LD), when known."""

    problem: Problem
    file: str | None
    line: int | str | None


def locate(report: ValidationReport, files: list[Path]) -> list[Located]:
    """Every problem of the report with the file and line it points at."""
    texts = {str(path): (path.read_text(), path.suffix, path.resolve().as_uri()) for path in files}
    return locate_in(report, texts)


def locate_in(report: ValidationReport, texts: dict[str, tuple[str, str, str]]) -> list[Located]:
    """Like :func:`locate`, for documents given as name -> (text, extension such as ``.ttl``, base IRI)."""
    places = {name: _places(suffix, text, base) for name, (text, suffix, base) in texts.items()}
    located = []
    for problem in report.problems:
        where = None
        for name, found in places.items():
            line = found.get((problem.focus, problem.path)) or found.get((problem.focus, None))
            if line is not None:
                where = (name, line)
                break
        located.append(Located(problem, *(where or (None, None))))
    return located


def _places(suffix: str, text: str, base: str) -> Places:
    """Where each subject and property is written, or nothing when the text has no lines to point at.

    The document was already read by pyoxigraph; a reader that cannot follow it (an empty RDF/XML
    document, say) only loses the line numbers.
    """
    reader = READERS.get(suffix)
    if reader is None:
        return {}
    try:
        return reader(text, base)
    except (ValueError, ExpatError):
        return {}


def as_text(conforms: bool, located: list[Located]) -> str:
    """The report in plain words, grouped by the record (focus node) each problem concerns."""
    if not located:
        return "Conforms: no problems found."
    by_focus: dict[str, list[Located]] = defaultdict(list)
    for item in located:
        by_focus[item.problem.focus].append(item)
    out = []
    for focus, items in by_focus.items():
        out.append(compact(focus) if focus.startswith("http") else focus)
        for item in items:
            where = "line unknown" if item.line is None else f"{item.file}{_position(item.line)}"
            path = item.problem.path or ""
            what = compact(path) if path.startswith(("http://", "https://")) else "the record"
            value = f" = {item.problem.value}" if item.problem.value else ""
            out.append(f"  {item.problem.severity:<9} {where}  {what}{value}")
            out.append(f"            {item.problem.message or 'no message'}")
    verdict = "Conforms (warnings only)." if conforms else "Does not conform."
    counts: defaultdict[str, int] = defaultdict(int)
    for item in located:
        counts[item.problem.severity] += 1
    summary = ", ".join(f"{n} {kind.lower()}{'s' if n != 1 else ''}" for kind, n in sorted(counts.items()))
    return "\n".join([*out, "", f"{verdict} {summary}."])


def _position(line: int | str) -> str:
    return f":{line}" if isinstance(line, int) else f"#{line}"  # a line, or a JSON pointer


def as_json(conforms: bool, located: list[Located]) -> str:
    """The report as JSON: conforms, and every problem with its file and line (null when unknown)."""
    problems = [
        {
            "severity": i.problem.severity,
            "focus": i.problem.focus,
            "path": i.problem.path,
            "value": i.problem.value,
            "message": i.problem.message,
            "file": i.file,
            "line": i.line if isinstance(i.line, int) else None,
            "pointer": i.line if isinstance(i.line, str) else None,
        }
        for i in located
    ]
    return json.dumps({"conforms": conforms, "problems": problems}, indent=2, ensure_ascii=False)
