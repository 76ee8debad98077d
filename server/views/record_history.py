"""A record's history and the curators' ways back.

Everyone reads ``/doc/<kind>/<slug>/history``; curators ``POST /curate/records/<kind>/<slug>/rollback``
and ``…/retire``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pyoxigraph as ox
from flask import Blueprint, Flask, Response, jsonify, render_template, request

from bd4m_kg.curation import history
from bd4m_kg.curation.memento import http_date, memento_links, mementos, record_of, timemap
from bd4m_kg.curation.submissions import NotConforming, curator_name
from bd4m_kg.curation.tokens import Token
from bd4m_kg.publishing.changes import ChangeResult
from bd4m_kg.rdf.formats import RDF_FORMATS
from bd4m_kg.rdf.iris import document_of, record_graph, thing_iri
from bd4m_kg.rdf.namespaces import PREFIXES
from bd4m_kg.rdf.negotiation import GRAPH_OFFERS, HTML_OFFER, JSON_OFFER
from bd4m_kg.server.http.auth import needs, token_if_sent
from bd4m_kg.server.http.errors import ApiError, payload
from bd4m_kg.server.http.listings import CSV_OFFER, Listing, listing_offer, listing_response
from bd4m_kg.server.http.negotiation import negotiate_offer
from bd4m_kg.server.http.rdf_pages import rdf_answer
from bd4m_kg.server.middleware.metrics import PUBLICATIONS
from bd4m_kg.server.middleware.response_cache import cacheable
from bd4m_kg.server.middleware.store import get_inbox, get_store
from bd4m_kg.store import Store

record_history = Blueprint("record_history", __name__)
HISTORY_OFFERS = (JSON_OFFER, CSV_OFFER, *GRAPH_OFFERS, HTML_OFFER)
VERSION_COLUMNS = ("generation", "time", "deleted", "summary", "curator", "submission", "removed", "added")
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


@record_history.get("/doc/<kind>/<slug>/history")
@record_history.get("/doc/<kind>/<slug>/history.<any(json, csv):extension>")
def show(kind: str, slug: str, extension: str | None = None) -> Response:
    """Every version of a record, newest first: when, which change and submission, what changed.

    As a page, as RDF, or as data (``history.json``, ``history.csv``).

    ---
    get:
      parameters:
      - name: format
        in: query
        description: json, csv, an RDF format or html; wins over Accept (an extension in the path wins
          over both)
        schema:
          type: string
          enum: [json, csv, ttl, nt, nq, trig, rdf, jsonld, html]
      responses: {200: History, 304: NotModified, 404: NotFound, 406: NotAcceptable}
    """
    store = get_store()
    topic, graph = _record(kind, slug)
    versions = history.record_history(store, get_inbox(), graph)
    if not versions:
        raise ApiError(404, f"there is no record {kind}/{slug}")
    offer = listing_offer(extension) if extension else negotiate_offer(HISTORY_OFFERS)
    if offer.short in ("json", "csv"):
        rows = [_for_reader(store, v) for v in versions]
        found = Listing("versions", VERSION_COLUMNS, rows, len(rows), extra={"record": topic, "graph": graph})
        answer = listing_response(found, offer)
    elif offer.short in RDF_FORMATS:
        triples = history.history_triples(store.base, topic, graph, versions)
        body = ox.serialize(triples, format=RDF_FORMATS[offer.short].format, prefixes=PREFIXES)
        answer = Response(body, content_type=offer.content_type)
    else:
        labels = store.select(
            f"SELECT ?label WHERE {{ {ox.NamedNode(topic)} <{RDFS_LABEL}> ?label }} LIMIT 1"
        )
        title = labels[0]["label"].value if labels else f"{kind}/{slug}"
        page = render_template("history.html", title=title, kind=kind, slug=slug, versions=versions)
        answer = Response(page, content_type="text/html; charset=utf-8")
    answer.headers["Vary"] = "Accept"
    return cacheable(answer)


def _for_reader(store: Store, version: history.Version) -> dict[str, object]:
    """A version as JSON: with a curator's token, also the name behind the curator's pseudonym."""
    shown: dict[str, object] = dict(version.__dict__)
    token = token_if_sent()
    if version.curator and token is not None and token.allows("curator"):
        shown["curator_name"] = curator_name(store, version.curator)
    return shown


@record_history.get("/version/<int:generation>/<path:rest>")
def version(generation: int, rest: str) -> Response:
    """A version IRI of the change feed: the graph's content as that change left it.

    ---
    get:
      parameters: [format_document]
      responses: {200: Document, 304: NotModified, 404: NotFound, 406: NotAcceptable, 410: Gone}
    """
    store = get_store()
    found = document_of(f"graph/{rest}", store.base)
    member = history.member_at(store, found.topic, generation) if found else None
    if found is None or member is None:
        raise ApiError(404, f"no change at generation {generation} touched graph/{rest}; see its history")
    if member.deleted:
        raise ApiError(410, f"the change of generation {generation} deleted graph/{rest}")
    about = f"graph/{rest} as the change of generation {generation} ({member.time}) left it."
    triples = history.member_triples(store, member)
    title = f"Version {generation} of {rest}"
    answer = rdf_answer(triples, GRAPH_OFFERS, title, about, PREFIXES)
    if record := record_of(thing_iri(store.base, rest), store.base):  # a memento of the record
        answer.headers["Memento-Datetime"] = http_date(datetime.fromisoformat(member.time))
        answer.headers.add("Link", memento_links(record))
    return cacheable(answer)


@record_history.get("/timemap/<kind>/<slug>")
def time_map(kind: str, slug: str) -> Response:
    """The Memento TimeMap of a record: its original document, TimeGate and every version, dated.

    ---
    get:
      responses:
        200:
          description: the TimeMap (RFC 7089)
          content: {application/link-format: {schema: {type: string}}}
        304: NotModified
        404: NotFound
    """
    store = get_store()
    record = record_of(thing_iri(store.base, f"{kind}/{slug}"), store.base)
    versions = mementos(store, record) if record else []
    if record is None or not versions:
        raise ApiError(404, f"there is no record {kind}/{slug}")
    body = timemap(record, versions, request.host_url.rstrip("/"))
    return cacheable(Response(body, content_type="application/link-format"))


@record_history.post("/curate/records/<kind>/<slug>/rollback")
@needs("curator")
def rollback(kind: str, slug: str, token: Token) -> Response:
    """Publish an old version of a record again (curator): ``{"generation": N}``.

    ---
    post:
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [generation]
              properties:
                generation: {type: integer, minimum: 0}
          application/x-www-form-urlencoded:
            schema:
              type: object
              required: [generation]
              properties:
                generation: {type: string, pattern: '^[0-9]+$'}
      responses: {200: Changed, 400: BadRequest, 404: NotFound, 409: Conflict, 422: Unprocessable}
    """
    generation = _generation(payload().get("generation"))
    _, graph = _record(kind, slug)
    return _published(lambda: history.rollback(get_store(), get_inbox(), graph, generation, token.name))


def _generation(value: object) -> int:
    """A generation number from JSON or a form field, or a 400 that says what to send."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    raise ApiError(400, 'say which version to go back to: {"generation": N} (see the record\'s history)')


