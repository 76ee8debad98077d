"""Curation: a submission is kept, assessed against the live graph, then published whole or not at all.

``submit`` keeps the bytes in the inbox first, then reads and validates them. ``publish`` does, under
the writer lock: validate again against the live graph (422 when it does not conform), check that
no record it replaces changed since the version it was written against (409 with the diff), then
one :func:`~bd4m_kg.publishing.changes.apply_change` that replaces the record graphs and adds a provenance
graph (PROV-O activity, pseudonymous curator, time, submission checksum). A writer stopped
half-way is settled by :func:`reconcile`: the store says whether the publication got in.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib.compare import IsomorphicGraph, graph_diff, to_isomorphic

from bd4m_kg.curation.inbox import OPEN_STATES, Inbox, Submission, WrongState
from bd4m_kg.curation.problem_report import Located, as_json, locate_in
from bd4m_kg.curation.validation import ValidationReport
from bd4m_kg.curation.validation_context import validate_against
from bd4m_kg.publishing.changes import ChangeResult, apply_change, recover
from bd4m_kg.rdf.formats import (
    RDF_FORMATS,
    UnknownFormatError,
    rdf_format_for_media_type,
    rdf_format_for_path,
)
from bd4m_kg.rdf.iris import RECORD_KINDS, pseudonym_iri, publication_graph, publication_iri, record_path
from bd4m_kg.rdf.rdf_io import located_error, to_rdflib
from bd4m_kg.store import QueryRequest, Store, StoreError, WriteInterrupted
from bd4m_kg.store.staging import Staging, StagingError
from bd4m_kg.store.state import utc_now

SUBMISSION_BASE = "urn:bd4m:submission"  # relative IRIs of a submission resolve against this
SUBMISSION_FORMATS = {f.format: f for f in RDF_FORMATS.values() if not f.keeps_graphs}
RDF_FORMATS_BY_TYPE = {f.media_type: f.extension for f in RDF_FORMATS.values()}
PROV = "http://www.w3.org/ns/prov#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
DCTERMS = "http://purl.org/dc/terms/"
XSD_DATETIME = ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")


class SubmissionError(ValueError):
    """A submission that cannot be read as records of the directory; the message says why and where."""


class NotConforming(ValueError):
    """A submission that does not conform to the shapes; nothing was published."""

    def __init__(self, assessment: Assessment) -> None:
        super().__init__("the submission does not conform to the shapes: correct it and submit it again")
        self.assessment = assessment


class Conflict(ValueError):
    """A record the submission replaces changed after the version it was written against."""

    def __init__(self, changed: dict[str, dict[str, int]], diff: dict[str, dict[str, list[str]]]) -> None:
        names = ", ".join(sorted(changed))
        super().__init__(f"{names} changed after the version this submission was written against")
        self.changed, self.diff = changed, diff


@dataclass
class Assessment:
    """A submission's validation: the records it replaces and the report, or why it is unreadable."""

    conforms: bool
    graphs: list[str] = field(default_factory=list)
    report: ValidationReport | None = None
    located: list[Located] = field(default_factory=list)
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON data: conforms, the records, every problem with its line, or the error."""
        if self.error is not None:
            return {"conforms": False, "error": self.error, "records": self.graphs, "problems": []}
        return {**json.loads(as_json(self.conforms, self.located)), "records": self.graphs}


def read_submission(body: bytes, media_type: str, name: str, base: str) -> Staging:
    """The submission parsed by pyoxigraph (no remote context, no entity), each triple in its record's graph.

    Only the records of :data:`RECORD_KINDS` may be submitted; IRIs under the canonical base are
    rewritten to the store's.
    """
    found = rdf_format_for_media_type(media_type)
    if found is None or found.format not in SUBMISSION_FORMATS:
        offered = ", ".join(f.media_type for f in SUBMISSION_FORMATS.values())
        raise SubmissionError(f"send the records as one of {offered}, not {media_type or 'no media type'}")
    staging = Staging(base)
    try:
        staging.scratch.load(input=body, format=found.format, base_iri=SUBMISSION_BASE)
        staging.refuse_rdf12(name)
        staging.rebase()
        staging.place_records()
    except SyntaxError as error:
        raise SubmissionError(f"{name} is not valid {found.name}: {located_error(error, body)}") from error
    except StagingError as error:
        raise SubmissionError(str(error)) from error
    foreign = [g for g in staging.graphs() if not _submittable(g, base)]
    if foreign:
        kinds = ", ".join(RECORD_KINDS)
        raise SubmissionError(f"only records ({kinds}) can be submitted, not {', '.join(foreign)}")
    if not staging.graphs():
        raise SubmissionError(f"{name} holds no triples")
    return staging


def readable_type(media_type: str) -> bool:
    """Whether submissions of this media type can be read (Turtle, N-Triples, RDF/XML, JSON-LD)."""
    found = rdf_format_for_media_type(media_type)
    return found is not None and found.format in SUBMISSION_FORMATS


def media_type_of(filename: str) -> str | None:
    """The media type a submission's file name implies (``x.ttl`` → Turtle), if any."""
    try:
        found = rdf_format_for_path(Path(filename))
    except UnknownFormatError:
        return None
    return found.media_type if found.format in SUBMISSION_FORMATS else None


