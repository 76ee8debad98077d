"""Headers that tell browsers to run nothing but our own files and to trust no one framing us.

Every response gets them: a Content-Security-Policy that allows scripts, styles and images only
from this origin (no inline script or style: the pages have none, and embedded JSON-LD is data, not
script), framing only by our own pages (the curation page previews a record in a sandboxed frame),
``X-Content-Type-Options: nosniff`` and a referrer policy that keeps paths on this site.

A handful of fixed headers, so no library: Flask-Talisman would also redirect to HTTPS and set
cookie flags, which belong to the reverse proxy in front (docs/deploy.md).
"""

from __future__ import annotations

from flask import Flask, Response

POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    )
)
HEADERS = {
    "Content-Security-Policy": POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "SAMEORIGIN",  # frame-ancestors for browsers that predate it
}


def add_headers(response: Response) -> Response:
    """Set the security headers a view has not set itself."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def init_app(app: Flask) -> None:
    """Add the headers to every response."""
    app.after_request(add_headers)
