"""The home page and ``/health``."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, jsonify, render_template

from bd4m_kg.building import StoreStats, store_stats
from bd4m_kg.named_queries import load_named_queries
from bd4m_kg.server.store import get_store
from bd4m_kg.store import Store, StoreError
from bd4m_kg.store.remote import RemoteStore

pages = Blueprint("pages", __name__)
_stats_by_generation: dict[tuple[str, int], StoreStats] = {}


def current_stats(store: Store, deadline: float) -> StoreStats:
    """The store's counts, computed once per generation."""
    key = (store.location, store.generation)
    if key not in _stats_by_generation:
        _stats_by_generation.clear()
        _stats_by_generation[key] = store_stats(store, deadline)
    return _stats_by_generation[key]


@pages.get("/")
def home() -> str:
    """What the directory is, what it holds now, and how to use it."""
    store = get_store()
    stats = current_stats(store, deadline=10.0)
    return render_template("home.html", stats=stats, queries=load_named_queries().values())


@pages.get("/health")
def health() -> tuple[Response, int]:
    """Liveness and readiness: the store answers, its generation, its size and its last change."""
    store = get_store()
    try:
        stats = current_stats(store, deadline=5.0)
    except (StoreError, TimeoutError) as error:
        return jsonify(ok=False, status=503, error=f"the store does not answer: {error}"), 503
    changes = store.state.changes(after=max(0, stats.generation - 1))
    last = changes[-1] if changes else None
    return jsonify(
        ok=True,
        status=200,
        store={
            "kind": "remote" if isinstance(store, RemoteStore) else "embedded",
            "location": store.location,
        },
        generation=stats.generation,
        triples=stats.triples,
        graphs=stats.graphs,
        records=stats.kinds,
        last_change=None
        if last is None
        else {"generation": last.generation, "time": last.time, "actor": last.actor, "summary": last.summary},
    ), 200


def init_app(app: Flask) -> None:
    """Register the pages."""
    app.register_blueprint(pages)
