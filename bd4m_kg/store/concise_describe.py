"""``DESCRIBE <iri> …`` answered by index lookups, without a reader process.

A harvester's most common query names the resources it wants and nothing else. Its answer, as
the engine gives it, is each resource's concise bounded description over the union of the
graphs: the triples with the resource as subject and, through every blank-node object, the
triples of that blank node, recursively. That is a handful of index lookups, bounded by the data,
running no user text: no killable process is needed, and the trip to one costs more than the
lookups themselves. Any other query (a WHERE clause, a prefix, a variable, a dataset of its own)
goes to the reader processes as before.
"""

from __future__ import annotations

import re
from typing import cast

import pyoxigraph as ox

from bd4m_kg.rdf.formats import RDF_FORMATS
from bd4m_kg.store import Answer, QueryRequest

_IRI = r"<[A-Za-z][A-Za-z0-9+.-]*:[^<>\"{}|^`\\\x00-\x20]*>"
_CONSTANT_DESCRIBE = re.compile(rf"\s*DESCRIBE((?:\s*{_IRI})+)\s*", re.IGNORECASE)


def described_iris(request: QueryRequest) -> list[str] | None:
    """The IRIs of a ``DESCRIBE <iri> …`` over the union of the graphs, or None for any other read.

    >>> described_iris(QueryRequest("describe <http://a/x> <http://a/y>"))
    ['http://a/x', 'http://a/y']
    >>> described_iris(QueryRequest("DESCRIBE <x>")) is None  # relative: the engine resolves it
    True
    >>> described_iris(QueryRequest("DESCRIBE ?s WHERE { ?s a <http://a/T> }")) is None
    True
    """
    if request.default_graphs is not None or request.named_graphs is not None or request.substitutions:
        return None
    matched = _CONSTANT_DESCRIBE.fullmatch(request.query)
    if matched is None:
        return None
    return [iri[1:-1] for iri in re.findall(_IRI, matched.group(1))]


def concise_description(quads: ox.Store, iris: list[str], most: int | None = None) -> list[ox.Triple]:
    """The concise bounded description of each IRI in the union of ``quads``' graphs, in one list.

    ``most``: stop once more triples than this were found (the caller cuts the answer there).
    """
    triples: dict[ox.Triple, None] = {}
    seen: set[ox.NamedNode | ox.BlankNode] = set()
    todo: list[ox.NamedNode | ox.BlankNode] = [ox.NamedNode(iri) for iri in iris]
    while todo and (most is None or len(triples) <= most):
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for quad in quads.quads_for_pattern(node, None, None, None):
            triple = quad.triple
            if triple not in triples:
                triples[triple] = None
                if isinstance(quad.object, ox.BlankNode):
                    todo.append(quad.object)
    return list(triples)


def describe_answer(quads: ox.Store, iris: list[str], request: QueryRequest) -> Answer:
    """The answer to ``DESCRIBE`` of ``iris`` in the request's RDF format, cut at its cap."""
    triples = concise_description(quads, iris, request.cap)
    truncated = request.cap is not None and len(triples) > request.cap
    chosen = RDF_FORMATS[request.graph_format]
    body = cast(bytes, ox.serialize(triples[: request.cap] if truncated else triples, format=chosen.format))
    return Answer("graph", chosen.media_type, iter([body] if body else []), truncated)
