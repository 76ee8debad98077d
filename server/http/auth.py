"""Who may write: a bearer token with a role (see ``bd4m-kg token``); no cookies, so no CSRF."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import g, request

from bd4m_kg.curation.tokens import Token, authenticate
from bd4m_kg.server.http.errors import ApiError
from bd4m_kg.server.middleware.store import get_store

CHALLENGE = {"WWW-Authenticate": 'Bearer realm="bd4m-kg"'}


def require(role: str) -> Token:
    """The request's token when it has ``role`` (or above); else a 401 or 403 that says what to do."""
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise ApiError(
            401,
            f"this needs a {role} token: send Authorization: Bearer <token> (bd4m-kg token create)",
            CHALLENGE,
        )
    token = authenticate(get_store().state, secret.strip())
    g.token = token
    if token is None:
        raise ApiError(401, "the token is unknown or revoked", CHALLENGE)
    if not token.allows(role):
        raise ApiError(403, f"this needs a {role} token; {token.name}'s token is for a {token.role}")
    return token


def token_if_sent() -> Token | None:
    """The request's token when it sends one (a 401 when it is unknown or revoked), else None."""
    if "Authorization" not in request.headers:
        return None
    return require("submitter")


def needs(role: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Guard a view: it runs only for a token of ``role`` (or above), which it receives as ``token``.

    The guarded view carries ``required_role``, which the OpenAPI description reads.
    """

    def guard(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            return view(*args, token=require(role), **kwargs)

        guarded.required_role = role  # type: ignore[attr-defined]
        return guarded

    return guard
