"""``/stats``: the directory in numbers, as charts drawn on the server, and the data network."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, render_template
from markupsafe import Markup

from bd4m_kg.browse.charts import Bar, bar_chart, data_network, network_svg
from bd4m_kg.browse.search import KINDS, search
from bd4m_kg.rdf.iris import page_path
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
    """Counts, bar charts of the projects' facets, and who holds data for whom."""
    store = get_store()
    projects = search(store, KINDS["projects"])
    charts = []
    for facet, title in CHARTS:
        values = projects.facets[facet]
        if facet == "year":
            values = sorted(values, key=lambda v: v.key)
        bars = [Bar(v.label, v.count, f"/projects?{facet}={v.key}") for v in values]
        charts.append((title, Markup(bar_chart(title, bars))))  # SVG built from escaped parts
    network = data_network(store)
    everyone = [*network.holders, *network.projects, *network.users]
    links = {iri: path for iri in everyone if (path := page_path(iri, store.base))}
    body = render_template(
        "stats.html",
        stats=current_stats(store),
        charts=charts,
        network=Markup(network_svg(network, links)),  # SVG built from escaped parts
        sizes=(len(network.holders), len(network.projects), len(network.users)),
    )
    return cacheable(Response(body, content_type="text/html; charset=utf-8"))


def init_app(app: Flask) -> None:
    """Register /stats."""
    app.register_blueprint(stats)
