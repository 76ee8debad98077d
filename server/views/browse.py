"""``/projects``, ``/organisations``, ``/collaboratives``: browse the directory with facets and search."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from flask import Blueprint, Flask, Response, render_template, request

from bd4m_kg.browse.search import KINDS, Kind, search
from bd4m_kg.rdf.iris import page_path
from bd4m_kg.server.middleware.response_cache import cacheable
from bd4m_kg.server.middleware.store import get_store

browse = Blueprint("browse", __name__)


def _listing(kind: Kind) -> Response:
    words = request.args.get("q", "").strip()[:200]
    chosen = {facet: request.args.getlist(facet) for facet in kind.facets}
    found = search(get_store(), kind, words, chosen, request.args.get("page", 1, type=int) or 1)

    def link(**changes: object) -> str:
        """The listing URL with some parameters changed (a facet value toggled, another page)."""
        parameters = {"q": words, **chosen, "page": found.page, **changes}
        return "?" + urlencode({k: v for k, v in parameters.items() if v}, doseq=True)

    def toggle(facet: str, key: str) -> str:
        values = chosen[facet]
        return link(**{facet: [v for v in values if v != key] if key in values else [*values, key]}, page=1)

    body = render_template(
        "browse.html",
        kind=kind,
        words=words,
        found=found,
        link=link,
        toggle=toggle,
        page_of=lambda iri: page_path(iri, get_store().base),
        filtered=bool(words) or any(chosen.values()),
    )
    return cacheable(Response(body, content_type="text/html; charset=utf-8"))


def _view(kind: Kind) -> Callable[[], Response]:
    """The listing view of one kind, with a docstring of its own (it documents the route)."""

    def view() -> Response:
        return _listing(kind)

    view.__doc__ = (
        f"The {kind.title.lower()}: full-text search (?q=), facets ({', '.join(kind.facets)}), pages."
    )
    return view


for _kind in KINDS.values():
    browse.add_url_rule(f"/{_kind.path}", _kind.path, _view(_kind))


def init_app(app: Flask) -> None:
    """A listing page per kind of record."""
    app.register_blueprint(browse)
