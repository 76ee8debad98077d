"""``token`` and ``audit``: who may write, and what was done."""

from __future__ import annotations

from pathlib import Path

import click

from bd4m_kg.cli.app import main
from bd4m_kg.cli.common import audit, connect, fail, store_option


@main.group()
def token() -> None:
    """Create, list and revoke the tokens writers send as `Authorization: Bearer <token>`.

    \b
    Roles: submitter (submit records), curator (publish, reject, roll back, retire),
    admin (SPARQL Update, Graph Store writes). Tokens are kept beside the store, hashed.
    """


@token.command("create")
@store_option
@click.argument("name")
@click.option("--role", type=click.Choice(["submitter", "curator", "admin"]), required=True)
def token_create(location: str, state: Path | None, name: str, role: str) -> None:
    """Create a token for NAME (a person or a program) and print it; it is shown only this once."""
    from bd4m_kg.curation.tokens import TokenError, create_token

    with connect(location, state) as store:
        try:
            secret = create_token(store.state, name, role)
        except TokenError as error:
            fail(str(error))
        audit(store, "token create", f"{name} ({role})")
    click.echo(secret)
    click.echo(f"Token for {name} ({role}). Keep it now: only its hash is stored.", err=True)


@token.command("revoke")
@store_option
@click.argument("name")
def token_revoke(location: str, state: Path | None, name: str) -> None:
    """Revoke NAME's token: it is refused from the next request on."""
    from bd4m_kg.curation.tokens import TokenError, revoke_token

    with connect(location, state) as store:
        try:
            revoke_token(store.state, name)
        except TokenError as error:
            fail(str(error))
        audit(store, "token revoke", name)
    click.echo(f"Revoked the token of {name}.")


@token.command("list")
@store_option
def token_list(location: str, state: Path | None) -> None:
    """List the tokens: name, role, created, revoked."""
    from bd4m_kg.curation.tokens import list_tokens

    with connect(location, state) as store:
        for info in list_tokens(store.state):
            status = f"revoked {info.revoked}" if info.revoked else "active"
            click.echo(f"{info.name:<20} {info.role:<10} created {info.created}  {status}")


@main.command("audit")
@store_option
@click.option("--limit", default=50, show_default=True, help="How many entries, newest first.")
@click.option("--actor", help="Only this token name (or local user).")
def audit_log(location: str, state: Path | None, limit: int, actor: str | None) -> None:
    """Show the audit log: every write and write attempt, who, what, when, from where, outcome."""
    from bd4m_kg.curation.audit import AuditLog

    with connect(location, state) as store:
        for entry in AuditLog(store.state.folder).entries(limit, actor):
            who = f"{entry.time}  {entry.actor:<16} {entry.action:<40}"
            click.echo(f"{who} {entry.target}  [{entry.outcome}] {entry.origin}")
