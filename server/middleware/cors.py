"""Cross-origin reads: every public read route answers any origin, exposing the headers clients need."""

from __future__ import annotations

from flask import Flask
from flask_cors import CORS

EXPOSED_HEADERS = [
    "Content-Type",
    "Vary",
    "Link",
    "ETag",
    "Last-Modified",
    "Result-Cap",
    "Result-Truncated",
    "Retry-After",
    "X-RateLimit-Limit",
    "X-RateLimit-Remaining",
    "X-RateLimit-Reset",
]
PUBLIC_READS = (
    r"/sparql",
    r"/queries.*",
    r"/graph-store",
    r"/(id|vocab|doc|graph)/.*",
    r"/ontology.*",
    r"/changes.*",
    r"/dumps/.*",
    r"/\.well-known/void",
    r"/catalog",
    r"/reconcile.*",
)


def public_read_headers() -> list[tuple[str, str]]:
    """The CORS headers of an answer to a public read (what the extension adds to one)."""
    return [
        ("Access-Control-Allow-Origin", "*"),
        ("Access-Control-Expose-Headers", ", ".join(sorted(EXPOSED_HEADERS))),
    ]


def init_app(app: Flask) -> None:
    """Allow every origin on the read routes (they are read-only or need a token, never a cookie)."""
    CORS(
        app,
        resources={pattern: {"origins": "*"} for pattern in PUBLIC_READS},
        expose_headers=EXPOSED_HEADERS,
        max_age=86400,
        send_wildcard=True,
    )
