"""What the graph says about one resource: the quads of its document, and the graphs they came from.

A record (``{base}id/{kind}/{slug}``), a vocabulary scheme and the ontology each own a graph, and
their document holds all of it. A concept of a scheme is described by its own triples (and the
blank nodes under them). Either way the document adds the labels and types of everything it links
to, and what links to it from other graphs (the linking nodes, with the records that own them and
the labels of what those nodes name, e.g. a role), at most :data:`INCOMING` of them. A graph IRI's
document is the graph itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from bd4m_kg.store import Store

INCOMING = 500
LABELS = (
    "<http://www.w3.org/2000/01/rdf-schema#label> <http://www.w3.org/2004/02/skos/core#prefLabel> "
    "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
)


@dataclass(frozen=True)
class Description:
    """The quads describing ``topic`` (each in the graph it lives in) and every graph they were read from."""

    topic: str
    quads: list[ox.Quad]
    graphs: frozenset[str]

    def __bool__(self) -> bool:
        return bool(self.quads)


def owned_graph(topic: str, base: str) -> str | None:
    """The graph whose whole content a topic's document holds (None: a concept, described by subject).

    >>> owned_graph("https://w3id.org/bd4m/id/project/x", "https://w3id.org/bd4m/")
    'https://w3id.org/bd4m/graph/project/x'
    >>> owned_graph("https://w3id.org/bd4m/vocab/theme", "https://w3id.org/bd4m/")
    'https://w3id.org/bd4m/graph/vocab/theme'
    >>> owned_graph("https://w3id.org/bd4m/vocab/theme/health", "https://w3id.org/bd4m/") is None
    True
    """
    path = topic[len(base) :] if topic.startswith(base) else ""
    parts = path.split("/")
    if path == "ontology" or (parts[0] == "graph" and len(parts) > 1):
        return f"{base}graph/ontology" if path == "ontology" else topic
    if parts[0] == "id" and len(parts) == 3:
        return f"{base}graph/{parts[1]}/{parts[2]}"
    if parts[0] == "vocab" and len(parts) == 2:
        return f"{base}graph/vocab/{parts[1]}"
    return None


def describe(store: Store, topic: str, deadline: float | None = None) -> Description:
    """Everything a document about ``topic`` shows; empty when the graph knows nothing of it."""
    own = owned_graph(topic, store.base)
    if own is not None and (own == topic or own.endswith("/graph/ontology")):
        parts = [_whole(own)]  # a graph, or the ontology: the document is the graph alone
    else:
        parts = [_whole(own) if own else _subject(topic), _neighbours(own, topic), _incoming(topic, own)]
    query = "SELECT ?g ?s ?p ?o WHERE {\n" + "\nUNION\n".join(parts) + "\n}"
    quads = []
    for row in store.select(query, deadline):
        quads.append(ox.Quad(row["s"], row["p"], row["o"], row["g"]))
    return Description(topic, _distinct(quads), frozenset(q.graph_name.value for q in quads))  # type: ignore[union-attr]


def _whole(graph: str) -> str:
    return f"{{ GRAPH <{graph}> {{ ?s ?p ?o }} BIND(<{graph}> AS ?g) }}"


def _subject(topic: str) -> str:
    """A concept's own triples and those of the blank nodes directly under it."""
    return (
        f"{{ GRAPH ?g {{ <{topic}> ?p ?o }} BIND(<{topic}> AS ?s) }} UNION "
        f"{{ GRAPH ?g {{ <{topic}> ?q ?s . ?s ?p ?o FILTER(isBlank(?s)) }} }}"
    )


def _own_triples(own: str | None, topic: str) -> str:
    return f"GRAPH <{own}> {{ ?x ?y ?n }}" if own else f"GRAPH ?h {{ <{topic}> ?y ?n }}"


def _labels_of_terms(pattern: str) -> str:
    """Labels and types of every IRI in predicate (``?y``) or object (``?n``) position of ``pattern``."""
    return (
        f"{{ {{ SELECT DISTINCT ?s WHERE {{ {{ {pattern} BIND(?y AS ?s) }} UNION "
        f"{{ {pattern} FILTER(isIRI(?n)) BIND(?n AS ?s) }} }} }}\n"
        f"  GRAPH ?g {{ ?s ?p ?o }} VALUES ?p {{ {LABELS} }} }}"
    )


def _neighbours(own: str | None, topic: str) -> str:
    """Labels and types of every IRI the description links to, and of its properties."""
    return _labels_of_terms(_own_triples(own, topic))


def _incoming(topic: str, own: str | None) -> str:
    """What links to the topic from other graphs: the linking nodes, their owners' and terms' labels."""
    elsewhere = f" && ?g != <{own}>" if own else ""
    linking = (
        f"{{ SELECT DISTINCT ?x ?g WHERE {{ GRAPH ?g {{ ?x ?q <{topic}> }} "
        f"FILTER(?q != <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>{elsewhere}) }} LIMIT {INCOMING} }}"
    )
    return (
        f"{{ {linking} GRAPH ?g {{ ?x ?p ?o }} BIND(?x AS ?s) }}\n"
        f"UNION {{ {linking} GRAPH ?g {{ ?s ?r ?x . ?s ?p ?o }} VALUES ?p {{ {LABELS} }} }}\n"
        f"UNION {_labels_of_terms(f'{linking} GRAPH ?g {{ ?x ?y ?n }}')}"
    )


def _distinct(quads: list[ox.Quad]) -> list[ox.Quad]:
    seen: set[ox.Quad] = set()
    return [q for q in quads if not (q in seen or seen.add(q))]  # type: ignore[func-returns-value]
