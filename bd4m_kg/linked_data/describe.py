"""What the graph says about one resource: the quads of its document, and the graphs they came from.

A record (``{base}id/{kind}/{slug}``), a vocabulary scheme and the ontology each own a graph, and
their document holds all of it. A concept of a scheme is described by its own triples (and the
blank nodes under them). Either way the document adds the labels and types of everything it links
to, and what links to it from other graphs (the linking nodes, the labels of what they name and of
the records that own them), at most :data:`INCOMING` linking nodes. A graph IRI's document is the
graph itself; the shapes' document (``{base}shapes``, terms ``#Shape``) holds every shapes graph.

Each query names its subjects as constants, in a ``VALUES`` block before the pattern, so that the
engine looks each one up in its indexes (a few round trips); patterns joined through variables
across groups would make it scan whole graphs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeGuard

import pyoxigraph as ox

from bd4m_kg.rdf.iris import owned_graph, shapes_document, shapes_graphs_prefix
from bd4m_kg.store import Store

INCOMING = 500
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABELS = (
    RDF_TYPE,
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
)


@dataclass(frozen=True)
class Description:
    """The quads describing ``topic`` (each in the graph it lives in) and every graph they were read from."""

    topic: str
    quads: list[ox.Quad]
    graphs: frozenset[str]

    def __bool__(self) -> bool:
        return bool(self.quads)


def describe(store: Store, topic: str, deadline: float | None = None) -> Description:
    """Everything a document about ``topic`` shows; empty when the graph knows nothing of it.

    Raises ValueError for a topic that is not an IRI (nothing reaches a query unchecked).
    """
    topic = ox.NamedNode(topic).value
    if topic == shapes_document(store.base):
        graphs = shapes_graphs(store, deadline)
        return Description(topic, _quads(store, [_graph(g) for g in graphs], deadline), frozenset(graphs))
    own = owned_graph(topic, store.base)
    if own is not None and (own == topic or own.endswith("/graph/ontology")):
        quads = _quads(store, [_graph(own)], deadline)  # a graph, or the ontology: the document is the graph
        return Description(topic, quads, frozenset({own}))
    first = _quads(store, [_graph(own) if own else _subjects([topic]), _linking(topic, own)], deadline)
    content = [q for q in first if q.predicate.value != LINKS]
    linking = {q.subject.value for q in first if q.predicate.value == LINKS and _is_iri(q.subject)}
    named = {*_terms(content), *(_owner(n) for n in linking)} - {topic}
    second = _quads(store, [_subjects(linking), _labels(named)], deadline)
    around = [q for q in second if _is_iri(q.subject) and q.subject.value in linking]
    third = _quads(store, [_labels(set(_terms(around)) - named - {topic})], deadline)
    quads = _distinct([*content, *second, *third])
    return Description(topic, quads, frozenset(q.graph_name.value for q in quads))  # type: ignore[union-attr]  # every quad read from a GRAPH pattern has a named graph


def shapes_graphs(store: Store, deadline: float | None = None) -> list[str]:
    """The graphs holding the directory's SHACL shapes (``{base}graph/shapes/…``), by their node shapes."""
    query = (
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s a <http://www.w3.org/ns/shacl#NodeShape> } "
        f'FILTER(STRSTARTS(STR(?g), "{shapes_graphs_prefix(store.base)}")) }}'
    )
    return sorted(row["g"].value for row in store.select(query, deadline))


LINKS = "urn:bd4m:links-here"  # marks a linking node in the first answer; never stored


def _graph(graph: str) -> str:
    return f"{{ GRAPH <{graph}> {{ ?s ?p ?o }} BIND(<{graph}> AS ?g) }}"


def _subjects(subjects: Iterable[str]) -> str:
    """The subjects' triples and those of the blank nodes directly under them ("" for none)."""
    values = _values(subjects)
    if not values:
        return ""
    return (
        f"{{ VALUES ?s {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} UNION "
        f"{{ VALUES ?x {{ {values} }} GRAPH ?g {{ ?x ?q ?s . ?s ?p ?o }} FILTER(isBlank(?s)) }}"
    )


def _linking(topic: str, own: str | None) -> str:
    """Nodes of other graphs that link to the topic (marked with :data:`LINKS`), and blank ones whole."""
    elsewhere = f" && ?g != <{own}>" if own else ""
    condition = f"FILTER(?q != <{RDF_TYPE}>{elsewhere})"
    return (
        f"{{ {{ SELECT DISTINCT ?s ?g WHERE {{ GRAPH ?g {{ ?s ?q <{topic}> }} {condition} }} "
        f"LIMIT {INCOMING} }} BIND(<{LINKS}> AS ?p) BIND(<{LINKS}> AS ?o) }} UNION "
        f"{{ GRAPH ?g {{ ?s ?q <{topic}> . ?s ?p ?o }} {condition} FILTER(isBlank(?s)) }}"
    )


def _labels(iris: Iterable[str]) -> str:
    """The labels and types of IRIs, from whichever graphs hold them ("" for none)."""
    wanted = ", ".join(f"<{p}>" for p in LABELS)
    values = _values(iris)
    if not values:
        return ""
    return f"{{ VALUES ?s {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} FILTER(?p IN ({wanted})) }}"


def _values(iris: Iterable[str]) -> str:
    return " ".join(str(ox.NamedNode(i)) for i in sorted(iris))


def _is_iri(term: object) -> TypeGuard[ox.NamedNode]:
    return isinstance(term, ox.NamedNode)


def _quads(store: Store, parts: list[str], deadline: float | None) -> list[ox.Quad]:
    parts = [p for p in parts if p]
    if not parts:
        return []
    query = "SELECT ?g ?s ?p ?o WHERE {\n" + "\nUNION\n".join(parts) + "\n}"
    return [ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in store.select(query, deadline)]


def _terms(quads: Iterable[ox.Quad]) -> Iterable[str]:
    """The IRIs a set of quads names as predicate or object."""
    for quad in quads:
        yield quad.predicate.value
        if isinstance(quad.object, ox.NamedNode):
            yield quad.object.value


def _owner(iri: str) -> str:
    """The record a ``record#part`` IRI belongs to (the IRI itself when it has no fragment)."""
    return iri.split("#", 1)[0]


def _distinct(quads: list[ox.Quad]) -> list[ox.Quad]:
    seen: set[ox.Quad] = set()
    return [q for q in quads if not (q in seen or seen.add(q))]  # type: ignore[func-returns-value]  # set.add returns None: keeps the first of each quad, in order
