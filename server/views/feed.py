"""``/changes``: the change feed as a Linked Data Event Stream, a page at a time (``/changes/page/<n>``).

A full page that links to a next one never changes, so it may be cached for a year; the newest
page, and ``/changes`` itself (the stream's description, which may grow), are cached for seconds.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, request

from bd4m_kg.publishing.feed import PREFIXES, feed_page
from bd4m_kg.rdf.negotiation import GRAPH_OFFERS
from bd4m_kg.server.http.errors import ApiError
from bd4m_kg.server.http.rdf_pages import rdf_answer
from bd4m_kg.server.middleware.response_cache import cacheable, conditional
from bd4m_kg.server.middleware.store import get_store

feed = Blueprint("feed", __name__)
FEED_OFFERS = tuple(next(o for o in GRAPH_OFFERS if o.short == s) for s in ("trig", "nq", "jsonld", "ttl"))
IMMUTABLE = "public, max-age=31536000, immutable"
NEWEST = "public, max-age=5"


@feed.get("/changes")
def stream() -> Response:
    """The event stream: what its members are and where its first page is (with that page's members).

    ---
    get:
      parameters: [format_feed]
      responses: {200: FeedPage, 304: NotModified, 406: NotAcceptable}
    """
    response = page(0)
    response.headers["Cache-Control"] = NEWEST
    return response


@feed.get("/changes/page/<int:number>")
def page(number: int) -> Response:
    """One page of members, in order, with a relation to the next page.

    ---
    get:
      parameters: [format_feed]
      responses: {200: FeedPage, 304: NotModified, 404: NotFound, 406: NotAcceptable}
    """
    stream_url = f"{request.host_url}changes"
    found = feed_page(get_store(), number, stream_url, stream_url + "/page/{}", f"{request.host_url}shapes")
    if found is None:
        raise ApiError(404, f"the change feed has no page {number}; it starts at /changes")
    about = (
        "The change feed, a Linked Data Event Stream: every change to a record, in order, with the "
        "record's content at that version in a named graph."
    )
    title = "Change feed" if number == 0 else f"Change feed, page {number}"
    response = rdf_answer(found.quads, FEED_OFFERS, title, about, PREFIXES)
    response.headers["Cache-Control"] = IMMUTABLE if found.immutable else NEWEST
    return cacheable(response) if found.immutable else conditional(response)  # the newest page grows


def init_app(app: Flask) -> None:
    """Register the change feed."""
    app.register_blueprint(feed)
