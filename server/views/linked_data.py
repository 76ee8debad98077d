"""Linked data: every IRI of the graph answers on the web.

``/id/…`` and ``/vocab/…`` name things: 303 See Other to their document ``/doc/…``. Documents
(``/doc/…``, ``/ontology``, ``/graph/…``) answer by ``?format=``, extension or ``Accept``: RDF for
machines, a page for people. ``Link`` headers point to every alternate; the ETag comes from the
format and the version of every graph the document was built from, ``Last-Modified`` from the
latest of them. A retired record answers 410 Gone, or 301 to the record that replaced it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Blueprint, Flask, Response, jsonify, redirect, render_template, request
from werkzeug.http import http_date, parse_date

from bd4m_kg.curation.memento import Record, memento_at, memento_links, mementos, record_of
from bd4m_kg.linked_data.documents import about_document, document_etag, last_modified, serialize_document
from bd4m_kg.linked_data.profiles import (
    ALT,
    SCHEMA,
    Profile,
    alternates_graph,
    choose_profile,
    document_profiles,
    in_schema_org,
)
from bd4m_kg.linked_data.record_view import record_page
from bd4m_kg.linked_data.resolution import (
    NotKnown,
    Resolved,
    Retired,
    alternates,
    document_for_thing,
    find_document,
    read_document,
)
from bd4m_kg.linked_data.resolution import history_href as history_href_of
from bd4m_kg.rdf.formats import RDF_FORMATS
from bd4m_kg.rdf.iris import (
    Document,
    described_at,
    split_extension,
)
from bd4m_kg.rdf.negotiation import (
    DOCUMENT_OFFERS,
    GRAPH_OFFERS,
    HTML_OFFER,
    JSON_OFFER,
    NotAcceptable,
    Offer,
    negotiate,
)
from bd4m_kg.server.http.answers import request_deadline
from bd4m_kg.server.http.errors import ApiError, http_error
from bd4m_kg.server.http.negotiation import negotiate_offer
from bd4m_kg.server.middleware.cors import public_read_headers
from bd4m_kg.server.middleware.metrics import LATENCY, REQUESTS
from bd4m_kg.server.middleware.response_cache import MARK, WSGIApp, cacheable, etag_matches
from bd4m_kg.server.middleware.security_headers import HEADERS
from bd4m_kg.server.middleware.store import EXTENSION as STORE
from bd4m_kg.server.middleware.store import get_store
from bd4m_kg.store import QueryTimeout, Store, StoreError

linked_data = Blueprint("linked_data", __name__)


@linked_data.get("/id/<path:rest>")
@linked_data.get("/vocab/<path:rest>", defaults={"top": "vocab"})
def thing(rest: str, top: str = "id") -> Response:
    """A thing is not a document: 303 See Other to the document about it (404 when unknown).

    ---
    get:
      responses: {303: SeeOther, 404: NotFound}
    """
    path, extension = split_extension(f"{top}/{rest}")
    document = document_for_thing(get_store(), path)
    target = f"/{document}" + (f".{extension}" if extension else "")
    if request.query_string:
        target += "?" + request.query_string.decode()
    response = redirect(target, code=303)
    response.headers["Vary"] = "Accept"
    return response


@linked_data.get("/dataset")
@linked_data.get("/dataset/<name>")
@linked_data.get("/sparql-service")
@linked_data.get("/ontology/<version>")
def described_elsewhere(**_: str) -> Response:
    """The dataset, its distributions, the SPARQL service, an ontology version: 303 to their description.

    ---
    get:
      responses: {303: SeeOther, 404: NotFound}
    """
    target = described_at(request.path.strip("/"))
    if target is None:
        raise ApiError(404, f"nothing is known as {request.path}; the home page links to every record")
    response = redirect(target, code=303)
    response.headers["Vary"] = "Accept"
    return response


@linked_data.get("/doc/<path:rest>")
@linked_data.get("/graph/<path:rest>", defaults={"top": "graph"})
@linked_data.get("/ontology", defaults={"rest": "", "top": "ontology"})
@linked_data.get("/ontology.<extension>", defaults={"rest": "", "top": "ontology"})
@linked_data.get("/shapes", defaults={"rest": "", "top": "shapes"})
@linked_data.get("/shapes.<extension>", defaults={"rest": "", "top": "shapes"})
def document(rest: str, top: str = "doc", extension: str | None = None) -> Response:
    """A document about one thing, in the format asked for by extension, ``?format=`` or ``Accept``.

    ---
    get:
      parameters:
      - format_document
      - name: _mediatype
        in: query
        description: the format as a media type (dx-prof-conneg)
        schema: {type: string}
      - name: _profile
        in: query
        description: a profile token or URI; alt lists every profile and format
        schema: {type: string}
      - name: Accept-Profile
        in: header
        description: the profiles wanted
        as URIs in angle brackets (dx-prof-conneg): null
        schema: {type: string}
      - accept_datetime
      - timeout
      responses: {200: Document, 301: MovedPermanently, 302: Found, 304: NotModified, 400: BadRequest,
        404: NotFound, 406: NotAcceptable, 410: Gone}
    """
    path, extension = split_extension(f"{top}/{rest}".rstrip("/") + (f".{extension}" if extension else ""))
    store = get_store()
    found = find_document(store, path)
    offer = _offer(extension)
    if "Accept-Datetime" in request.headers and (record := record_of(found.topic, store.base)):
        return time_gate(store, record, request.headers["Accept-Datetime"], extension)
    offered = document_profiles(store.base)
    if request.args.get("_profile") == ALT:
        return cacheable(profile_alternates(found, offered))
    profile = choose_profile(offered, request.headers.get("Accept-Profile"), request.args.get("_profile"))
    try:
        resolved = read_document(store, found, request_deadline())
    except QueryTimeout as error:
        raise http_error(error, f"describing {found.topic} took too long; try again") from error
    if resolved.moved_to is not None:
        moved = redirect(resolved.moved_to, code=301)
        moved.headers["Vary"] = "Accept"
        return moved
    if offer.short == "html":
        page = record_page(resolved.description, store.base)
        history_href = history_href_of(found.topic, store.base)
        body = render_template(
            "record.html", page=page, alternates=alternates(found), history_href=history_href
        ).encode()
    else:
        body = rdf_body(store, resolved, offer, profile)
    response = Response(body, content_type=offer.content_type)
    response.headers.extend(document_headers(resolved, offer, store.base, profile))
    return cacheable(response)


def profile_alternates(found: Document, offered: Sequence[Profile]) -> Response:
    """``?_profile=alt``: every profile and format the document is offered in.

    As JSON, as RDF (W3C's ALTR vocabulary) or as a page.
    """
    representations = [
        (profile, href if profile is offered[0] else f"{href}?_profile={profile.token}", media_type)
        for profile in offered
        for href, media_type, _ in alternates(found)
        if profile is offered[0] or media_type != "text/html"  # the page shows our model
    ]
    offer = negotiate_offer((JSON_OFFER, *GRAPH_OFFERS, HTML_OFFER))
    if offer.short in RDF_FORMATS:
        triples = alternates_graph(request.host_url.rstrip("/"), f"/{found.path}", representations)
        return Response(
            ox.serialize(triples, format=RDF_FORMATS[offer.short].format), content_type=offer.content_type
        )
    listing = {
        "document": f"/{found.path}",
        "default_profile": offered[0].uri,
        "profiles": [{"token": p.token, "uri": p.uri, "title": p.title} for p in offered],
        "representations": [{"profile": p.uri, "media_type": m, "href": h} for p, h, m in representations],
    }
    if offer is JSON_OFFER:
        return jsonify(listing)
    return Response(render_template("profiles.html", listing=listing), content_type=offer.content_type)


def time_gate(store: Store, record: Record, asked: str, extension: str | None) -> Response:
    """The Memento TimeGate of a record's document: 302 to the version current at ``asked``."""
    when = parse_date(asked)
    if when is None:
        raise ApiError(
            400,
            f"Accept-Datetime must be an HTTP date such as 'Mon, 07 Dec 2026 09:30:00 GMT', not {asked!r}",
        )
    chosen = memento_at(mementos(store, record), when)
    if chosen is None:
        raise ApiError(404, f"{record.record} has no version to show; {record.timemap} lists its versions")
    target = chosen.href + (f"?format={extension}" if extension else "")
    response = redirect(target, code=302)
    response.headers["Vary"] = "Accept, Accept-Datetime"
    response.headers["Link"] = memento_links(record)
    return response


def rdf_body(store: Store, resolved: Resolved, offer: Offer, profile: Profile | None = None) -> bytes:
    """A document's bytes in an RDF format and profile, with what the document says of itself.

    Without a profile, or with the default, the facts are said in our own model.
    """
    modified = last_modified(resolved.versions)
    topic, document = resolved.document.topic, f"{store.base}{resolved.document.path}"
    profile = profile or document_profiles(store.base)[0]
    about = about_document(document, topic, store.base, modified, profile.uri)
    description = resolved.description
    if profile.uri == SCHEMA:
        said = [ox.Quad(t.subject, t.predicate, t.object) for t in in_schema_org(description.quads)]
        description = replace(description, quads=said)
    return serialize_document(description, about, offer.short)


def document_headers(
    resolved: Resolved, offer: Offer, base: str, profile: Profile | None = None
) -> list[tuple[str, str]]:
    """Vary, the alternates, the ETag and Last-Modified of a document (every format, the page too).

    A record's document is also its own Memento TimeGate, and says where its TimeMap is.
    The ETag is weak: the blank nodes of a refilled memory copy get other labels.
    """
    links = ", ".join(
        f'<{href}>; rel="alternate"; type="{media_type}"'
        for href, media_type, _ in alternates(resolved.document)
    )
    record = record_of(resolved.document.topic, base)
    default = document_profiles(base)[0]
    profile = profile or default
    listed = f'</{resolved.document.path}?_profile=alt>; rel="alternate"; type="application/json"'
    links += f', <{profile.uri}>; rel="profile", {listed}; title="profiles and formats"'
    variant = offer.short if profile == default else f"{offer.short}+{profile.token}"
    headers = [
        ("Vary", "Accept, Accept-Profile, Accept-Datetime" if record else "Accept, Accept-Profile"),
        ("Link", f"{links}, {memento_links(record)}" if record else links),
        ("Content-Profile", f"<{profile.uri}>"),
        ("ETag", f'W/"{document_etag(variant, resolved.versions)}"'),
    ]
    modified = last_modified(resolved.versions)
    if modified:
        headers.append(("Last-Modified", http_date(datetime.fromisoformat(modified))))
    return headers


def _offer(extension: str | None) -> Offer:
    """The format from the extension, else ``?format=`` or ``?_mediatype=``, else ``Accept``.

    A 406 lists the offers when none fits.
    """
    if extension:
        return _by_extension(extension)
    if media_type := request.args.get("_mediatype"):
        try:
            return negotiate(None, DOCUMENT_OFFERS, media_type)
        except NotAcceptable as error:
            raise http_error(error) from error
    return negotiate_offer(DOCUMENT_OFFERS)


def sparql_link(topic: str) -> str:
    """The query page with a DESCRIBE of ``topic``, for the page's "query it" link."""
    return "/sparql?" + urlencode({"query": f"DESCRIBE <{topic}>"})


class RdfDocuments:
    """``GET /doc/…`` in an RDF format, answered in front of Flask: the request every crawler sends.

    Only the plain case is answered here: a current document, its format named by the extension
    or ``Accept``, no query string. Anything else (a page, an error, a redirect, ``?format=``,
    ``If-Modified-Since``, ``Range``, ``Accept-Datetime``, ``Accept-Profile``) goes on to the
    Flask view, which answers it as always.
    The answer is the view's: the same body and document headers (:func:`document_headers`), the security and
    CORS headers every answer carries, from the same tables; it is counted in the same metrics.
    Flask's request handling and hooks cost more than describing and serialising the document.
    """

    ROUTE = "/doc/<path:rest>"

    def __init__(self, app: WSGIApp, flask: Flask) -> None:
        self.app, self.flask = app, flask
        self.store: Store = flask.extensions[STORE]
        self.deadline = float(flask.config["QUERY_DEADLINE"])
        self.shared = [*HEADERS.items(), *public_read_headers()]

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        """Answer a plain RDF document; hand every other request on."""
        path = environ.get("PATH_INFO", "")
        method = environ["REQUEST_METHOD"]
        plain = method in ("GET", "HEAD") and path.startswith("/doc/") and not environ.get("QUERY_STRING")
        handed_on = ("HTTP_IF_MODIFIED_SINCE", "HTTP_RANGE", "HTTP_ACCEPT_DATETIME", "HTTP_ACCEPT_PROFILE")
        if not plain or any(name in environ for name in handed_on):
            return self.app(environ, start_response)
        started = time.perf_counter()
        answer = self._answer(path[1:], environ.get("HTTP_ACCEPT"), environ.get("HTTP_IF_NONE_MATCH"))
        if answer is None:
            return self.app(environ, start_response)
        body, headers = answer
        if body is None:
            status, headers, body = "304 Not Modified", [h for h in headers if h[0] != "Content-Type"], b""
        else:
            status, headers = "200 OK", [*headers, ("Content-Length", str(len(body)))]
        start_response(status, [*headers, *self.shared, (MARK, "1")])
        REQUESTS.labels(self.ROUTE, method, status[:3]).inc()
        LATENCY.labels(self.ROUTE).observe(time.perf_counter() - started)
        return [b"" if method == "HEAD" else body]

    def _answer(
        self, path: str, accept: str | None, if_none_match: str | None
    ) -> tuple[bytes | None, list[tuple[str, str]]] | None:
        """The document's bytes and headers; no bytes when ``If-None-Match`` names its ETag (a 304).

        The ETag comes from the versions of the graphs the description read, so a revalidation
        costs the description's lookups, never its serialisation. None: the view answers.
        """
        path, extension = split_extension(path.rstrip("/"))
        try:
            offer = _by_extension(extension) if extension else negotiate(accept, DOCUMENT_OFFERS)
            if offer.short == "html":
                return None
            resolved = read_document(self.store, find_document(self.store, path), self.deadline)
        except (NotKnown, Retired, NotAcceptable, QueryTimeout, StoreError):
            return None  # the view says why, in the error table's words
        if resolved.moved_to is not None:
            return None
        headers = [("Content-Type", offer.content_type), *document_headers(resolved, offer, self.store.base)]
        if etag_matches(if_none_match, dict(headers)["ETag"]):
            return None, headers
        return rdf_body(self.store, resolved, offer), headers


def _by_extension(extension: str) -> Offer:
    return next(o for o in DOCUMENT_OFFERS if o.short == extension)


def init_app(app: Flask) -> None:
    """Register the linked-data routes, and answer plain RDF documents in front of Flask."""
    app.jinja_env.globals["sparql_link"] = sparql_link
    app.register_blueprint(linked_data)
    app.wsgi_app = RdfDocuments(app.wsgi_app, app)  # type: ignore[method-assign]
