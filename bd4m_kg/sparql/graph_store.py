"""The SPARQL 1.1 Graph Store HTTP Protocol's operations on one named graph, through the write path.

Reading ``?default`` gives the union of all graphs (the default graph queries see); writing it
is refused, since every triple belongs to a record's graph.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from bd4m_kg.publishing.changes import ChangeResult, apply_change
from bd4m_kg.store import Answer, QueryRequest, Store

DEFAULT_GRAPH_WRITE = (
    "writes to the default graph are refused: it is the union of the record graphs. "
    "Write to a record's graph instead: ?graph=https://w3id.org/bd4m/graph/<kind>/<slug>"
)


class GraphNotFound(LookupError):
    """The named graph does not exist (a 404)."""


class GraphWriteError(ValueError):
    """A body that cannot become the graph's content (a 400); the message says why."""


@dataclass(frozen=True)
class Upload:
    """One RDF document of a request: its bytes, format and a name for messages."""

    data: bytes
    format: ox.RdfFormat
    name: str


def graph_exists(store: Store, graph: str) -> bool:
    """True when the store has triples in ``graph``."""
    answer = store.query(QueryRequest(f"ASK {{ GRAPH {ox.NamedNode(graph)} {{ ?s ?p ?o }} }}"), deadline=30)
    return b"true" in answer.read()


def read_graph(store: Store, graph: str | None, graph_format: str, deadline: float) -> Answer:
    """A named graph's triples (or, for None, the union of all graphs) in the given RDF format."""
    if graph is not None and not graph_exists(store, graph):
        raise GraphNotFound(f"there is no graph {graph}")
    where = "?s ?p ?o" if graph is None else f"GRAPH {ox.NamedNode(graph)} {{ ?s ?p ?o }}"
    return store.query(
        QueryRequest(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {where} }}", graph_format=graph_format), deadline
    )


def write_graph(
    store: Store, graph: str, uploads: Sequence[Upload], actor: str, merge: bool
) -> tuple[ChangeResult, bool]:
    """Replace (PUT) or add to (POST, ``merge``) a named graph; True when the graph is new.

    The graph is read and written under the writer lock, so concurrent POSTs add up.
    """
    with store.staging() as staging:
        for upload in uploads:
            try:
                staging.add_bytes(upload.data, upload.format, upload.name, graph=graph)
            except ValueError as error:
                raise GraphWriteError(str(error)) from error
        others = [g for g in staging.graphs() if g != graph]
        if others:
            raise GraphWriteError(f"the body names other graphs ({', '.join(others[:3])}): send triples only")
        with store.state.writer_lock():
            existed = graph_exists(store, graph)
            if merge and existed:
                current = read_graph(store, graph, "nt", deadline=60).read()
                staging.add_bytes(current, ox.RdfFormat.N_TRIPLES, graph, graph=graph)
            summary = f"Graph Store: {'add to' if merge else 'replace'} {graph}"
            drop = [] if staging.graphs() else [graph]  # an empty body empties the graph
            result = apply_change(store, staging, actor, summary, drop=drop)
    return result, not existed


def delete_graph(store: Store, graph: str, actor: str) -> ChangeResult:
    """Drop a named graph, or raise :class:`GraphNotFound`."""
    if not graph_exists(store, graph):
        raise GraphNotFound(f"there is no graph {graph}")
    with store.staging() as staging:
        return apply_change(store, staging, actor, f"Graph Store: delete {graph}", drop=[graph])
