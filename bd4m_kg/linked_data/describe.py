"""What the graph says about one resource: the quads of its document, and the graphs they came from.

A record (``{base}id/{kind}/{slug}``), a vocabulary scheme and the ontology each own a graph, and
their document holds all of it. A concept of a scheme is described by its own triples (and the
blank nodes under them). Either way the document adds the labels and types of everything it links
to, and what links to it from other graphs (the linking nodes, the labels of what they name and of
the records that own them), at most :data:`INCOMING` linking nodes. A graph IRI's document is the
graph itself; the shapes' document (``{base}shapes``, terms ``#Shape``) holds every shapes graph.

A description is read in three rounds of :data:`Part` lookups (each round needs what the one
before found). On a store this process can read (:meth:`Store.lookups`), each part is a few
index lookups by subject, object or graph, with no query to plan and no process to cross. On a
remote store each round is one query; it names its subjects as constants, in a ``VALUES`` block
before the pattern, so that the engine looks each one up in its indexes; patterns joined through
variables across groups would make it scan whole graphs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TypeGuard

import pyoxigraph as ox

from bd4m_kg.rdf.iris import owned_graph, shapes_document, shapes_graphs_prefix
from bd4m_kg.store import IndexView, Store

INCOMING = 500
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABELS = (
    RDF_TYPE,
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
)
LABEL_TERMS = tuple(ox.NamedNode(p) for p in LABELS)
MEMO_ENTRIES = 100_000  # IRIs whose labels a generation keeps, at most (some tens of MB)
RDF_TYPE_TERM = LABEL_TERMS[0]


@dataclass(frozen=True)
class Description:
    """The quads describing ``topic`` (each in its graph), the graphs they came from, and when.

    ``generation`` is the store's generation the quads were read at.
    """

    topic: str
    quads: list[ox.Quad]
    graphs: frozenset[str]
    generation: int = 0

    def __bool__(self) -> bool:
        return bool(self.quads)


@dataclass(frozen=True)
class Graph:
    """Every quad of a graph."""

    graph: str


@dataclass(frozen=True)
class Subjects:
    """The triples of these subjects, and those of the blank nodes directly under them."""

    iris: frozenset[str]


@dataclass(frozen=True)
class Linking:
    """Nodes of graphs other than ``own`` that link to ``topic``, and blank ones whole.

    Each linking node is marked with :data:`LINKS`, at most :data:`INCOMING` of them.
    """

    topic: str
    own: str | None


@dataclass(frozen=True)
class Labels:
    """The labels and types of IRIs, from whichever graphs hold them."""

    iris: frozenset[str]


Part = Graph | Subjects | Linking | Labels
Reader = Callable[[list[Part]], list[ox.Quad]]
LINKS = "urn:bd4m:links-here"  # marks a linking node in the first answer; never stored
LINKS_TERM = ox.NamedNode(LINKS)


def describe(store: Store, topic: str, deadline: float | None = None) -> Description:
    """Everything a document about ``topic`` shows; empty when the graph knows nothing of it.

    Raises ValueError for a topic that is not an IRI (nothing reaches a query unchecked).
    """
    topic = ox.NamedNode(topic).value
    with store.lookups() as view:
        read = _reader(store, view, deadline)
        if topic == shapes_document(store.base):
            graphs = shapes_graphs(store, deadline)
            return _described(topic, read([Graph(g) for g in graphs]), view, frozenset(graphs))
        own = owned_graph(topic, store.base)
        if own is not None and (own == topic or own.endswith("/graph/ontology")):
            return _described(topic, read([Graph(own)]), view, frozenset({own}))  # the document is the graph
        return _described(topic, _record(read, topic, own), view)


def _record(read: Reader, topic: str, own: str | None) -> list[ox.Quad]:
    """A record's graph (or a concept's triples), what links to it, and the labels of what they name."""
    first = read([Graph(own) if own else Subjects(frozenset({topic})), Linking(topic, own)])
    content = [q for q in first if q.predicate != LINKS_TERM]
    linking = {q.subject.value for q in first if q.predicate == LINKS_TERM and _is_iri(q.subject)}
    named = {*_terms(content), *(_owner(n) for n in linking)} - {topic}
    second = read([Subjects(frozenset(linking)), Labels(frozenset(named))])
    around = [q for q in second if _is_iri(q.subject) and q.subject.value in linking]
    third = read([Labels(frozenset(set(_terms(around)) - named - {topic}))])
    return _distinct([*content, *second, *third])


def _described(
    topic: str, quads: list[ox.Quad], view: IndexView, graphs: frozenset[str] | None = None
) -> Description:
    if graphs is None:  # every quad read by a part has a named graph
        graphs = frozenset(g.value for g in {q.graph_name for q in quads})  # type: ignore[union-attr]
    return Description(topic, quads, graphs, view.generation)


def shapes_graphs(store: Store, deadline: float | None = None) -> list[str]:
    """The graphs holding the directory's SHACL shapes (``{base}graph/shapes/…``), by their node shapes."""
    query = (
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s a <http://www.w3.org/ns/shacl#NodeShape> } "
        f'FILTER(STRSTARTS(STR(?g), "{shapes_graphs_prefix(store.base)}")) }}'
    )
    return sorted(row["g"].value for row in store.select(query, deadline))


def _reader(store: Store, view: IndexView, deadline: float | None) -> Reader:
    """Lookups in this process when the store allows them, else one query per round."""
    index = view.quads
    if index is not None:
        return lambda parts: _looked_up(index, parts, view.memo)
    return lambda parts: _queried(store, parts, deadline)


