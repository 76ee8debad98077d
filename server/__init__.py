"""The web layer: HTTP in, one core call, HTTP out. Built by :func:`create_app`."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask

from bd4m_kg.config import DEFAULTS, check_settings
from bd4m_kg.server.http.converters import StoredInteger


def create_app(config: Mapping[str, object] | None = None) -> Flask:
    """Build the app: defaults, then ``instance/bd4m.cfg``, then ``BD4M_*`` variables, then ``config``."""
    app = Flask(__name__, instance_relative_config=True)
    app.url_map.converters["int"] = StoredInteger  # before any route: ids past SQLite's integers are 404s
    flask_keys = frozenset(app.config)
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("bd4m.cfg", silent=True)
    app.config.from_prefixed_env("BD4M")
    app.config.from_mapping(config or {})
    check_settings(app.config, allowed=flask_keys)
    app.config["MAX_CONTENT_LENGTH"] = int(app.config["UPLOAD_LIMIT"])

    from bd4m_kg.server.http import errors, fair_share
    from bd4m_kg.server.middleware import (
        audit,
        chunked_bodies,
        cors,
        metrics,
        proxies,
        rate_limits,
        response_cache,
        security_headers,
        store,
    )
    from bd4m_kg.server.views import (
        browse,
        curate,
        feed,
        fragments,
        graph_store,
        harvest,
        linked_data,
        openapi,
        pages,
        places,
        queries,
        reconcile,
        record_history,
        releases,
        site_search,
        sparql,
        stats,
        submissions,
        update,
        vocabularies,
        workbench,
    )

    errors.init_app(app)
    metrics.init_app(app)
    store.init_app(app)
    pages.init_app(app)
    sparql.init_app(app)
    queries.init_app(app)
    workbench.init_app(app)
    update.init_app(app)
    graph_store.init_app(app)
    linked_data.init_app(app)
    harvest.init_app(app)
    feed.init_app(app)
    fragments.init_app(app)
    browse.init_app(app)
    site_search.init_app(app)
    vocabularies.init_app(app)
    stats.init_app(app)
    places.init_app(app)
    reconcile.init_app(app)
    curate.init_app(app)
    submissions.init_app(app)
    record_history.init_app(app)
    releases.init_app(app)
    openapi.init_app(app)
    rate_limits.init_app(app)
    fair_share.init_app(app)
    cors.init_app(app)
    audit.init_app(app)
    security_headers.init_app(app)
    response_cache.init_app(app)
    chunked_bodies.init_app(app)
    proxies.init_app(app)
    return app
