"""A record's history, and the curator's ways back: rollback and retirement.

The history lists every version: when, which change, which submission, what changed. A curator
can roll a record back to an old version, or retire it (410), perhaps into another record (301).

Old versions live beside the store, never in it: the change feed keeps each version's content
once a later change replaces it (``feed_members`` in ``state.sqlite``); the current version is
read from the store. A rollback or a retirement is a submission the curator writes and publishes
at once, so it is validated, carries provenance and shows in the inbox like any other.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from bd4m_kg.curation.inbox import Inbox
from bd4m_kg.curation.submissions import (
    canonical,
    canonical_diff,
    graph_triples,
    publish,
    submit,
    triples_diff,
)
from bd4m_kg.publishing import feed_log
from bd4m_kg.publishing.changes import ChangeResult
from bd4m_kg.publishing.feed_log import FeedMember
from bd4m_kg.rdf.iris import is_curator, member_iri, record_graph
from bd4m_kg.store import Store

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
OWL_DEPRECATED = ox.NamedNode("http://www.w3.org/2002/07/owl#deprecated")
REPLACED_BY = ox.NamedNode("http://purl.org/dc/terms/isReplacedBy")
HISTORY_NOTE = ox.NamedNode("http://www.w3.org/2004/02/skos/core#historyNote")
PROV_ENTITY = ox.NamedNode("http://www.w3.org/ns/prov#Entity")
DELETE = ox.NamedNode("https://www.w3.org/ns/activitystreams#Delete")
IS_VERSION_OF = ox.NamedNode("http://purl.org/dc/terms/isVersionOf")
DESCRIPTION = ox.NamedNode("http://purl.org/dc/terms/description")
GENERATED_AT = ox.NamedNode("http://www.w3.org/ns/prov#generatedAtTime")
ATTRIBUTED_TO = ox.NamedNode("http://www.w3.org/ns/prov#wasAttributedTo")
REVISION_OF = ox.NamedNode("http://www.w3.org/ns/prov#wasRevisionOf")
XSD_DATETIME = ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")
TRUE = ox.Literal("true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))


class NoSuchRecord(LookupError):
    """A record, or a version of it, that does not exist."""


class Refused(ValueError):
    """A rollback or retirement that would not make sense (the message says why); nothing changed."""


@dataclass(frozen=True)
class Version:
    """One version of a record graph (or its deletion) and how it differs from the one before."""

    generation: int
    time: str
    deleted: bool
    summary: str
    curator: str | None  # the pseudonymous IRI of the curator who published it
    submission: int | None  # the submission it published
    removed: list[str]
    added: list[str]


def record_history(store: Store, inbox: Inbox, graph: str) -> list[Version]:
    """Every version of ``graph``, newest first; empty when the graph never existed."""
    members = feed_log.graph_members(store.state, graph)
    submissions = inbox.published_by([m.generation for m in members])
    changes = {c.generation: c for c in store.state.changes_of([m.generation for m in members])}
    versions, before = [], canonical([])
    for member in members:
        triples = canonical(member_triples(store, member))
        change = changes.get(member.generation)
        actor = change.actor if change else ""
        versions.append(
            Version(
                generation=member.generation,
                time=member.time,
                deleted=member.deleted,
                summary=change.summary if change else "",
                curator=actor if is_curator(actor, store.base) else None,
                submission=submissions.get(member.generation),
                **canonical_diff(before, triples),
            )
        )
        before = triples
    return versions[::-1]


def history_triples(base: str, topic: str, graph: str, versions: list[Version]) -> list[ox.Triple]:
    """The versions as RDF: each one the change feed's member IRI, with its record, time and change.

    >>> v = Version(3, "2026-01-02T00:00:00Z", False, "load", None, None, [], [])
    >>> [t.predicate.value.rsplit("/", 1)[1] for t in history_triples("https://b/", "https://b/id/p/x",
    ...                                                                 "https://b/graph/p/x", [v])]
    ['22-rdf-syntax-ns#type', 'isVersionOf', 'prov#generatedAtTime', 'description']
    """
    triples, record = [], ox.NamedNode(topic)
    iris = [ox.NamedNode(member_iri(base, v.generation, graph)) for v in versions]
    for index, (version, iri) in enumerate(zip(versions, iris, strict=True)):
        kind = DELETE if version.deleted else PROV_ENTITY
        triples += [
            ox.Triple(iri, RDF_TYPE, kind),
            ox.Triple(iri, IS_VERSION_OF, record),
            ox.Triple(iri, GENERATED_AT, ox.Literal(version.time, datatype=XSD_DATETIME)),
            ox.Triple(iri, DESCRIPTION, ox.Literal(version.summary)),
        ]
        if version.curator:
            triples.append(ox.Triple(iri, ATTRIBUTED_TO, ox.NamedNode(version.curator)))
        if index + 1 < len(iris):  # newest first: the next one is the version before
            triples.append(ox.Triple(iri, REVISION_OF, iris[index + 1]))
    return triples


def member_at(store: Store, graph: str, generation: int) -> FeedMember | None:
    """The feed member of ``graph`` made at ``generation`` exactly (None: that change did not touch it)."""
    return next((m for m in feed_log.graph_members(store.state, graph) if m.generation == generation), None)


def version_triples(store: Store, graph: str, generation: int) -> list[ox.Triple] | None:
    """The content of ``graph`` as it was at ``generation``; None if it did not exist then."""
    members = [m for m in feed_log.graph_members(store.state, graph) if m.generation <= generation]
    if not members or members[-1].deleted:
        return None
    return member_triples(store, members[-1])


def member_triples(store: Store, member: FeedMember) -> list[ox.Triple]:
    """The content of a version (empty for a deletion)."""
    if member.deleted:
        return []
    if member.content is None:  # still the current version: the store holds it
        return graph_triples(store, member.graph)
    return [q.triple for q in ox.parse(member.content, format=ox.RdfFormat.N_QUADS)]


def rollback(
    store: Store, inbox: Inbox, graph: str, generation: int, curator: str
) -> tuple[int, ChangeResult]:
    """Publish the version ``graph`` had at ``generation`` again, as a new change; (submission, result)."""
    with store.state.writer_lock():
        if not 0 < generation <= store.generation:
            raise NoSuchRecord(f"there is no generation {generation}: the store is at {store.generation}")
        old = version_triples(store, graph, generation)
        if old is None:
            raise NoSuchRecord(f"{graph} had no version at generation {generation}")
        if triples_diff(graph_triples(store, graph), old) == {"removed": [], "added": []}:
            raise Refused(f"the live version of {graph} is already the one of generation {generation}")
        return _publish_own(store, inbox, curator, old, f"rollback of {graph} to generation {generation}")


def retire(
    store: Store, inbox: Inbox, topic: str, curator: str, reason: str, replaced_by: str | None = None
) -> tuple[int, ChangeResult]:
    """Retire a record: its graph keeps only a tombstone (name, reason, replacement); (submission, result).

    Its IRI then answers 410 Gone, or 301 to ``replaced_by`` (a merge into that record).
    """
    graph = record_graph(topic, store.base)
    subject = ox.NamedNode(topic)
    with store.state.writer_lock():
        live = graph_triples(store, graph) if graph else []
        if not any(t.subject == subject for t in live):
            raise NoSuchRecord(f"there is no record {topic}")
        if any(t.subject == subject and t.predicate == OWL_DEPRECATED for t in live):
            raise Refused(f"{topic} is already retired")
        tombstone = [t for t in live if t.subject == subject and t.predicate == RDFS_LABEL]
        tombstone += [
            ox.Triple(subject, OWL_DEPRECATED, TRUE),
            ox.Triple(subject, HISTORY_NOTE, ox.Literal(reason, language="en")),
        ]
        if replaced_by is not None:
            _check_replacement(store, topic, replaced_by)
            tombstone.append(ox.Triple(subject, REPLACED_BY, ox.NamedNode(replaced_by)))
        return _publish_own(store, inbox, curator, tombstone, f"retirement of {topic}")


def _check_replacement(store: Store, topic: str, replaced_by: str) -> None:
    """A record may only be merged into another live record (typed, not retired)."""
    if replaced_by == topic or record_graph(replaced_by, store.base) is None:
        raise Refused(f"{replaced_by} is not another record of the directory")
    target = ox.NamedNode(replaced_by)
    retired = f"OPTIONAL {{ {target} {OWL_DEPRECATED} ?retired }}"
    rows = store.select(f"SELECT ?type ?retired WHERE {{ {target} a ?type {retired} }}")
    if not rows or any("retired" in row for row in rows):
        raise Refused(f"{replaced_by} is not a live record: merge into a record that exists")


def _publish_own(
    store: Store, inbox: Inbox, curator: str, triples: list[ox.Triple], what: str
) -> tuple[int, ChangeResult]:
    """Submit triples a curator wrote and publish them at once (call under the writer lock)."""
    body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    number = submit(store, inbox, body, "application/n-triples", curator, what)
    return number, publish(store, inbox, number, curator, summary=what)