# -- index lookups ---------------------------------------------------------------------------


def _looked_up(index: ox.Store, parts: list[Part], memo: dict[object, object] | None) -> list[ox.Quad]:
    """The parts' quads by pattern, none from the default graph (it holds none of ours)."""
    found: list[ox.Quad] = []
    for part in parts:
        if isinstance(part, Graph):
            found.extend(index.quads_for_pattern(None, None, None, ox.NamedNode(part.graph)))
        elif isinstance(part, Subjects):
            found.extend(
                q for q in _subject_quads(index, part.iris) if isinstance(q.graph_name, ox.NamedNode)
            )
        elif isinstance(part, Linking):
            found.extend(_linking_nodes(index, part))
        else:
            for iri in part.iris:
                found.extend(_labels_of(index, iri, memo))
    return found


def _labels_of(index: ox.Store, iri: str, memo: dict[object, object] | None) -> list[ox.Quad]:
    """An IRI's label and type quads; kept in the generation's memo, as most are named by many documents."""
    key = ("labels", iri)
    known = None if memo is None else memo.get(key)
    if known is None:
        node = ox.NamedNode(iri)
        patterns = (index.quads_for_pattern(node, p, None, None) for p in LABEL_TERMS)
        known = [q for found in patterns for q in found if isinstance(q.graph_name, ox.NamedNode)]
        if memo is not None and len(memo) < MEMO_ENTRIES:
            memo[key] = known
    return known  # type: ignore[return-value]  # the memo holds lists of quads under this key


def _subject_quads(index: ox.Store, iris: frozenset[str]) -> Iterator[ox.Quad]:
    for subject in iris:
        for quad in index.quads_for_pattern(ox.NamedNode(subject), None, None, None):
            yield quad
            if isinstance(quad.object, ox.BlankNode):
                yield from index.quads_for_pattern(quad.object, None, None, quad.graph_name)


def _linking_nodes(index: ox.Store, part: Linking) -> Iterator[ox.Quad]:
    marked: set[tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode]] = set()
    blank_done: set[tuple[ox.BlankNode, ox.NamedNode]] = set()
    mark = LINKS_TERM
    for quad in index.quads_for_pattern(None, None, ox.NamedNode(part.topic), None):
        graph = quad.graph_name
        if not isinstance(graph, ox.NamedNode) or quad.predicate == RDF_TYPE_TERM or graph.value == part.own:
            continue
        node = (quad.subject, graph)
        if node not in marked and len(marked) < INCOMING:
            marked.add(node)  # type: ignore[arg-type]  # a subject is never a literal
            yield ox.Quad(quad.subject, mark, mark, graph)
        if isinstance(quad.subject, ox.BlankNode) and node not in blank_done:
            blank_done.add(node)  # type: ignore[arg-type]  # the subject is a blank node
            yield from index.quads_for_pattern(quad.subject, None, None, graph)


# -- queries (a remote store) ------------------------------------------------------------------


def _queried(store: Store, parts: list[Part], deadline: float | None) -> list[ox.Quad]:
    groups = [g for g in (_group(part) for part in parts) if g]
    if not groups:
        return []
    query = "SELECT ?g ?s ?p ?o WHERE {\n" + "\nUNION\n".join(groups) + "\n}"
    return [ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in store.select(query, deadline)]


def _group(part: Part) -> str:
    """The part as a group of a query ("" for one with nothing to look up)."""
    if isinstance(part, Graph):
        return f"{{ GRAPH <{part.graph}> {{ ?s ?p ?o }} BIND(<{part.graph}> AS ?g) }}"
    if isinstance(part, Subjects):
        return _subjects(part.iris)
    if isinstance(part, Linking):
        return _linking(part.topic, part.own)
    return _labels(part.iris)


def _subjects(subjects: Iterable[str]) -> str:
    values = _values(subjects)
    if not values:
        return ""
    return (
        f"{{ VALUES ?s {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} UNION "
        f"{{ VALUES ?x {{ {values} }} GRAPH ?g {{ ?x ?q ?s . ?s ?p ?o }} FILTER(isBlank(?s)) }}"
    )


def _linking(topic: str, own: str | None) -> str:
    elsewhere = f" && ?g != <{own}>" if own else ""
    condition = f"FILTER(?q != <{RDF_TYPE}>{elsewhere})"
    return (
        f"{{ {{ SELECT DISTINCT ?s ?g WHERE {{ GRAPH ?g {{ ?s ?q <{topic}> }} {condition} }} "
        f"LIMIT {INCOMING} }} BIND(<{LINKS}> AS ?p) BIND(<{LINKS}> AS ?o) }} UNION "
        f"{{ GRAPH ?g {{ ?s ?q <{topic}> . ?s ?p ?o }} {condition} FILTER(isBlank(?s)) }}"
    )


def _labels(iris: Iterable[str]) -> str:
    wanted = ", ".join(f"<{p}>" for p in LABELS)
    values = _values(iris)
    if not values:
        return ""
    return f"{{ VALUES ?s {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} FILTER(?p IN ({wanted})) }}"


def _values(iris: Iterable[str]) -> str:
    return " ".join(str(ox.NamedNode(i)) for i in sorted(iris))


# -- what quads name ---------------------------------------------------------------------------


def _is_iri(term: object) -> TypeGuard[ox.NamedNode]:
    return isinstance(term, ox.NamedNode)


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
    """The first of each quad, in order."""
    return list(dict.fromkeys(quads))
