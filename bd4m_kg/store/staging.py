"""Staging a change: parse every input whole into a scratch store and put each triple in its record's graph.

Nothing reaches the live store from here: a syntax error in the last file of a load leaves the
live store untouched, because the change is only applied once everything is staged.

Graph rules (one record, one graph): N-Quads and TriG keep their graph names; any other triple
goes to the graph of its subject's record, ``{base}id/k/s[#…]`` → ``{base}graph/k/s``, ontology
terms to ``{base}graph/ontology``, vocabulary concepts to ``{base}graph/vocab/{scheme}``, and a
blank node follows the subject that refers to it.
"""

from __future__ import annotations

import mmap
import re
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import TypeVar, cast

import pyoxigraph as ox

from bd4m_kg.rdf.formats import rdf_format_for_path
from bd4m_kg.rdf.iris import record_graph
from bd4m_kg.rdf.namespaces import BASE
from bd4m_kg.rdf.rdf_io import RDF12_REFUSED, located_error

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.DefaultGraph | ox.Triple
Subject = ox.NamedNode | ox.BlankNode | ox.Triple  # what a triple's subject may be
T = TypeVar("T", bound=Term)
RDF12_TRIPLE = """SELECT ?s ?p ?o WHERE {
    { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } FILTER (isTRIPLE(?o) || LANGDIR(?o) != "")
} LIMIT 1"""
RDF12_DIRECTION = re.compile(rb"@[A-Za-z][A-Za-z0-9-]*--[lr]t[lr]")  # "x"@en--ltr; triple terms open with <<
TEXT_FORMATS = (ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG)


class StagingError(ValueError):
    """Input that cannot become a change: unreadable, malformed, or triples with no record to go to."""