@record_history.post("/curate/records/<kind>/<slug>/retire")
@needs("curator")
def retire(kind: str, slug: str, token: Token) -> Response:
    """Retire a record (curator): ``{"reason": …, "replaced_by": IRI}``; it then answers 410, or 301.

    ---
    post:
      requestBody:
        required: true
        content:
          application/json:
            schema: &retire
              type: object
              required: [reason]
              properties:
                reason: {type: string, description: why; the record's readers see it}
                replaced_by: {type: string, description: the IRI of the record it was merged into (301 to it)}
          application/x-www-form-urlencoded:
            schema: *retire
      responses: {200: Changed, 400: BadRequest, 404: NotFound, 409: Conflict, 422: Unprocessable}
    """
    fields = payload()
    reason = str(fields.get("reason", "")).strip()
    if not reason:
        raise ApiError(400, "say why the record is retired: send a reason")
    replaced_by = fields.get("replaced_by") or None
    if replaced_by is not None and not _is_iri(replaced_by):
        raise ApiError(400, "replaced_by must be the IRI of the record it was merged into")
    topic, _ = _record(kind, slug)
    return _published(
        lambda: history.retire(get_store(), get_inbox(), topic, token.name, reason, replaced_by)
    )


def _record(kind: str, slug: str) -> tuple[str, str]:
    """The record's IRI and graph, or 404 for a path that names no record."""
    base = get_store().base
    topic = thing_iri(base, f"{kind}/{slug}")
    graph = record_graph(topic, base)
    try:
        ox.NamedNode(topic)
    except ValueError:
        graph = None
    if graph is None:
        raise ApiError(404, f"there is no record {kind}/{slug}")
    return topic, graph


def _is_iri(value: object) -> bool:
    try:
        ox.NamedNode(str(value))
    except ValueError:
        return False
    return isinstance(value, str)


def _published(change: Callable[[], tuple[int, ChangeResult]]) -> Response:
    """Run a curator's change; its submission and generation, or the error that explains the refusal."""
    try:
        number, result = change()
    except NotConforming:
        PUBLICATIONS.labels("not-conforming").inc()
        raise
    PUBLICATIONS.labels("published").inc()
    return jsonify(ok=True, submission=number, generation=result.generation, records=list(result.replaced))


def init_app(app: Flask) -> None:
    """Register the history pages and the rollback and retire endpoints."""
    app.register_blueprint(record_history)
