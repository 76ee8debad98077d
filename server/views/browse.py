"""``/projects``, ``/organisations``, ``/collaboratives``: browse the directory with facets and search.

Each listing is also data: ``/projects.json``, ``/projects.csv`` (or ``?format=``) with the same
filters and paging (:mod:`bd4m_kg.server.http.listings`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from urllib.parse import urlencode

from flask import Blueprint, Flask, Response, render_template, request

from bd4m_kg.browse.search import KINDS, PAGE_SIZE, Found, Kind, search
from bd4m_kg.rdf.iris import page_path
from bd4m_kg.rdf.negotiation import HTML_OFFER
from bd4m_kg.server.http.listings import (
    DATA_EXTENSIONS,
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

browse = Blueprint("browse", __name__)
COLUMNS = ("iri", "name", "summary", "page")


def _listing(kind: Kind, extension: str | None = None) -> Response:
    checked_parameters({"q", "page", "size", "format", *kind.facets})
    offer = listing_offer(extension)
    words = request.args.get("q", "").strip()[:200]
    chosen = {facet: request.args.getlist(facet) for facet in kind.facets}
    size = whole_number("size", PAGE_SIZE if offer is HTML_OFFER else DATA_SIZE, MAX_SIZE)
    found = search(get_store(), kind, words, chosen, whole_number("page", 1), size)
    kept = {"size": request.args.get("size"), "format": request.args.get("format")}

    def link(**changes: object) -> str:
        """The listing URL with some parameters changed (a facet value toggled, another page)."""
        parameters = {"q": words, **chosen, **kept, "page": found.page, **changes}
        return "?" + urlencode({k: v for k, v in parameters.items() if v}, doseq=True)

    def toggle(facet: str, key: str) -> str:
        values = chosen[facet]
        return link(**{facet: [v for v in values if v != key] if key in values else [*values, key]}, page=1)

    if offer is not HTML_OFFER:
        return cacheable(listing_response(_as_data(found, link, toggle), offer))
    body = render_template(
        "browse.html",
        kind=kind,
        words=words,
        found=found,
        link=link,
        toggle=toggle,
        page_of=lambda iri: page_path(iri, get_store().base),
        filtered=bool(words) or any(chosen.values()),
        as_data={ext: f"/{kind.path}.{ext}{link(page=found.page)}" for ext in DATA_EXTENSIONS},
    )
    response = Response(body, content_type="text/html; charset=utf-8")
    response.headers["Vary"] = "Accept"
    return cacheable(response)


def _as_data(found: Found, link: Callable[..., str], toggle: Callable[[str, str], str]) -> Listing:
    """One page of records as rows, with the facets (and the URL that toggles each value)."""
    base, root = get_store().base, request.host_url.rstrip("/")
    rows: list[dict[str, object]] = [
        {**record, "page": root + page_path(record["iri"], base)} for record in found.records
    ]
    following, before = page_links(link, found.page, found.pages)
    facets = {
        facet: [{**asdict(v), "toggle_url": toggle(facet, v.key)} for v in values]
        for facet, values in found.facets.items()
    }
    paging = {"page": found.page, "pages": found.pages, "facets": facets}
    return Listing("records", COLUMNS, rows, found.total, following, before, paging)


def _view(kind: Kind) -> Callable[..., Response]:
    """The listing view of one kind, with a docstring of its own (it documents the route)."""

    def view(extension: str | None = None) -> Response:
        return _listing(kind, extension)

    view.__doc__ = (
        f"The {kind.title.lower()}: full-text search (?q=), facets ({', '.join(kind.facets)}), pages "
        f"(?page=, ?size=); also as data, /{kind.path}.json or /{kind.path}.csv."
    )
    return view


for _kind in KINDS.values():
    _kind_view = _view(_kind)
    browse.add_url_rule(f"/{_kind.path}", _kind.path, _kind_view)
    browse.add_url_rule(f"/{_kind.path}.<any(json, csv):extension>", _kind.path, _kind_view)


def init_app(app: Flask) -> None:
    """A listing page per kind of record, and the same listing as JSON and CSV."""
    app.register_blueprint(browse)
