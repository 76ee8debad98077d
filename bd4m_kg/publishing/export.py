"""Writing the store's records back to files: one deterministic Turtle file per record, ``data/``'s layout.

Once curation runs, the store is the record; ``bd4m-kg export DIR`` brings it back into git.
The same store content always gives the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from bd4m_kg.rdf.iris import graph_path
from bd4m_kg.rdf.namespaces import PREFIXES
from bd4m_kg.store import Store

NOT_RECORDS = ("ontology", "vocab", "shapes")


def record_file(graph: str, base: str) -> Path | None:
    """The file a record graph is exported to, relative to the export folder; None for other graphs.

    >>> record_file("https://w3id.org/bd4m/graph/project/project-jetson", "https://w3id.org/bd4m/")
    PosixPath('project/project-jetson.ttl')
    >>> record_file("https://w3id.org/bd4m/graph/vocab/theme", "https://w3id.org/bd4m/") is None
    True
    """
    path = graph_path(graph, base)
    if path is None:
        return None
    parts = path.split("/")
    if len(parts) != 2 or parts[0] in NOT_RECORDS or not all(parts):
        return None
    return Path(parts[0], f"{parts[1]}.ttl")


def record_turtle(dataset: ox.Store, graph: str) -> bytes:
    """One record graph as Turtle with our prefixes, subjects and predicates in a stable order."""
    triples = dataset.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph))
    record = Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        record.bind(prefix, namespace)
    record.parse(data=triples, format="nt")
    return record.serialize(format="turtle", encoding="utf-8")


def export_records(
    store: Store, folder: Path, progress: Callable[[Iterator[str]], Iterator[str]] | None = None
) -> int:
    """Write every record graph of the store under ``folder``; return how many files were written."""
    buffer = io.BytesIO()
    store.dump_quads(buffer)
    dataset = ox.Store()
    dataset.load(buffer.getvalue(), format=ox.RdfFormat.N_QUADS)
    graphs = sorted(
        g.value
        for g in dataset.named_graphs()
        if isinstance(g, ox.NamedNode) and record_file(g.value, store.base)
    )
    written = 0
    for graph in progress(iter(graphs)) if progress else graphs:
        target = folder / str(record_file(graph, store.base))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(record_turtle(dataset, graph))
        written += 1
    return written
