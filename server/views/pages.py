"""The home page and ``/health``."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, current_app, jsonify, render_template

from bd4m_kg.publishing.metadata import TITLE, publisher
from bd4m_kg.publishing.releases import Release, citation, list_releases, releases_folder
from bd4m_kg.server.middleware.store import STATS, current_stats, get_store
from bd4m_kg.sparql.named_queries import load_named_queries
from bd4m_kg.store import Store, StoreError
from bd4m_kg.store.embedded import EmbeddedStore
from bd4m_kg.store.remote import RemoteStore
from bd4m_kg.store.virtuoso import VirtuosoStore

pages = Blueprint("pages", __name__)
CITATION = "bd4m_citation_by_generation_and_releases"


def _how_to_cite(store: Store) -> tuple[Release | None, str]:
    """The latest release and how to cite it, worked out once per generation and set of releases."""
    folder = releases_folder(store)
    key = (store.generation, folder.stat().st_mtime_ns if folder.exists() else 0)
    cache = current_app.extensions.setdefault(CITATION, {})
    if key not in cache:
        latest = (list_releases(store) or [None])[-1]
        who = publisher(store)
        cache.clear()
        cache[key] = (latest, citation(latest, who[1] if who else "BD4M", TITLE, store.base))
    return cache[key]


SERVICES = (  # what the home page's Link header leads clients to
    ("/.well-known/void", 'rel="describedby"; type="text/turtle"'),
    ("/catalog", 'rel="describedby"; type="text/turtle"'),
    ("/sparql", 'rel="service"; title="SPARQL 1.1 endpoint"'),
    ("/fragments", 'rel="service"; title="Triple Pattern Fragments"'),
    ("/changes", 'rel="alternate"; type="application/trig"; title="change feed (Linked Data Event Stream)"'),
    ("/reconcile", 'rel="service"; title="reconciliation service (W3C Entity Reconciliation API 0.2)"'),
    ("/rest/v1/vocabularies", 'rel="service"; title="vocabularies (Skosmos REST API)"'),
    ("/openapi.json", 'rel="service-desc"; type="application/json"'),
)


@pages.get("/")
def home() -> Response:
    """What the directory is, what it holds now, and how to use it; Link headers lead to VoID and DCAT.

    ---
    get:
      responses: {200: Page}
    """
    store = get_store()
    stats = current_stats(store)
    latest, cite = _how_to_cite(store)
    page = render_template(
        "home.html", stats=stats, queries=load_named_queries().values(), cite=cite, latest=latest
    )
    response = Response(page)
    response.headers["Link"] = ", ".join(f"<{href}>; {relation}" for href, relation in SERVICES)
    return response


def store_kind(store: Store) -> str:
    """What engine holds the graph: embedded, remote (an Oxigraph server) or virtuoso."""
    if isinstance(store, VirtuosoStore):
        return "virtuoso"
    return "remote" if isinstance(store, RemoteStore) else "embedded"


@pages.get("/health")
def health() -> tuple[Response, int]:
    """Liveness and readiness: the store answers, its generation, its size and its last change.

    ---
    get:
      responses:
        200:
          description: the store answers
          content:
            application/json:
              schema:
                type: object
                required: [ok, store, generation, triples, graphs, records, last_change]
                properties:
                  ok: {const: true}
                  generation: {type: integer}
                  triples: {type: integer}
                  graphs: {type: integer}
                  records: {type: object}
                  last_change: {type: [object, "null"]}
                  memory_copy: {type: [object, "null"]}
        503: Unavailable
    """
    store = get_store()
    try:
        stats = current_stats(store)
    except (StoreError, TimeoutError) as error:
        return jsonify(ok=False, status=503, error=f"the store does not answer: {error}"), 503
    changes = store.state.changes(after=max(0, stats.generation - 1), with_graphs=False)
    last = changes[-1] if changes else None
    return jsonify(
        ok=True,
        status=200,
        store={
            "kind": store_kind(store),
            "location": store.location,
        },
        generation=stats.generation,
        triples=stats.triples,
        graphs=stats.graphs,
        records=stats.kinds,
        last_change=None
        if last is None
        else {"generation": last.generation, "time": last.time, "summary": last.summary},
        memory_copy=memory_copy_state(store),
    ), 200


def memory_copy_state(store: Store) -> dict[str, object] | None:
    """The generation the embedded store's memory copy holds, and whether it is the current one."""
    copy = store.memory_copy if isinstance(store, EmbeddedStore) else None
    if copy is None:
        return None
    return {"generation": copy.generation, "current": copy.generation == store.generation}


def init_app(app: Flask) -> None:
    """Register the pages and their per-generation cache."""
    app.extensions[STATS] = {}
    app.register_blueprint(pages)
