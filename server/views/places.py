"""``/map``: projects per country and per region, on a map where the page's scripts are built.

The page is a table of places (each linking to its filtered project listing) that the map script
draws as a choropleth; without the script the table is the page.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, render_template, request

from bd4m_kg.browse.places import project_places
from bd4m_kg.server.http.errors import ApiError
from bd4m_kg.server.http.query_page import workbench_built
from bd4m_kg.server.middleware.response_cache import cacheable
from bd4m_kg.server.middleware.store import get_store

places = Blueprint("places", __name__)
VIEWS = {"country": "By country", "region": "By region"}


@places.get("/map")
def directory_map() -> Response:
    """The projects per country (``?by=country``, the default) or per region (``?by=region``).

    ---
    get:
      parameters:
      - name: by
        in: query
        description: per country (the default) or per region
        schema:
          type: string
          enum: [country, region]
      responses: {200: Page, 304: NotModified, 400: BadRequest}
    """
    by = request.args.get("by", "country")
    if by not in VIEWS:
        raise ApiError(400, f"by must be one of {', '.join(VIEWS)}, not {by!r}")
    found = project_places(get_store())
    body = render_template("map.html", by=by, views=VIEWS, places=found[by], scripts=workbench_built())
    return cacheable(Response(body, content_type="text/html; charset=utf-8"))


def init_app(app: Flask) -> None:
    """Register /map."""
    app.register_blueprint(places)
