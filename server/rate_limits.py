"""Per-client rate limits (Flask-Limiter): queries and curation, 429 with ``Retry-After``.

Clients are told apart by address. Requests with a valid token are not limited. Counters live
in ``RATE_LIMIT_STORAGE``: memory for one process, Redis or Memcached when several web processes
or hosts must share them. Answers served from the answer cache never reach the limiter.
"""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from bd4m_kg.server.store import get_store
from bd4m_kg.tokens import authenticate

LIMITED = {  # endpoint -> the setting that limits it
    "sparql.query_endpoint": "RATE_LIMIT_QUERIES",
    "queries.run_query": "RATE_LIMIT_QUERIES",
    "curate.check": "RATE_LIMIT_CURATION",
    "submissions.submit": "RATE_LIMIT_CURATION",
}


def _has_token() -> bool:
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and authenticate(get_store().state, secret.strip()) is not None


def init_app(app: Flask) -> None:
    """Limit the endpoints of :data:`LIMITED` per client address."""
    limiter = Limiter(
        get_remote_address,
        app=app,
        storage_uri=str(app.config["RATE_LIMIT_STORAGE"]),
        headers_enabled=True,
        default_limits=[],
    )
    for endpoint, setting in LIMITED.items():
        limit = limiter.shared_limit(
            lambda setting=setting: str(current_app.config[setting]),
            scope=setting.lower(),
            exempt_when=_has_token,
            error_message=_message(setting),
        )
        app.view_functions[endpoint] = limit(app.view_functions[endpoint])


def _message(setting: str) -> str:
    what = "queries" if setting == "RATE_LIMIT_QUERIES" else "validations and submissions"
    return f"too many {what} from your address; wait for the time in Retry-After, or ask for a token"
