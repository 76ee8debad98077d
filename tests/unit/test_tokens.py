"""Tokens: shown once, stored hashed beside the store, roles ordered, revocation immediate."""

from __future__ import annotations

import pytest

from bd4m_kg.curation.tokens import TokenError, authenticate, create_token, list_tokens, revoke_token
from bd4m_kg.store.state import StoreState
from test_cli import run


def test_a_token_is_stored_only_as_a_hash_and_revoked_at_once(tmp_path):
    state = StoreState(tmp_path)
    secret = create_token(state, "ana", "curator")
    assert secret.startswith("bd4m_") and len(secret) > 40
    assert secret.encode() not in (tmp_path / "state.sqlite").read_bytes()
    token = authenticate(state, secret)
    assert token is not None and token.name == "ana" and token.allows("curator") and not token.allows("admin")
    assert authenticate(state, secret + "x") is None
    revoke_token(state, "ana")
    assert authenticate(state, secret) is None
    assert [(t.name, t.role, t.revoked is not None) for t in list_tokens(state)] == [("ana", "curator", True)]


def test_one_active_token_per_name_and_clear_errors(tmp_path):
    state = StoreState(tmp_path)
    create_token(state, "bot", "admin")
    with pytest.raises(TokenError, match="revoke it first"):
        create_token(state, "bot", "admin")
    with pytest.raises(TokenError, match="role must be one of"):
        create_token(state, "eve", "root")
    with pytest.raises(TokenError, match="no token to revoke"):
        revoke_token(state, "nobody")
    revoke_token(state, "bot")
    assert authenticate(state, create_token(state, "bot", "submitter")).role == "submitter"


def test_token_commands(tmp_path):
    store = str(tmp_path / "store")
    created = run("token", "create", "ana", "--role", "admin", "--store", store)
    assert created.returncode == 0 and created.stdout.strip().startswith("bd4m_")
    assert "only its hash is stored" in created.stderr
    listed = run("token", "list", "--store", store)
    assert listed.stdout.split()[:2] == ["ana", "admin"] and "active" in listed.stdout
    assert created.stdout.strip() not in listed.stdout
    assert run("token", "revoke", "ana", "--store", store).returncode == 0
    again = run("token", "revoke", "ana", "--store", store)
    assert again.returncode == 2 and "no token to revoke" in again.stderr