class Staging:
    """A scratch store holding a change before it is applied; on disk when ``folder`` is given."""

    def __init__(self, base: str = BASE, folder: Path | None = None) -> None:
        self.base = base
        self.folder = folder
        if folder is not None and folder.exists():
            shutil.rmtree(folder)
        self.store: ox.Store | None = ox.Store(str(folder)) if folder else ox.Store()
        self._graphs: list[str] | None = None

    @property
    def scratch(self) -> ox.Store:
        """The scratch store (it is gone once the staging is closed or adopted)."""
        if self.store is None:
            raise RuntimeError("this staging is closed")
        self._graphs = None  # whoever asks for the store may change it
        return self.store

    def _read(self) -> ox.Store:
        """The scratch store for reading only (the listed graphs stay valid)."""
        if self.store is None:
            raise RuntimeError("this staging is closed")
        return self.store

    def add_file(self, path: Path, graph: str | None = None) -> None:
        """Parse one file whole into the scratch store (into ``graph`` if given); errors name the line."""
        rdf_format = rdf_format_for_path(path).format
        target = ox.NamedNode(graph) if graph else None
        try:
            self.scratch.bulk_load(path=str(path), format=rdf_format, to_graph=target, base_iri=None)
        except SyntaxError as error:
            raise StagingError(f"{path}: {located_error(error, path)}") from error
        except OSError as error:
            raise StagingError(f"{path}: cannot read it ({error.strerror or error})") from error
        if _may_hold_rdf12(path):
            self.refuse_rdf12(str(path))

    def add_bytes(self, data: bytes, rdf_format: ox.RdfFormat, name: str, graph: str | None = None) -> None:
        """Parse RDF held in memory (an upload, a test fixture) into the scratch store."""
        target = ox.NamedNode(graph) if graph else None
        try:
            self.scratch.bulk_load(input=data, format=rdf_format, to_graph=target)
        except SyntaxError as error:
            raise StagingError(f"{name}: {located_error(error, data)}") from error
        self.refuse_rdf12(name)

    def refuse_rdf12(self, name: str) -> None:
        """Refuse triple terms and strings with a base direction, which nothing downstream reads."""
        found = list(
            cast(ox.QuerySolutions, self._read().query(RDF12_TRIPLE, use_default_graph_as_union=True))
        )
        if found:
            triple = ox.Triple(found[0]["s"], found[0]["p"], found[0]["o"])
            raise StagingError(f"{name}: {RDF12_REFUSED} ({triple})")

    def place_records(self) -> None:
        """Move triples of the default graph into their records' graphs; refuse any that have none."""
        default = ox.DefaultGraph()
        triples = [q.triple for q in self.scratch.quads_for_pattern(None, None, None, default)]
        if not triples:
            return
        owners = _owners(triples, self.base)
        homeless = sorted({str(t.subject) for t in triples if t.subject not in owners})
        if homeless:
            listed = ", ".join(homeless[:5]) + (" …" if len(homeless) > 5 else "")
            raise StagingError(
                f"{len(homeless)} subject(s) belong to no record of {self.base} ({listed}). "
                f"Name their graph with N-Quads or TriG, or use IRIs under {self.base}id/<kind>/<slug>."
            )
        self.scratch.extend(ox.Quad(t.subject, t.predicate, t.object, owners[t.subject]) for t in triples)
        self.scratch.clear_graph(default)

    def rebase(self) -> None:
        """Rewrite IRIs under the canonical base to this staging's base (a store built with ``--base``)."""
        if self.base == BASE:
            return
        quads = list(self.scratch)
        self.scratch.clear()
        old, new = BASE, self.base
        self.scratch.extend(
            ox.Quad(
                rebased(q.subject, old, new),
                rebased(q.predicate, old, new),
                rebased(q.object, old, new),
                rebased(q.graph_name, old, new),
            )
            for q in quads
        )

    def graphs(self) -> list[str]:
        """The named graphs the change fills (and so replaces), sorted (listed once per content)."""
        if self._graphs is None:
            graphs = sorted(g.value for g in self._read().named_graphs() if isinstance(g, ox.NamedNode))
            self._graphs = graphs
        return self._graphs

    def __len__(self) -> int:
        return len(self._read())

    def close(self) -> None:
        """Drop the scratch store and its folder."""
        self.store = None
        if self.folder is not None and self.folder.exists():
            shutil.rmtree(self.folder)

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def rebased(term: T, old: str, new: str) -> T:
    """The term with an IRI under ``old`` moved under ``new`` (any other term as it is)."""
    if isinstance(term, ox.NamedNode) and term.value.startswith(old):
        return cast(T, ox.NamedNode(new + term.value[len(old) :]))  # an IRI stays an IRI
    return term


def _owners(triples: list[ox.Triple], base: str) -> dict[Subject, ox.NamedNode]:
    """Each subject's graph: IRIs by their record, blank nodes by the subject that refers to them."""
    owners: dict[Subject, ox.NamedNode] = {}
    for t in triples:
        if isinstance(t.subject, ox.NamedNode) and (graph := record_graph(t.subject.value, base)):
            owners[t.subject] = ox.NamedNode(graph)
    changed = True
    while changed:
        changed = False
        for t in triples:
            if isinstance(t.object, ox.BlankNode) and t.subject in owners and t.object not in owners:
                owners[t.object] = owners[t.subject]
                changed = True
    return owners


def _may_hold_rdf12(path: Path) -> bool:
    """Whether a file might hold RDF 1.2 terms: a text format that writes one, or any other format.

    Scanning the bytes (0.5 s for 228 MB) is far quicker than querying a large load for them (6 s
    per million triples).
    """
    if rdf_format_for_path(path).format not in TEXT_FORMATS:
        return True
    if path.stat().st_size == 0:
        return False
    with path.open("rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
        if data.find(b"<<") != -1:
            return True
        return data.find(b"--") != -1 and RDF12_DIRECTION.search(data) is not None


def iter_files(paths: Iterable[Path]) -> list[Path]:
    """Expand folders into the RDF files under them (sorted), keep files as given."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")))
        else:
            files.append(path)
    return files