def _submittable(graph: str, base: str) -> bool:
    return record_path(graph, base) is not None


def assess(store: Store, body: bytes, media_type: str, name: str) -> Assessment:
    """Read and validate a submission against the shapes and the relevant part of the live graph."""
    try:
        staging = read_submission(body, media_type, name, store.base)
    except SubmissionError as error:
        return Assessment(False, error=str(error))
    with staging:
        return _assess_read(store, staging, body, media_type, name)


def _assess_read(store: Store, staging: Staging, body: bytes, media_type: str, name: str) -> Assessment:
    """Validate a submission already read into ``staging``."""
    report = validate_against(store, [quad.triple for quad in staging.scratch])
    extension = RDF_FORMATS_BY_TYPE[_essence(media_type)]
    text = body.decode("utf-8", errors="replace")
    located = locate_in(report, {name: (text, f".{extension}", SUBMISSION_BASE)})
    return Assessment(report.conforms, staging.graphs(), report, located)


def _essence(media_type: str) -> str:
    found = rdf_format_for_media_type(media_type)
    return found.media_type if found else media_type


def submit(store: Store, inbox: Inbox, body: bytes, media_type: str, submitter: str, filename: str) -> int:
    """Keep a submission in the inbox, then read and assess it; its id (the report is in the inbox).

    The versions of the records it replaces are noted before it is validated. When the store does
    not answer, the submission stays ``received`` with a report that says so; publishing
    validates it again anyway.
    """
    number = inbox.receive(body, media_type, submitter, filename)
    try:
        staging = read_submission(body, media_type, filename, store.base)
    except SubmissionError as error:
        inbox.assessed(number, "invalid", Assessment(False, error=str(error)).as_dict(), {})
        return number
    with staging:
        versions = store.state.graph_versions(set(staging.graphs()))
        based_on = {g: versions[g].generation if g in versions else 0 for g in staging.graphs()}
        inbox.assessed(number, "received", None, based_on)
        try:
            assessment = _assess_read(store, staging, body, media_type, filename)
        except (StoreError, TimeoutError) as error:
            report = {"conforms": False, "error": f"not validated yet: {error}", "records": staging.graphs()}
            inbox.assessed(number, "received", report, None)
            return number
    inbox.assessed(number, "valid" if assessment.conforms else "invalid", assessment.as_dict(), None)
    return number


def diff(store: Store, staging: Staging) -> dict[str, dict[str, list[str]]]:
    """Per record graph: the triples the submission removes from and adds to the live record (N-Triples)."""
    changes = {}
    for graph in staging.graphs():
        quads = staging.scratch.quads_for_pattern(None, None, None, ox.NamedNode(graph))
        changes[graph] = triples_diff(graph_triples(store, graph), [q.triple for q in quads])
    return changes


def triples_diff(old: list[ox.Triple], new: list[ox.Triple]) -> dict[str, list[str]]:
    """The triples removed from ``old`` and added in ``new`` (as N-Triples, blank nodes canonical)."""
    return canonical_diff(canonical(old), canonical(new))


def canonical(triples: list[ox.Triple]) -> IsomorphicGraph:
    """Triples as a graph with canonical blank nodes, ready to be compared with :func:`canonical_diff`."""
    return to_isomorphic(to_rdflib(triples))


def canonical_diff(old: IsomorphicGraph, new: IsomorphicGraph) -> dict[str, list[str]]:
    """The triples removed from ``old`` and added in ``new``, as N-Triples lines."""
    _, removed, added = graph_diff(old, new)
    return {"removed": _lines(removed), "added": _lines(added)}


def graph_triples(store: Store, graph: str) -> list[ox.Triple]:
    """The live triples of one graph."""
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {ox.NamedNode(graph)} {{ ?s ?p ?o }} }}"
    answer = store.query(QueryRequest(query, graph_format="nt"))
    return list(ox.parse(answer.read(), format=ox.RdfFormat.N_TRIPLES))


def _lines(graph: Any) -> list[str]:
    return sorted(f"{s.n3()} {p.n3()} {o.n3()} ." for s, p, o in graph)


def changed_since(store: Store, based_on: dict[str, int]) -> dict[str, dict[str, int]]:
    """The records whose live version is not the one the submission was written against."""
    live = store.state.graph_versions(set(based_on))
    now = {g: live[g].generation if g in live else 0 for g in based_on}
    return {g: {"based_on": based_on[g], "live": now[g]} for g in based_on if now[g] != based_on[g]}


