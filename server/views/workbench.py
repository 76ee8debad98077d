"""What the query page's workbench asks the server for: completions and short links.

``/sparql/completions`` lists the prefixes, classes, properties and concepts an editor may
complete (from this graph only). ``POST /sparql/links`` keeps a query and answers its short link;
``/q/<id>`` reopens it on the query page. Short links are the one write anyone may make: they
are content-addressed, bounded in size and number, and rate-limited (``RATE_LIMIT_LINKS``).
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Flask, Response, jsonify, redirect, request, url_for

from bd4m_kg.server.http.errors import ApiError
from bd4m_kg.server.middleware.response_cache import cacheable
from bd4m_kg.server.middleware.store import get_store
from bd4m_kg.server.views.harvest import manifest
from bd4m_kg.sparql.completions import completions
from bd4m_kg.sparql.short_links import ShortLinkError, ShortLinks

workbench = Blueprint("workbench", __name__)


@workbench.get("/sparql/completions")
def completion_list() -> Response:
    """The terms a query editor may complete, as JSON: ``{"prefixes": {...}, "terms": [...]}``.

    ---
    get:
      responses:
        200:
          description: the terms
          content:
            application/json:
              schema:
                type: object
                required: [prefixes, terms]
                properties:
                  prefixes: {type: object}
                  terms: {type: array}
        304: NotModified
    """
    counted = manifest()
    in_use = {"class": sorted(counted.classes), "property": sorted(counted.properties)}
    links: dict[str, set[str]] = {}
    for subject_class, prop, *_ in counted.links:
        links.setdefault(subject_class, set()).add(prop)
    by_class = {c: sorted(properties) for c, properties in sorted(links.items())}
    return cacheable(jsonify(completions(get_store(), in_use, by_class)))


@workbench.post("/sparql/links")
def keep_link() -> tuple[Response, int]:
    """Keep the query of the form field or JSON member ``query``; answer its short link (201).

    ---
    post:
      requestBody:
        required: true
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              required: [query]
              properties:
                query: {type: string}
          application/json:
            schema:
              type: object
              required: [query]
              properties:
                query: {type: string}
      responses:
        201:
          description: the query is kept
          content:
            application/json:
              schema:
                type: object
                required: [id, url]
                properties:
                  id: {type: string}
                  url: {type: string}
        400: BadRequest
    """
    body = request.get_json(silent=True) if request.is_json else None
    text = body.get("query") if isinstance(body, dict) else request.form.get("query")
    if not isinstance(text, str):
        raise ApiError(400, "send the query to link as the form field or JSON member 'query'")
    try:
        key = ShortLinks(get_store().state.folder).keep(text)
    except ShortLinkError as error:
        raise ApiError(400, str(error)) from error
    url = url_for("workbench.open_link", key=key, _external=True)
    return jsonify(id=key, url=url), 201


@workbench.get("/q/<key>")
def open_link(key: str) -> Response:
    """Reopen a kept query on the query page (303); an id never given is a 404.

    ---
    get:
      responses: {303: SeeOther, 404: NotFound}
    """
    text = ShortLinks(get_store().state.folder).query(key)
    if text is None:
        raise ApiError(404, f"there is no short link {key!r}; it may have been mistyped")
    return redirect("/sparql?" + urlencode({"query": text}), code=303)


def init_app(app: Flask) -> None:
    """Register the workbench's routes."""
    app.register_blueprint(workbench)
