"""Linked data: every IRI of the graph answers on the web.

``/id/…`` and ``/vocab/…`` name things: 303 See Other to their document ``/doc/…``. Documents
(``/doc/…``, ``/ontology``, ``/graph/…``) answer by ``?format=``, extension or ``Accept``: RDF for
machines, a page for people. ``Link`` headers point to every alternate; the ETag comes from the
format and the version of every graph the document was built from, ``Last-Modified`` from the
latest of them. A retired record answers 410 Gone, or 301 to the record that replaced it.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from flask import Blueprint, Flask, Response, redirect, render_template, request

from bd4m_kg.linked_data.documents import about_document, document_etag, last_modified, serialize_document
from bd4m_kg.linked_data.record_view import record_page
from bd4m_kg.linked_data.resolution import alternates, document_for_thing, find_document, read_document
from bd4m_kg.linked_data.resolution import history_href as history_href_of
from bd4m_kg.rdf.iris import (
    described_at,
    split_extension,
)
from bd4m_kg.rdf.negotiation import DOCUMENT_OFFERS, Offer
from bd4m_kg.server.http.answers import request_deadline
from bd4m_kg.server.http.errors import ApiError, http_error
from bd4m_kg.server.http.negotiation import negotiate_offer
from bd4m_kg.server.middleware.response_cache import cacheable
from bd4m_kg.server.middleware.store import get_store
from bd4m_kg.store import QueryTimeout

linked_data = Blueprint("linked_data", __name__)


@linked_data.get("/id/<path:rest>")
@linked_data.get("/vocab/<path:rest>", defaults={"top": "vocab"})
def thing(rest: str, top: str = "id") -> Response:
    """A thing is not a document: 303 See Other to the document about it (404 when unknown)."""
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
    """The dataset, its distributions, the SPARQL service, an ontology version: 303 to their description."""
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
    """A document about one thing, in the format asked for by extension, ``?format=`` or ``Accept``."""
    path, extension = split_extension(f"{top}/{rest}".rstrip("/") + (f".{extension}" if extension else ""))
    store = get_store()
    found = find_document(store, path)
    offer = _offer(extension)
    try:
        resolved = read_document(store, found, request_deadline())
    except QueryTimeout as error:
        raise http_error(error, f"describing {found.topic} took too long; try again") from error
    if resolved.moved_to is not None:
        moved = redirect(resolved.moved_to, code=301)
        moved.headers["Vary"] = "Accept"
        return moved
    description, versions = resolved.description, resolved.versions
    modified = last_modified(versions)
    if offer.short == "html":
        page = record_page(description, store.base)
        history_href = history_href_of(found.topic, store.base)
        body = render_template(
            "record.html", page=page, alternates=alternates(found), history_href=history_href
        ).encode()
    else:
        about = about_document(f"{store.base}{found.path}", found.topic, store.base, modified)
        body = serialize_document(description, about, offer.short)
    response = Response(body, content_type=offer.content_type)
    response.headers["Vary"] = "Accept"
    response.headers["Link"] = ", ".join(
        f'<{href}>; rel="alternate"; type="{media_type}"' for href, media_type, _ in alternates(found)
    )
    response.set_etag(document_etag(offer.short, versions), weak=True)  # blank node labels may differ
    if modified:
        response.last_modified = datetime.fromisoformat(modified)
    return cacheable(response)


def _offer(extension: str | None) -> Offer:
    """The format from the extension, else ``?format=`` or ``Accept`` (406 listing the offers)."""
    if extension:
        return next(o for o in DOCUMENT_OFFERS if o.short == extension)
    return negotiate_offer(DOCUMENT_OFFERS)


def sparql_link(topic: str) -> str:
    """The query page with a DESCRIBE of ``topic``, for the page's "query it" link."""
    return "/sparql?" + urlencode({"query": f"DESCRIBE <{topic}>"})


def init_app(app: Flask) -> None:
    """Register the linked-data routes."""
    app.jinja_env.globals["sparql_link"] = sparql_link
    app.register_blueprint(linked_data)