def publish(
    store: Store, inbox: Inbox, number: int, curator: str, summary: str | None = None
) -> ChangeResult:
    """Publish submission ``number`` as one change with its provenance; see the module's description.

    ``summary`` says what the change is in the change log (default: the publication of the submission).
    A write whose outcome is unknown (:class:`WriteInterrupted`) leaves the submission
    ``publishing`` until the next writer finishes the change and :func:`reconcile` settles it.
    """
    with store.state.writer_lock():
        reconcile(store, inbox)
        submission = inbox.get(number)
        if submission.state not in OPEN_STATES:
            raise WrongState(f"submission {number} is {submission.state}: it cannot be published")
        if submission.based_on is None:
            raise WrongState(f"submission {number} was never read: ask for it to be submitted again")
        body = inbox.body(number)
        with read_submission(body, submission.media_type, submission.filename, store.base) as staging:
            assessment = _assess_read(store, staging, body, submission.media_type, submission.filename)
            inbox.assessed(number, "valid" if assessment.conforms else "invalid", assessment.as_dict(), None)
            if not assessment.conforms:
                raise NotConforming(assessment)
            changed = changed_since(store, submission.based_on)
            if changed:
                raise Conflict(changed, diff(store, staging))
            staging.scratch.extend(provenance(store, submission, curator, staging.graphs()))
            inbox.move(number, "publishing", OPEN_STATES, decided_by=curator)
            try:
                actor = curator_iri(store, curator)
                result = apply_change(
                    store, staging, actor, f"{summary or 'publication'} (submission {number})"
                )
            except WriteInterrupted:
                raise
            except BaseException:
                reconcile(store, inbox)
                raise
        inbox.move(number, "published", ("publishing",), generation=result.generation)
    return result


def reject(inbox: Inbox, number: int, curator: str, reason: str) -> Submission:
    """Reject a submission that was not published, with a reason the submitter reads."""
    return inbox.move(number, "rejected", OPEN_STATES, decided_by=curator, reason=reason)


def reconcile(store: Store, inbox: Inbox) -> None:
    """Settle submissions a stopped writer left publishing: published if the store has them, else valid.

    Call under the writer lock. A change left pending is finished (or undone) first; while it
    cannot be, nothing is settled.
    """
    recover(store)
    if store.state.pending() is not None:
        return
    for submission in inbox.list(state="publishing"):
        graph = publication_graph(store.base, submission.id)
        version = store.state.graph_versions({graph}).get(graph)
        found = f"SELECT ?s WHERE {{ GRAPH {ox.NamedNode(graph)} {{ ?s ?p ?o }} }} LIMIT 1"
        if version is not None and store.select(found):
            inbox.move(submission.id, "published", ("publishing",), generation=version.generation)
        else:
            inbox.move(submission.id, "valid", ("publishing",))


def provenance(store: Store, submission: Submission, curator: str, records: list[str]) -> list[ox.Quad]:
    """PROV-O of publishing ``submission``: activity, curator, time, checksum, record graphs."""
    base = store.base
    graph = ox.NamedNode(publication_graph(base, submission.id))
    activity = ox.NamedNode(publication_iri(base, submission.id))
    used = ox.NamedNode(f"{activity.value}#submission")
    agent = ox.NamedNode(curator_iri(store, curator))

    def prov(name: str) -> ox.NamedNode:
        return ox.NamedNode(PROV + name)

    triples: list[tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal]] = [
        (activity, RDF_TYPE, prov("Activity")),
        (activity, RDFS_LABEL, ox.Literal(f"Publication of submission {submission.id}", language="en")),
        (activity, prov("wasAssociatedWith"), agent),
        (activity, prov("endedAtTime"), ox.Literal(utc_now(), datatype=XSD_DATETIME)),
        (activity, prov("used"), used),
        (used, RDF_TYPE, prov("Entity")),
        (used, ox.NamedNode(f"{DCTERMS}identifier"), ox.Literal(f"sha256:{submission.checksum}")),
        (used, prov("generatedAtTime"), ox.Literal(submission.received, datatype=XSD_DATETIME)),
        (agent, RDF_TYPE, prov("Agent")),
    ]
    triples += [(ox.NamedNode(record), prov("wasGeneratedBy"), activity) for record in records]
    return [ox.Quad(s, p, o, graph) for s, p, o in triples]


def curator_iri(store: Store, name: str) -> str:
    """A stable pseudonymous IRI for a curator: a keyed hash of the name, the key kept beside the store."""
    key = store.state.get("pseudonym_key")
    if key is None:
        store.state.put("pseudonym_key", secrets.token_hex(32))
        key = store.state.get("pseudonym_key") or ""
    digest = hmac.new(key.encode(), name.encode("utf-8"), hashlib.sha256).hexdigest()[:16]
    if store.state.get(f"curator:{digest}") is None:
        store.state.put(f"curator:{digest}", name)  # beside the store, for curators' eyes only
    return pseudonym_iri(store.base, digest)


def curator_name(store: Store, iri: str) -> str | None:
    """The name behind a curator's pseudonymous IRI (None when unknown); never shown to the public."""
    return store.state.get(f"curator:{iri.rsplit('/', 1)[-1]}")
