"""Per-client rate limits (Flask-Limiter): queries and curation, 429 with ``Retry-After``.

A client is its token's holder when it sends a valid token, else its address (see
``TRUSTED_PROXIES``). Query and validation limits spare every token holder; the submission limit
spares only curators and admins, so a submitter cannot fill the inbox. Counters live in
``RATE_LIMIT_STORAGE``: memory for one process, Redis or Memcached when several web processes or
hosts must share them. Answers served from the answer cache never reach the limiter.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, current_app, g, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from bd4m_kg.curation.tokens import Token, authenticate
from bd4m_kg.server.middleware.store import get_store

LIMITER_HOOKS = ("before_request_funcs", "after_request_funcs", "teardown_request_funcs")
LIMITED = {  # endpoint -> (the setting that limits it, the least role it spares)
    "sparql.query_endpoint": ("RATE_LIMIT_QUERIES", "submitter"),
    "queries.run_query": ("RATE_LIMIT_QUERIES", "submitter"),
    "reconcile.service": ("RATE_LIMIT_QUERIES", "submitter"),  # a batch of queries counts as one
    "curate.check": ("RATE_LIMIT_CURATION", "submitter"),
    "submissions.submit": ("RATE_LIMIT_CURATION", "curator"),
    "workbench.keep_link": ("RATE_LIMIT_LINKS", "submitter"),
}


def _token() -> Token | None:
    """The request's valid token, if any (looked up once per request)."""
    if "rate_limit_token" not in g:
        scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
        valid = scheme.lower() == "bearer" and secret.strip()
        g.rate_limit_token = authenticate(get_store().state, secret.strip()) if valid else None
    return g.rate_limit_token


def client_key() -> str:
    """Who the request's client is, for limits: its token's name, else its address."""
    token = _token()
    return f"token:{token.name}" if token else get_remote_address()


def init_app(app: Flask) -> None:
    """Limit the endpoints of :data:`LIMITED` per client."""

    @app.after_request  # registered before the limiter's own hook, so it runs after it
    def retry_after_only_on_refusals(response: Response) -> Response:
        """Retry-After only on the limiter's 429 and on answers that set their own.

        Flask-Limiter puts its window on every answer, and over an answer's own value.
        """
        if "retry_after" in g:
            response.headers["Retry-After"] = g.retry_after
        elif response.status_code != 429:
            response.headers.pop("Retry-After", None)
        return response

    had = {name: len(getattr(app, name).get(None, [])) for name in LIMITER_HOOKS}
    limiter = Limiter(
        client_key,
        app=app,
        storage_uri=str(app.config["RATE_LIMIT_STORAGE"]),
        headers_enabled=True,
        default_limits=[],
    )
    for name in LIMITER_HOOKS:  # the limiter's own hooks: for the endpoints it limits, not on every request
        hooks = getattr(app, name).setdefault(None, [])
        hooks[had[name] :] = [_where_limited(hook) for hook in hooks[had[name] :]]
    for endpoint, (setting, spared) in LIMITED.items():
        limit = limiter.shared_limit(
            lambda setting=setting: str(current_app.config[setting]),
            scope=f"{setting.lower()}-{spared}",
            exempt_when=lambda spared=spared: bool((token := _token()) and token.allows(spared)),
            error_message=_message(setting),
        )
        app.view_functions[endpoint] = limit(app.view_functions[endpoint])


def _where_limited(hook: Callable[..., Any]) -> Callable[..., Any]:
    """A request hook that runs for the endpoints of :data:`LIMITED` only (elsewhere it passes through)."""

    @functools.wraps(hook)
    def where_limited(*args: Any) -> Any:
        if request.endpoint in LIMITED:
            return hook(*args)
        return args[0] if args else None  # an after-request hook hands the response on

    return where_limited


def _message(setting: str) -> str:
    what = {"RATE_LIMIT_QUERIES": "queries", "RATE_LIMIT_LINKS": "short links"}.get(
        setting, "validations and submissions"
    )
    return f"too many {what} from you; wait for the time in Retry-After, or ask for a token"
