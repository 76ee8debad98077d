"""Every request that may write is written to the audit log (who, what, when, from where, status).

Reads sent with POST (SPARQL queries, ``/curate/validate``) are not writes and are not logged,
nor are requests to no route at all. The client address is the connection's peer, or the
client named by a trusted proxy (``TRUSTED_PROXIES``).
"""

from __future__ import annotations

from flask import Flask, Response, g, request

from bd4m_kg.server.middleware.store import get_audit

WRITE_METHODS = frozenset({"POST", "PUT", "DELETE", "PATCH"})
READS_BY_POST = frozenset({"sparql.query_endpoint", "curate.check"})


def _record(response: Response) -> Response:
    endpoint = request.endpoint
    if request.method in WRITE_METHODS and endpoint is not None and endpoint not in READS_BY_POST:
        token = g.get("token")
        get_audit().record(
            actor=token.name if token else "anonymous",
            action=f"{request.method} {request.path}",
            target=request.query_string.decode("utf-8", "replace") or request.path,
            origin=request.remote_addr or "unknown",
            outcome=str(response.status_code),
        )
    return response


def init_app(app: Flask) -> None:
    """Log every write request once it is answered."""
    app.after_request(_record)
