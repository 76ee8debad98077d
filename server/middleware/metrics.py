"""``/metrics``: Prometheus counters and histograms of what the server does, and the slow-query log.

Requests by route (the URL rule, not the path), method and status, with their latency; query
durations (until the answer starts) and timeouts; answers from the answer cache (they never
reach Flask); validations and publications by outcome; the store's generation. With several
web processes, set ``PROMETHEUS_MULTIPROC_DIR`` to a shared empty folder and every process's
numbers are added up at each scrape. Queries slower than ``SLOW_QUERY`` seconds are logged with
their text to the ``bd4m_kg.slow_queries`` logger.
"""

from __future__ import annotations

import logging
import os
import time

from flask import Blueprint, Flask, Response, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

from bd4m_kg.server.middleware.store import get_store

metrics = Blueprint("metrics", __name__)
REGISTRY = CollectorRegistry()  # our own: the module may be imported twice (as a test module, too)
SECONDS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
REQUESTS = Counter(
    "bd4m_http_requests", "HTTP requests the app answered", ["route", "method", "status"], registry=REGISTRY
)
LATENCY = Histogram(
    "bd4m_http_request_seconds",
    "Time until the response starts",
    ["route"],
    buckets=SECONDS,
    registry=REGISTRY,
)
QUERY_SECONDS = Histogram(
    "bd4m_query_seconds", "Time until a query's answer starts", buckets=SECONDS, registry=REGISTRY
)
QUERY_TIMEOUTS = Counter("bd4m_query_timeouts", "Queries stopped at their deadline", registry=REGISTRY)
CACHE_HITS = Counter("bd4m_answer_cache_hits", "Answers served from the answer cache", registry=REGISTRY)
VALIDATIONS = Counter(
    "bd4m_validations", "Validations of records, by outcome", ["outcome"], registry=REGISTRY
)
PUBLICATIONS = Counter(
    "bd4m_publications", "Publication attempts, by outcome", ["outcome"], registry=REGISTRY
)
GENERATION = Gauge(
    "bd4m_store_generation", "The store's generation", multiprocess_mode="max", registry=REGISTRY
)
SLOW_QUERIES = logging.getLogger("bd4m_kg.slow_queries")


def observe_query(text: str, seconds: float, timed_out: bool = False) -> None:
    """Count a query's duration (or its timeout), and log it when it was slow."""
    QUERY_SECONDS.observe(seconds)
    if timed_out:
        QUERY_TIMEOUTS.inc()
    if seconds >= float(current_app.config["SLOW_QUERY"]):
        SLOW_QUERIES.warning(
            "%.2f s%s: %s", seconds, " (stopped)" if timed_out else "", " ".join(text.split())[:2000]
        )


@metrics.get("/metrics")
def exposition() -> Response:
    """Prometheus metrics of this server (all its processes when PROMETHEUS_MULTIPROC_DIR is set).

    ---
    get:
      responses:
        200:
          description: Prometheus text exposition
          content: {text/plain: {schema: {type: string}}}
    """
    GENERATION.set(get_store().generation)
    registry = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    body = generate_latest(registry)
    return Response(body, content_type=CONTENT_TYPE_LATEST)


def _start() -> None:
    g.metrics_started = time.perf_counter()


def _count(response: Response) -> Response:
    route = request.url_rule.rule if request.url_rule else "unmatched"
    REQUESTS.labels(route, request.method, str(response.status_code)).inc()
    started = g.get("metrics_started")
    if started is not None:
        LATENCY.labels(route).observe(time.perf_counter() - started)
    return response


def init_app(app: Flask) -> None:
    """Register /metrics and count every request."""
    app.register_blueprint(metrics)
    app.before_request(_start)
    app.after_request(_count)
