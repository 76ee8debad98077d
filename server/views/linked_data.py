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

import pyoxigraph as ox
from flask import Blueprint, Flask, Response, redirect, render_template, request

from bd4m_kg.linked_data.describe import Description, describe
from bd4m_kg.linked_data.documents import about_document, document_etag, last_modified, serialize_document
from bd4m_kg.linked_data.record_view import record_page
from bd4m_kg.rdf.formats import RDF_FORMATS
from bd4m_kg.rdf.iris import Document, described_at, document_of, document_path, page_path, split_extension
from bd4m_kg.rdf.negotiation import DOCUMENT_OFFERS, Offer
from bd4m_kg.server.http.answers import request_deadline
from bd4m_kg.server.http.errors import ApiError
from bd4m_kg.server.http.negotiation import negotiate_offer
from bd4m_kg.server.middleware.response_cache import cacheable
from bd4m_kg.server.middleware.store import get_store
from bd4m_kg.store import QueryTimeout, StoreError

linked_data = Blueprint("linked_data", __name__)
REPLACED_BY = "http://purl.org/dc/terms/isReplacedBy"
DEPRECATED = "http://www.w3.org/2002/07/owl#deprecated"


@linked_data.get("/id/<path:rest>")
@linked_data.get("/vocab/<path:rest>", defaults={"top": "vocab"})
def thing(rest: str, top: str = "id") -> Response:
    """A thing is not a document: 303 See Other to the document about it (404 when unknown)."""
    path, extension = split_extension(f"{top}/{rest}")
    document = document_path(path)
    if document is None or not _exists(f"{get_store().base}{path}"):
        raise ApiError(404, f"nothing is known as /{path}; the home page links to every record")
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
    found = document_of(path, store.base)
    if found is None:
        raise ApiError(404, f"there is no document /{path}")
    offer = _offer(extension)
    description = _describe(found.topic)
    if not description:
        raise ApiError(404, f"the graph knows nothing of {found.topic}")
    retired = _retired(description)
    if retired is not None:
        return retired
    versions = store.state.graph_versions(description.graphs)
    modified = last_modified(versions)
    if offer.short == "html":
        page = record_page(description, store.base)
        history_href = _history_href(found.topic, store.base)
        body = render_template(
            "record.html", page=page, alternates=_alternates(found), history_href=history_href
        ).encode()
    else:
        about = about_document(f"{store.base}{found.path}", found.topic, store.base, modified)
        body = serialize_document(description, about, offer.short)
    response = Response(body, content_type=offer.content_type)
    response.headers["Vary"] = "Accept"
    response.headers["Link"] = ", ".join(
        f'<{href}>; rel="alternate"; type="{media_type}"' for href, media_type, _ in _alternates(found)
    )
    response.set_etag(document_etag(offer.short, versions))
    if modified:
        response.last_modified = datetime.fromisoformat(modified)
    return cacheable(response)


def _offer(extension: str | None) -> Offer:
    """The format from the extension, else ``?format=`` or ``Accept`` (406 listing the offers)."""
    if extension:
        return next(o for o in DOCUMENT_OFFERS if o.short == extension)
    return negotiate_offer(DOCUMENT_OFFERS)


def _describe(topic: str) -> Description:
    try:
        return describe(get_store(), topic, request_deadline())
    except ValueError as error:
        raise ApiError(404, f"there is no document about {topic!r}") from error
    except QueryTimeout as error:
        raise ApiError(503, f"describing {topic} took too long; try again") from error
    except StoreError as error:
        raise ApiError(500, f"the store failed: {error}") from error


def _exists(topic: str) -> bool:
    """Whether the graph says anything about ``topic`` (as a subject, in any graph)."""
    try:
        subject = ox.NamedNode(topic)
    except ValueError:
        return False
    return bool(get_store().select(f"SELECT ?p WHERE {{ {subject} ?p ?o }} LIMIT 1"))


def _retired(description: Description) -> Response | None:
    """301 to the replacement of a retired record, 410 Gone for one retired without; None otherwise."""
    topic = ox.NamedNode(description.topic)
    said = {(q.predicate.value, q.object) for q in description.quads if q.subject == topic}
    replacement = next((o for p, o in said if p == REPLACED_BY and isinstance(o, ox.NamedNode)), None)
    if replacement is not None:
        target = page_path(replacement.value, get_store().base) or replacement.value
        response = redirect(target, code=301)
        response.headers["Vary"] = "Accept"
        return response
    if any(p == DEPRECATED and o.value in {"true", "1"} for p, o in said):  # both spell xsd:boolean true
        raise ApiError(410, f"{description.topic} was retired from the directory and has no replacement")
    return None


def _history_href(topic: str, base: str) -> str | None:
    """The history page of a record (``{base}id/kind/slug``); None for anything else."""
    rest = topic.removeprefix(f"{base}id/")
    return f"/doc/{rest}/history" if rest != topic and rest.count("/") == 1 and "#" not in rest else None


def _alternates(found: Document) -> list[tuple[str, str, str]]:
    """(href, media type, format name) of every alternate of a document, HTML last."""
    formats = [(f"/{found.path}.{f.extension}", f.media_type, f.name) for f in RDF_FORMATS.values()]
    return [*formats, (f"/{found.path}.html", "text/html", "HTML")]


def sparql_link(topic: str) -> str:
    """The query page with a DESCRIBE of ``topic``, for the page's "query it" link."""
    return "/sparql?" + urlencode({"query": f"DESCRIBE <{topic}>"})


def init_app(app: Flask) -> None:
    """Register the linked-data routes."""
    app.jinja_env.globals["sparql_link"] = sparql_link
    app.register_blueprint(linked_data)
