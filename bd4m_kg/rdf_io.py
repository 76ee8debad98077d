"""Reading RDF files: pyoxigraph parses (it never fetches a remote context or entity), rdflib receives."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from bd4m_kg.layout import KnowledgeFile


class RdfSyntaxError(ValueError):
    """A file that is not valid RDF; the message names the file, line and column."""


XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF12_REFUSED = (
    "RDF 1.2 is not taken here: the directory, its shapes and the SHACL engine are RDF 1.1. "
    "State a triple term as plain triples, and a string without its base direction"
)


def parse_file(path: Path, format: ox.RdfFormat = ox.RdfFormat.TURTLE) -> list[ox.Triple]:
    """Parse one RDF file into triples, or raise :class:`RdfSyntaxError` naming file, line and column."""
    try:
        return [quad.triple for quad in ox.parse(path=str(path), format=format)]
    except SyntaxError as error:
        raise RdfSyntaxError(f"{path}: {error}") from error


def read_triples(path: Path, base_iri: str | None = None) -> list[ox.Triple]:
    """Any RDF file (format from its extension) parsed by pyoxigraph, graph names dropped.

    pyoxigraph never fetches a remote JSON-LD context or an XML entity; rdflib's parsers might.
    """
    from bd4m_kg.formats import rdf_format_for_path

    rdf_format = rdf_format_for_path(path).format
    try:
        quads = ox.parse(path=str(path), format=rdf_format, base_iri=base_iri or path.resolve().as_uri())
        return [quad.triple for quad in quads]
    except SyntaxError as error:
        raise RdfSyntaxError(f"{path}: {error}") from error


def read_rdf(path: Path, base_iri: str | None = None) -> Graph:
    """Like :func:`read_triples`, as an rdflib graph for pySHACL."""
    return to_rdflib(read_triples(path, base_iri))


def load_store(files: Iterable[KnowledgeFile]) -> ox.Store:
    """An in-memory pyoxigraph store with each knowledge file in its own named graph."""
    store = ox.Store()
    for file in files:
        graph = ox.NamedNode(file.graph)
        store.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in parse_file(file.path))
    return store


def to_rdflib(triples: Iterable[ox.Triple]) -> Graph:
    """Convert pyoxigraph triples to an rdflib graph, term by term, as rdflib's N-Triples parser would.

    Each blank node becomes a fresh rdflib one (the same within the call). rdflib reads RDF 1.1
    only: an RDF 1.2 triple term or base direction raises :class:`RdfSyntaxError`.

    >>> graph = to_rdflib(ox.parse(b'_:b <urn:p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .',
    ...                            format=ox.RdfFormat.N_TRIPLES))
    >>> [o.toPython() for o in graph.objects()]
    [1]
    """
    graph, blanks = Graph(), {}

    def term(node: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
        if isinstance(node, ox.NamedNode):
            return URIRef(node.value)
        if isinstance(node, ox.BlankNode):
            if node.value not in blanks:
                blanks[node.value] = BNode()
            return blanks[node.value]
        if node.language:
            return Literal(node.value, lang=node.language)
        if node.datatype.value == XSD_STRING:
            return Literal(node.value)
        return Literal(node.value, datatype=URIRef(node.datatype.value))

    for triple in triples:
        triple = getattr(triple, "triple", triple)  # a quad's triple
        if isinstance(triple.object, ox.Triple) or getattr(triple.object, "direction", None):
            raise RdfSyntaxError(f"{RDF12_REFUSED} ({triple})")
        graph.add((term(triple.subject), URIRef(triple.predicate.value), term(triple.object)))  # type: ignore[arg-type]
    return graph


def load_graph(files: Iterable[KnowledgeFile]) -> Graph:
    """The union of some knowledge files as one rdflib graph."""
    triples: list[ox.Triple] = []
    for file in files:
        triples.extend(parse_file(file.path))
    return to_rdflib(triples)
