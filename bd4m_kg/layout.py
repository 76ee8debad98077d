"""Where the knowledge files live and which named graph each of them fills.

The knowledge is ``ontology/`` (OWL + ``vocab/`` SKOS schemes), ``shapes/`` (SHACL), ``data/``
(one Turtle file per record, ``data/<kind>/<slug>.ttl``) and ``queries/`` (named SPARQL). It is
read from ``BD4M_HOME`` when set, else from the checkout this package runs from, else from the
copy shipped inside the package (``bd4m_kg/knowledge/``, what a wheel installs).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from bd4m_kg.rdf.iris import graph_iri, ontology_graph
from bd4m_kg.rdf.namespaces import BASE
from bd4m_kg.rdf.rdf_io import parse_file, to_rdflib

PACKAGED_KNOWLEDGE = Path(__file__).resolve().parent / "knowledge"


def project_root() -> Path:
    """The folder holding ``ontology/``, ``shapes/``, ``data/`` and ``queries/``.

    ``BD4M_HOME`` overrides it; otherwise it is the checkout this package runs from, or the
    knowledge shipped inside the installed package.
    """
    configured = os.environ.get("BD4M_HOME")
    if configured:
        return Path(configured)
    checkout = PACKAGED_KNOWLEDGE.parent.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / "ontology").is_dir():
        return checkout
    return PACKAGED_KNOWLEDGE


def is_packaged(root: Path) -> bool:
    """Whether ``root`` is the read-only copy of the knowledge inside the installed package."""
    return root.resolve() == PACKAGED_KNOWLEDGE


@dataclass(frozen=True)
class KnowledgeFile:
    """One Turtle file of the checkout and the named graph it fills."""

    path: Path
    graph: str
    part: str  # "ontology", "vocab", "shapes" or "data"


def graph_for(path: Path, root: Path) -> tuple[str, str]:
    """Return ``(graph IRI, part)`` for a knowledge file.

    >>> graph_for(Path("/r/data/project/x.ttl"), Path("/r"))
    ('https://w3id.org/bd4m/graph/project/x', 'data')
    >>> graph_for(Path("/r/ontology/vocab/role.ttl"), Path("/r"))
    ('https://w3id.org/bd4m/graph/vocab/role', 'vocab')
    """
    relative = path.relative_to(root).with_suffix("")
    top, *rest = relative.parts
    if top == "data":
        return graph_iri(BASE, "/".join(rest)), "data"
    if top == "ontology" and rest[:1] == ["vocab"]:
        return graph_iri(BASE, "/".join(["vocab", *rest[1:]])), "vocab"
    if top == "ontology":
        return ontology_graph(BASE), "ontology"
    if top == "shapes":
        return graph_iri(BASE, "/".join(["shapes", *rest])), "shapes"
    raise ValueError(f"{path} is not a knowledge file (expected data/, ontology/ or shapes/)")


def knowledge_files(root: Path | None = None, parts: tuple[str, ...] = ()) -> Iterator[KnowledgeFile]:
    """Yield the Turtle files of the checkout in a stable order, optionally only some parts."""
    root = root or project_root()
    for folder in ("ontology", "shapes", "data"):
        for path in sorted((root / folder).rglob("*.ttl")):
            graph, part = graph_for(path, root)
            if not parts or part in parts:
                yield KnowledgeFile(path, graph, part)


def load_store(files: Iterable[KnowledgeFile]) -> ox.Store:
    """An in-memory pyoxigraph store with each knowledge file in its own named graph."""
    store = ox.Store()
    for file in files:
        graph = ox.NamedNode(file.graph)
        store.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in parse_file(file.path))
    return store


def load_graph(files: Iterable[KnowledgeFile]) -> Graph:
    """The union of some knowledge files as one rdflib graph."""
    triples: list[ox.Triple] = []
    for file in files:
        triples.extend(parse_file(file.path))
    return to_rdflib(triples)
