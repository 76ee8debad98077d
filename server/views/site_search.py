"""``/search``: one search over every project, organisation, data collaborative and concept.

Ranked, with the matching words marked; also as data (``/search.json``, ``/search.csv``), and
``/search/suggest`` gives the typeahead of the search box (OpenSearch suggestions).
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Flask, Response, jsonify, render_template, request

from bd4m_kg.browse.site_search import site_search, suggestions
from bd4m_kg.rdf.iris import page_path
from bd4m_kg.rdf.negotiation import HTML_OFFER
from bd4m_kg.server.http.listings import (
    DATA_SIZE,
    MAX_SIZE,
    Listing,
    checked_parameters,
    listing_offer,
    listing_response,
    page_links,
    whole_number,
)
from bd4m_kg.server.middleware.response_cache import cacheable
from bd4m_kg.server.middleware.store import get_store

searching = Blueprint("site_search", __name__)
COLUMNS = ("kind", "iri", "name", "page")
PAGE_SIZE = 20


@searching.get("/search")
@searching.get("/search.<any(json, csv):extension>")
def search_page(extension: str | None = None) -> Response:
    """Everything whose names or summary hold every word of ``q`` (as word starts), best first.

    ---
    get:
      parameters: [q, page, size, format_listing]
      responses: {200: Results, 304: NotModified, 400: BadRequest, 406: NotAcceptable}
    """
    checked_parameters({"q", "page", "size", "format"})
    offer = listing_offer(extension)
    words = request.args.get("q", "").strip()[:200]
    size = whole_number("size", PAGE_SIZE if offer is HTML_OFFER else DATA_SIZE, MAX_SIZE)
    store = get_store()
    found = site_search(store, words, whole_number("page", 1), size)
    kept = {"q": words, "size": request.args.get("size"), "format": request.args.get("format")}

    def link(**changes: object) -> str:
        return "?" + urlencode({k: v for k, v in {**kept, "page": found.page, **changes}.items() if v})

    if offer is not HTML_OFFER:
        root = request.host_url.rstrip("/")
        rows: list[dict[str, object]] = [
            {
                "kind": h.kind_name,
                "iri": h.iri,
                "name": h.name,
                "page": root + (page_path(h.iri, store.base) or ""),
            }
            for h in found.hits
        ]
        following, before = page_links(link, found.page, found.pages)
        paging = {"page": found.page, "pages": found.pages, "q": words}
        return cacheable(
            listing_response(Listing("results", COLUMNS, rows, found.total, following, before, paging), offer)
        )
    body = render_template(
        "search.html",
        words=words,
        found=found,
        link=link,
        page_of=lambda iri: page_path(iri, store.base),
        as_data={ext: f"/search.{ext}{link()}" for ext in ("json", "csv")},
    )
    response = Response(body, content_type=HTML_OFFER.content_type)
    response.headers["Vary"] = "Accept"
    return cacheable(response)


@searching.get("/search/suggest")
def suggest() -> Response:
    """Names that start like ``q``, for a search box (OpenSearch suggestions: query, names, kinds, pages).

    ---
    get:
      parameters: [q]
      responses: {200: Suggestions, 304: NotModified, 400: BadRequest}
    """
    checked_parameters({"q"})
    typed = request.args.get("q", "").strip()[:100]
    store = get_store()
    found = suggestions(store, typed)
    pages = [request.host_url.rstrip("/") + (page_path(iri, store.base) or "") for _, _, iri in found]
    return cacheable(jsonify([typed, [n for n, _, _ in found], [k for _, k, _ in found], pages]))


def init_app(app: Flask) -> None:
    """Register /search and its suggestions."""
    app.register_blueprint(searching)
