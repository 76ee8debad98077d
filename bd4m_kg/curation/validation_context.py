"""The part of the live graph a submission is validated with, never the whole graph.

For every IRI the submission links to but does not describe, the context holds its types (with
their superclasses, read once per version of the ontology graph), its labels and, for concepts,
their ``skos:inScheme``; for every name the submission gives, the other records with that name
and their types. The submission's own typed nodes get their superclasses too, so ``sh:class``
needs no inference at validation time. Each part is one indexed lookup per term (``VALUES``),
so the cost follows the size of the submission, not of the graph.
"""

from __future__ import annotations

from collections.abc import Iterable, Set

import pyoxigraph as ox

from bd4m_kg.curation.validation import ValidationReport, validate
from bd4m_kg.rdf.iris import ontology_graph
from bd4m_kg.rdf.namespaces import BASE
from bd4m_kg.rdf.rdf_io import to_rdflib
from bd4m_kg.store import QueryRequest, Store
from bd4m_kg.store.staging import rebased

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
SKOS_PREF_LABEL = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
SKOS_IN_SCHEME = ox.NamedNode("http://www.w3.org/2004/02/skos/core#inScheme")
NAMES = (RDFS_LABEL, SKOS_PREF_LABEL)
LOOKUP_BATCH = 500  # terms per VALUES block

_LINKED = """
CONSTRUCT {{ ?x ?p ?o }} WHERE {{
    VALUES ?x {{ {terms} }}
    ?x ?p ?o
    FILTER (?p IN (<{type}>, <{label}>, <{pref}>, <{scheme}>))
}}"""  # a VALUES block of predicates would make the engine read every type and label first
_SAME_NAME = """
CONSTRUCT {{ ?other ?name_property ?name . ?other <{type}> ?type }} WHERE {{
    VALUES ?name {{ {terms} }}
    VALUES ?name_property {{ <{label}> <{pref}> }}
    ?other ?name_property ?name .
    OPTIONAL {{ ?other <{type}> ?type }}
}}"""
_SUBCLASSES = """
SELECT ?class ?super WHERE {{
    GRAPH <{graph}> {{ ?class <http://www.w3.org/2000/01/rdf-schema#subClassOf> ?super }}
    FILTER (isIRI(?class) && isIRI(?super))
}}"""


def validate_against(store: Store, triples: list[ox.Triple]) -> ValidationReport:
    """Validate ``triples`` against the directory's shapes with the live graph's relevant part as context.

    Only results about the triples' own subjects are reported. The triples use the store's IRIs;
    the report uses the canonical ones the shapes are written with (they differ for a store
    built with another base).
    """
    context = live_context(store, triples)
    data = to_rdflib(_canonical(triples, store.base))
    return validate(data, context=to_rdflib(_canonical(context, store.base)), focus=set(data.subjects()))


def _canonical(triples: list[ox.Triple], base: str) -> list[ox.Triple]:
    if base == BASE:
        return triples
    return [
        ox.Triple(
            rebased(t.subject, base, BASE), rebased(t.predicate, base, BASE), rebased(t.object, base, BASE)
        )
        for t in triples
    ]


def live_context(store: Store, submission: Iterable[ox.Triple]) -> list[ox.Triple]:
    """The triples of the live graph that ``submission`` needs to be validated (its own excluded)."""
    triples = list(submission)
    described = {t.subject for t in triples}
    linked = {t.object for t in triples if isinstance(t.object, ox.NamedNode)} - described
    linked.discard(RDF_TYPE)
    linked -= {t.object for t in triples if t.predicate == RDF_TYPE}  # classes are the ontology's
    names = {t.object for t in triples if t.predicate in NAMES and isinstance(t.object, ox.Literal)}
    found = _construct(store, _LINKED, linked) + _construct(store, _SAME_NAME, names)
    context = [t for t in found if t.subject not in described]
    return context + _inferred_types(store, triples + context)


def _construct(store: Store, template: str, terms: Set[object]) -> list[ox.Triple]:
    """Run a lookup for ``terms`` in batches; the triples it found."""
    ordered = sorted(terms, key=str)
    found: list[ox.Triple] = []
    for start in range(0, len(ordered), LOOKUP_BATCH):
        batch = " ".join(str(term) for term in ordered[start : start + LOOKUP_BATCH])
        query = template.format(
            terms=batch,
            type=RDF_TYPE.value,
            label=RDFS_LABEL.value,
            pref=SKOS_PREF_LABEL.value,
            scheme=SKOS_IN_SCHEME.value,
        )
        answer = store.query(QueryRequest(query, graph_format="nt"))
        found.extend(ox.parse(answer.read(), format=ox.RdfFormat.N_TRIPLES))
    return found


def _inferred_types(store: Store, triples: list[ox.Triple]) -> list[ox.Triple]:
    """``rdf:type`` triples for every superclass of every type given (the ontology's closure)."""
    closure = superclasses(store)
    return [
        ox.Triple(t.subject, RDF_TYPE, ox.NamedNode(super_class))
        for t in triples
        if t.predicate == RDF_TYPE and isinstance(t.object, ox.NamedNode)
        for super_class in closure.get(t.object.value, ())
    ]


_closures: dict[tuple[str, str, int], dict[str, frozenset[str]]] = {}


def superclasses(store: Store) -> dict[str, frozenset[str]]:
    """Every class of the ontology graph mapped to all its superclasses, read once per ontology version."""
    graph = ontology_graph(store.base)
    version = store.state.graph_versions({graph}).get(graph)
    key = (store.location, graph, version.generation if version else 0)
    if key not in _closures:
        direct: dict[str, set[str]] = {}
        for row in store.select(_SUBCLASSES.format(graph=graph)):
            direct.setdefault(row["class"].value, set()).add(row["super"].value)
        _closures.clear()
        _closures[key] = {c: frozenset(_ancestors(c, direct)) for c in direct}
    return _closures[key]


def _ancestors(start: str, direct: dict[str, set[str]]) -> set[str]:
    """Every class above ``start`` (a walk, not a property path: Virtuoso needs a bound start for ``+``).

    >>> sorted(_ancestors("a", {"a": {"b"}, "b": {"c", "a"}}))
    ['a', 'b', 'c']
    """
    found: set[str] = set()
    waiting = list(direct.get(start, ()))
    while waiting:
        current = waiting.pop()
        if current not in found:
            found.add(current)
            waiting.extend(direct.get(current, ()))
    return found
