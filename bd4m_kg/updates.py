"""SPARQL 1.1 Update, checked before it runs: which graphs it writes, and nothing it may not do.

The write path needs every change to name its graphs before it runs, and the stored default
graph stays empty. So an update is parsed with rdflib and refused when it writes the default
graph, writes ``GRAPH ?g`` (targets unknowable before it runs) or loads a URL (``LOAD``).

>>> inspect_update("INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } }").targets
('urn:g',)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pyoxigraph as ox
from pyparsing import ParseException
from rdflib.plugins.sparql.algebra import translateUpdate
from rdflib.plugins.sparql.parser import parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import URIRef

from bd4m_kg.complexity import TooComplex, check_sparql
from bd4m_kg.policy import QueryParseError, QueryRefused, node_names

DEFAULT_GRAPH_REFUSED = (
    "writes to the default graph are refused: every triple belongs to a record's graph. "
    "Put the triples in GRAPH <https://w3id.org/bd4m/graph/<kind>/<slug>> { … } (or use WITH <graph>)."
)


@dataclass(frozen=True)
class InspectedUpdate:
    """An update the policy accepts and the graphs it writes (``all_graphs``: CLEAR/DROP ALL or NAMED)."""

    text: str
    targets: tuple[str, ...]
    all_graphs: bool
    names_dataset: bool  # it has USING, USING NAMED or WITH


def inspect_update(text: str, allow_load: bool = False) -> InspectedUpdate:
    """Parse an update, refuse what the write path cannot take, and list the graphs it writes."""
    try:
        check_sparql(text, "the update")
    except TooComplex as error:
        raise QueryRefused(str(error)) from error
    try:
        operations = translateUpdate(parseUpdate(text)).algebra
    except ParseException as error:
        raise QueryParseError.of(text, error) from error
    except RecursionError as error:
        raise QueryParseError("the update is nested too deeply to be read") from error
    except Exception as error:  # rdflib raises plain exceptions for semantic errors
        raise QueryParseError(str(error) or type(error).__name__) from error
    targets: set[str] = set()
    all_graphs = names_dataset = False
    for operation in operations:
        if operation.name == "Load" and not allow_load:
            raise QueryRefused(
                "LOAD is not allowed here: the server does not fetch URLs. Send the data itself."
            )
        if "ServiceGraphPattern" in node_names(operation):
            raise QueryRefused("SERVICE is not allowed here: the server does not query other endpoints.")
        written, everything = _writes(operation)
        targets |= written
        all_graphs |= everything
        names_dataset |= bool(_field(operation, "using") or _field(operation, "withClause"))
    return InspectedUpdate(text, tuple(sorted(targets)), all_graphs, names_dataset)


def _writes(operation: CompValue) -> tuple[set[str], bool]:
    """The graphs one operation writes, and whether it writes all of them."""
    name = operation.name
    if name in {"InsertData", "DeleteData", "DeleteWhere"}:
        return _template_graphs(operation, None), False
    if name == "Modify":
        with_graph = _field(operation, "withClause")
        written: set[str] = set()
        for clause in (_field(operation, "delete"), _field(operation, "insert")):
            if clause is not None:
                written |= _template_graphs(clause, with_graph)
        return written, False
    if name in {"Clear", "Drop", "Create", "Load"}:
        target = _field(operation, "graphiri")
        if target in {"ALL", "NAMED"}:
            return set(), True
        return ({str(target)} if isinstance(target, URIRef) else set()), False
    if name in {"Add", "Copy", "Move"}:
        source, destination = operation["graph"]
        if destination == "DEFAULT":
            raise QueryRefused(DEFAULT_GRAPH_REFUSED)
        written = {str(destination)}
        if name == "Move" and isinstance(source, URIRef):
            written.add(str(source))
        return written, False
    raise QueryRefused(f"{name} is not supported here")


def _template_graphs(clause: CompValue, with_graph: URIRef | None) -> set[str]:
    """The graphs of a data block or template; default-graph triples go to WITH's graph or are refused."""
    graphs: set[str] = set()
    for graph, triples in (_field(clause, "quads") or {}).items():
        if not isinstance(graph, URIRef):
            raise QueryRefused(
                "GRAPH ?variable in a template is refused: the graphs an update writes must be known "
                "before it runs. Name the graph: GRAPH <https://w3id.org/bd4m/graph/<kind>/<slug>>."
            )
        if triples:
            graphs.add(str(graph))
    if _field(clause, "triples"):
        if with_graph is None:
            raise QueryRefused(DEFAULT_GRAPH_REFUSED)
        graphs.add(str(with_graph))
    return graphs


_TOKENS = re.compile(
    r"""(?P<skip>\#[^\n]*|<[^<>"{}|^`\\\s]*>|'''.*?'''|\"\"\".*?\"\"\"|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")"""
    r"|(?P<open>\{)|(?P<close>\})|(?P<word>[A-Za-z_][A-Za-z0-9_]*)",
    re.DOTALL,
)


def with_using(text: str, using: Sequence[str], using_named: Sequence[str]) -> str:
    """Add the protocol's ``using-graph-uri`` / ``using-named-graph-uri`` to every DELETE/INSERT … WHERE.

    The Protocol gives them the meaning of USING / USING NAMED clauses, so they are written in
    front of each such WHERE (outside strings, IRIs and comments; never DELETE WHERE's).

    >>> with_using("INSERT { GRAPH <urn:g> { ?s ?p ?o } } WHERE { ?s ?p ?o }", ["urn:u"], [])
    'INSERT { GRAPH <urn:g> { ?s ?p ?o } } USING <urn:u> WHERE { ?s ?p ?o }'
    """
    clauses = [f"USING {ox.NamedNode(g)}" for g in using] + [
        f"USING NAMED {ox.NamedNode(g)}" for g in using_named
    ]
    inserts, depth, previous = [], 0, ""
    for match in _TOKENS.finditer(text):
        if match.lastgroup == "open":
            depth += 1
        elif match.lastgroup == "close":
            depth -= 1
        elif match.lastgroup == "word":
            word = match.group().upper()
            if word == "WHERE" and depth == 0 and previous == "}":
                inserts.append(match.start())
        if match.lastgroup != "skip":
            previous = "}" if match.lastgroup == "close" else match.group().upper()
    for position in reversed(inserts):
        text = f"{text[:position]}{' '.join(clauses)} {text[position:]}"
    return text


def _field(node: CompValue, key: str) -> object:
    """A field of an rdflib algebra node, or None (its ``get`` answers the key itself when missing)."""
    return node[key] if key in node else None  # noqa: SIM401 - CompValue.get returns the key when missing


def describe_targets(targets: Iterable[str]) -> str:
    """A short list of graphs for a change summary.

    >>> describe_targets(["urn:a", "urn:b"])
    'urn:a, urn:b'
    """
    listed = sorted(targets)
    return ", ".join(listed[:3]) + (f" and {len(listed) - 3} more" if len(listed) > 3 else "")
