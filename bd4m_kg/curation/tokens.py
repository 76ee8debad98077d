"""Access tokens for writers: created once, stored only as a hash beside the store, revoked at once.

Roles, from least to most: ``submitter`` (submit), ``curator`` (publish, reject, roll back,
retire), ``admin`` (SPARQL Update, Graph Store writes, tokens). A token is sent as
``Authorization: Bearer <token>``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from bd4m_kg.store.state import StoreState, utc_now

ROLES = ("submitter", "curator", "admin")
SCHEMA = """
CREATE TABLE IF NOT EXISTS tokens (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    digest TEXT NOT NULL UNIQUE,
    created TEXT NOT NULL,
    revoked TEXT
);
"""
PREFIX = "bd4m_"


class TokenError(ValueError):
    """A token that cannot be created or revoked as asked."""


@dataclass(frozen=True)
class Token:
    """What is known about a token (never the token itself)."""

    name: str
    role: str
    created: str
    revoked: str | None

    def allows(self, role: str) -> bool:
        """True when this token's role is ``role`` or above it, and it is not revoked.

        >>> Token("ana", "curator", "", None).allows("submitter")
        True
        >>> Token("ana", "curator", "", None).allows("admin")
        False
        """
        return self.revoked is None and ROLES.index(self.role) >= ROLES.index(role)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(state: StoreState, name: str, role: str) -> str:
    """Create a token for ``name`` with ``role`` and return it; only its hash is kept."""
    if role not in ROLES:
        raise TokenError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    secret = PREFIX + secrets.token_urlsafe(32)
    with state.owned_connection(SCHEMA) as db:
        if db.execute("SELECT 1 FROM tokens WHERE name = ? AND revoked IS NULL", (name,)).fetchone():
            raise TokenError(f"{name} already has a token: revoke it first (bd4m-kg token revoke {name})")
        db.execute("DELETE FROM tokens WHERE name = ?", (name,))
        db.execute(
            "INSERT INTO tokens (name, role, digest, created) VALUES (?, ?, ?, ?)",
            (name, role, _digest(secret), utc_now()),
        )
    return secret


def revoke_token(state: StoreState, name: str) -> None:
    """Revoke ``name``'s token; from now on it is refused."""
    with state.owned_connection(SCHEMA) as db:
        changed = db.execute(
            "UPDATE tokens SET revoked = ? WHERE name = ? AND revoked IS NULL", (utc_now(), name)
        ).rowcount
    if not changed:
        raise TokenError(f"{name} has no token to revoke (bd4m-kg token list shows them)")


def list_tokens(state: StoreState) -> list[Token]:
    """Every token's name, role and dates, sorted by name."""
    with state.owned_connection(SCHEMA) as db:
        rows = db.execute("SELECT name, role, created, revoked FROM tokens ORDER BY name").fetchall()
    return [Token(*row) for row in rows]


def authenticate(state: StoreState, secret: str) -> Token | None:
    """The token ``secret`` belongs to, or None (unknown or revoked); compared in constant time."""
    digest = _digest(secret)
    with state.owned_connection(SCHEMA) as db:
        row = db.execute(
            "SELECT name, role, created, revoked, digest FROM tokens WHERE digest = ?", (digest,)
        ).fetchone()
    if row is None or not hmac.compare_digest(row[4], digest) or row[3] is not None:
        return None
    return Token(*row[:4])
