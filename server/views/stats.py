"""``/stats``: the directory in numbers, as charts drawn on the server, and the data network."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, render_template, request
from markupsafe import Markup

from bd4m_kg.browse.charts import Bar, around, bar_chart, data_network, network_svg, organisations
from bd4m_kg.browse.search import KINDS, search
from bd4m_kg.rdf.iris import page_path
from bd4m_kg.server.http.errors import ApiError
from bd4m_kg.server.middleware.response_cache import cacheable
from bd4m_kg.server.middleware.store import current_stats, get_store

stats = Blueprint("stats", __name__)
CHARTS = (
    ("source", "Projects by data-source type"),
    ("need", "Projects by policy need"),
    ("theme", "Projects by theme"),
    ("region", "Projects by region"),
    ("year", "Projects by start year"),
)


@stats.get("/stats")
def statistics() -> Response:
    """Counts, bar charts of the projects' facets, and who holds data for whom.

    ``?focus=<organisation>`` (the last part of its IRI) draws only the network around it, with
    full names: the projects it holds data for or uses, and their other holders and users.

    ---
    get:
      parameters:
      - name: focus
        in: query
        description: an organisation (the last part of its IRI)
        schema: {type: string}
      responses: {200: Page, 304: NotModified, 400: BadRequest}
    """
    store = get_store()
    projects = search(store, KINDS["projects"])
    charts = []
    for facet, title in CHARTS:
        values = projects.facets[facet]
        if facet == "year":
            values = sorted(values, key=lambda v: v.key)
        bars = [Bar(v.label, v.count, f"/projects?{facet}={v.key}") for v in values]
        charts.append((title, Markup(bar_chart(title, bars))))  # SVG built from escaped parts
    whole = data_network(store)
    choices = sorted(organisations(whole).items(), key=lambda pair: pair[1].casefold())
    focus = _focus(request.args.get("focus"), choices)
    network = around(whole, focus[0]) if focus else whole
    everyone = [*network.holders, *network.projects, *network.users]
    links = {iri: path for iri in everyone if (path := page_path(iri, store.base))}
    body = render_template(
        "stats.html",
        stats=current_stats(store),
        charts=charts,
        network=Markup(network_svg(network, links, full_names=bool(focus))),  # SVG built from escaped parts
        sizes=(len(network.holders), len(network.projects), len(network.users)),
        choices=[(_key(iri), name) for iri, name in choices],
        focus=focus and (_key(focus[0]), focus[1]),
    )
    return cacheable(Response(body, content_type="text/html; charset=utf-8"))


def _key(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


def _focus(key: str | None, choices: list[tuple[str, str]]) -> tuple[str, str] | None:
    """The (IRI, name) of the organisation ``key`` names; 400 for one outside the network."""
    if not key:
        return None
    found = next((choice for choice in choices if _key(choice[0]) == key), None)
    if found is None:
        raise ApiError(400, f"focus: {key!r} holds or uses no project's data; choose one listed on /stats")
    return found


def init_app(app: Flask) -> None:
    """Register /stats."""
    app.register_blueprint(stats)
