"""SPARQL 1.1 Update, checked before it runs: which graphs it writes, and nothing it may not do.

The write path needs every change to name its graphs before it runs, and the stored default
graph stays empty. So an update is parsed with rdflib and refused when it writes the default
graph, writes ``GRAPH ?g`` (targets unknowable before it runs) or loads a URL (``LOAD``).

>>> inspect_update("INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } }").targets
('urn:g',)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pyparsing import ParseException
from rdflib.plugins.sparql.algebra import translateUpdate
from rdflib.plugins.sparql.parser import parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import URIRef

from bd4m_kg.publishing.changes import ChangeResult, commit_change, recover
from bd4m_kg.rdf.complexity import TooComplex, check_sparql
from bd4m_kg.rdf.iris import metadata_graph
from bd4m_kg.sparql.policy import QueryParseError, QueryRefused, node_names
from bd4m_kg.store import Store, UpdateDataset

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


def _field(node: CompValue, key: str) -> Any:  # rdflib's algebra is untyped
    """A field of an rdflib algebra node, or None (its ``get`` answers the key itself when missing)."""
    return node[key] if key in node else None  # noqa: SIM401 - CompValue.get returns the key when missing


def describe_targets(targets: Iterable[str]) -> str:
    """A short list of graphs for a change summary.

    >>> describe_targets(["urn:a", "urn:b"])
    'urn:a, urn:b'
    """
    listed = sorted(targets)
    return ", ".join(listed[:3]) + (f" and {len(listed) - 3} more" if len(listed) > 3 else "")


def apply_update(
    store: Store,
    update: InspectedUpdate,
    actor: str,
    using: Sequence[str] | None = None,
    using_named: Sequence[str] | None = None,
    base_iri: str | None = None,
) -> ChangeResult:
    """Run a checked SPARQL Update through the write path: journaled, one transaction, a new generation.

    The update also records its generation in the metadata graph, in the same transaction, so a
    writer stopped half-way is resolved by asking the store (an update is not replayed twice).
    ``using`` / ``using_named`` are the Protocol's using-graph-uri / using-named-graph-uri;
    relative IRIs resolve against ``base_iri`` (the endpoint's URL).
    """
    with store.state.writer_lock():
        recover(store)
        targets = set(store.graph_names()) if update.all_graphs else set(update.targets)
        graphs = dict.fromkeys(sorted(targets | {metadata_graph(store.base)}), "updated")
        dataset = UpdateDataset(update.names_dataset, tuple(using or ()), tuple(using_named or ()), base_iri)
        summary = f"SPARQL Update of {describe_targets(targets)}"
        generation = commit_change(
            store, actor, summary, graphs, lambda gen: store.run_update(update.text, gen, dataset)
        )
    return ChangeResult(generation, tuple(sorted(targets)), (), 0)
