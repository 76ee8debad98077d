"""``bd4m-kg submit`` and ``bd4m-kg inbox``: curation from the command line.

A partner submits to a running server (``--server URL --token …``); a curator with access to the
store's folder (or its remote state) lists, reviews, publishes and rejects submissions directly.
"""

from __future__ import annotations

import getpass
import json
import re
import sys
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import click

from bd4m_kg.cli.app import main
from bd4m_kg.cli.common import audit, connect, fail, store_option
from bd4m_kg.publishing.changes import ChangeResult
from bd4m_kg.rdf.formats import UnknownFormatError, rdf_format_for_path
from bd4m_kg.rdf.iris import SEGMENT, thing_iri
from bd4m_kg.store import Store


@main.command()
@store_option
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--server", metavar="URL", help="Submit to this running bd4m-kg server instead of a store.")
@click.option("--token", envvar="BD4M_TOKEN", help="Your submitter token for --server (or $BD4M_TOKEN).")
@click.option("--as", "submitter", default=getpass.getuser, help="Who submits (without --server).")
def submit(
    location: str, state: Path | None, file: Path, server: str | None, token: str | None, submitter: str
) -> None:
    """Submit a record file for curators to publish; prints its id and validation report.

    The file is kept exactly as sent, even when it is unreadable or does not conform. Formats:
    .ttl .nt .rdf .jsonld. Exit codes: 0 the submission conforms, 1 it does not, 2 it could not
    be submitted.

    \b
    Examples: bd4m-kg submit --server https://example.org --token $TOKEN my-project.ttl
              bd4m-kg submit --store var/store my-project.ttl
    """
    try:
        media_type = rdf_format_for_path(file).media_type
    except UnknownFormatError as error:
        fail(str(error))
    body = file.read_bytes()
    if server:
        answer = _post(f"{server.rstrip('/')}/curate/submissions", body, media_type, token, file.name)
    else:
        from bd4m_kg.curation.inbox import Inbox
        from bd4m_kg.curation.submissions import submit as keep

        with connect(location, state) as store:
            box = Inbox(store.state.folder)
            kept = box.get(keep(store, box, body, media_type, submitter, file.name))
            audit(store, "submit", f"submission {kept.id} ({file.name})", kept.state)
            answer = {**kept.summary(), "report": kept.report}
    click.echo(f"Submission {answer['id']} is {answer['state']}.")
    click.echo(report_text(answer.get("report") or {}))
    sys.exit(0 if answer["state"] == "valid" else 1)


def _post(url: str, body: bytes, media_type: str, token: str | None, name: str) -> dict[str, Any]:
    """POST a submission to a server; its JSON answer (or exit 2 with the server's message)."""
    if not token:
        fail("--server needs your submitter token: --token or $BD4M_TOKEN")
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": media_type,
            "Content-Disposition": f'attachment; filename="{_quoted(name)}"',
            "Authorization": f"Bearer {token}",
            "Accept": "application/json",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return cast(dict[str, Any], json.load(response))
    except urllib.error.HTTPError as error:
        details = json.loads(error.read() or b"{}")
        if error.code == 415 and "id" in details:
            return cast(dict[str, Any], details)
        fail(f"{url} answered {error.code}: {details.get('error', error.reason)}")
    except (urllib.error.URLError, OSError) as error:
        fail(f"cannot reach {url}: {error}")
    raise AssertionError("unreachable")


def _quoted(name: str) -> str:
    """A file name fit for a quoted header parameter (ASCII, no quotes or backslashes)."""
    return "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in name)


def report_text(report: dict[str, Any]) -> str:
    """A stored report in plain words: the reason it is unreadable, or each problem with its line."""
    if report.get("error"):
        return f"Unreadable: {report['error']}"
    lines = []
    for problem in report.get("problems", []):
        where = f"line {problem['line']}" if problem.get("line") else problem.get("pointer") or "line unknown"
        lines.append(f"  {problem['severity']:<9} {where:<10} {problem['focus']}")
        lines.append(f"            {problem['message']}")
    return "\n".join(lines) or "No problems found."


@main.group()
def inbox() -> None:
    """Review the submissions inbox: list, show (report and diff), publish, reject.

    \b
    A submission moves received → valid | invalid → published, or → rejected. Publishing
    validates again against the live graph and refuses a submission written against a record
    version that has changed since.
    """


@inbox.command("list")
@store_option
@click.option(
    "--only",
    "wanted",
    type=click.Choice(["received", "invalid", "valid", "publishing", "published", "rejected"]),
    help="Only the submissions in this state.",
)
def inbox_list(location: str, state: Path | None, wanted: str | None) -> None:
    """List submissions, newest first."""
    from bd4m_kg.curation.inbox import Inbox

    with connect(location, state) as store:
        for item in Inbox(store.state.folder).list(state=wanted):
            click.echo(
                f"{item.id:>5}  {item.state:<10} {item.received}  {item.submitter:<16} {item.filename}"
            )


@inbox.command("show")
@store_option
@click.argument("number", type=int)
def inbox_show(location: str, state: Path | None, number: int) -> None:
    """Show a submission: who sent it, its report, and what it changes in the live records."""
    from bd4m_kg.curation import submissions as curation
    from bd4m_kg.curation.inbox import Inbox, InboxError

    with connect(location, state) as store:
        box = Inbox(store.state.folder)
        try:
            item = box.get(number)
        except InboxError as error:
            fail(str(error))
        click.echo(
            f"Submission {item.id}: {item.state}, from {item.submitter} at {item.received} ({item.filename})"
        )
        click.echo(report_text(item.report or {}))
        if item.report and not item.report.get("error"):
            body = box.body(number)
            with curation.read_submission(body, item.media_type, item.filename, store.base) as staged:
                for graph, change in curation.diff(store, staged).items():
                    click.echo(f"\n{graph}")
                    for line in change["removed"]:
                        click.secho(f"- {line}", fg="red")
                    for line in change["added"]:
                        click.secho(f"+ {line}", fg="green")


@inbox.command("publish")
@store_option
@click.argument("number", type=int)
@click.option("--as", "curator", default=getpass.getuser, help="The curator publishing it.")
def inbox_publish(location: str, state: Path | None, number: int, curator: str) -> None:
    """Publish a submission: its records replace the live ones, with provenance, in one change."""
    from bd4m_kg.curation import submissions as curation
    from bd4m_kg.curation.inbox import Inbox, InboxError

    with connect(location, state, writes=True) as store:
        try:
            result = curation.publish(store, Inbox(store.state.folder), number, curator)
        except (curation.NotConforming, curation.Conflict, InboxError) as error:
            audit(store, f"inbox publish (as {curator})", f"submission {number}", type(error).__name__)
            _explain(error, number)
        audit(
            store, f"inbox publish (as {curator})", f"submission {number}", f"generation {result.generation}"
        )
    click.echo(f"Published submission {number} as generation {result.generation}.")


def _explain(error: Exception, number: int) -> None:
    """Exit with what a refused publication means and what to do."""
    from bd4m_kg.curation import submissions as curation

    if isinstance(error, curation.NotConforming):
        click.echo(report_text(error.assessment.as_dict()))
        fail(str(error), code=1)
    if isinstance(error, curation.Conflict):
        fail(f"{error}: review it with `bd4m-kg inbox show {number}` and ask for a new submission", code=1)
    fail(str(error))


@inbox.command("reject")
@store_option
@click.argument("number", type=int)
@click.option("--reason", required=True, help="Why, in words the submitter can act on.")
@click.option("--as", "curator", default=getpass.getuser, help="The curator rejecting it.")
def inbox_reject(location: str, state: Path | None, number: int, reason: str, curator: str) -> None:
    """Reject a submission with a reason the submitter reads."""
    from bd4m_kg.curation import submissions as curation
    from bd4m_kg.curation.inbox import Inbox, InboxError

    with connect(location, state) as store:
        try:
            curation.reject(Inbox(store.state.folder), number, curator, reason)
        except InboxError as error:
            fail(str(error))
        audit(store, f"inbox reject (as {curator})", f"submission {number}", reason)
    click.echo(f"Rejected submission {number}.")


SEGMENT_PAIR = re.compile(f"{SEGMENT.pattern}/{SEGMENT.pattern}")


@main.group()
def record() -> None:
    """A record's history, and a curator's ways back: rollback and retire.

    \b
    RECORD is KIND/SLUG, e.g. project/project-jetson.
    """


def _graph_of(store: Store, name: str) -> tuple[str, str]:
    """The IRI and graph of the record KIND/SLUG, or exit 2 saying what a record name looks like."""
    from bd4m_kg.rdf.iris import record_graph

    topic = thing_iri(store.base, name.strip("/"))
    graph = record_graph(topic, store.base)
    if graph is None or name.count("/") != 1 or not SEGMENT_PAIR.fullmatch(name.strip("/")):
        fail(f"{name!r} is not a record name: give KIND/SLUG, e.g. project/project-jetson")
    return topic, graph or ""


@record.command("history")
@store_option
@click.argument("name", metavar="RECORD")
def record_history(location: str, state: Path | None, name: str) -> None:
    """Every version of a record, newest first, with what changed."""
    from bd4m_kg.curation.history import record_history as versions_of
    from bd4m_kg.curation.inbox import Inbox

    with connect(location, state) as store:
        _, graph = _graph_of(store, name)
        versions = versions_of(store, Inbox(store.state.folder), graph)
        if not versions:
            fail(f"there is no record {name}")
        for version in versions:
            click.secho(f"generation {version.generation}  {version.time}  {version.summary}", bold=True)
            for line in version.removed:
                click.secho(f"- {line}", fg="red")
            for line in version.added:
                click.secho(f"+ {line}", fg="green")


@record.command("rollback")
@store_option
@click.argument("name", metavar="RECORD")
@click.option("--to", "generation", type=int, required=True, help="The generation whose version comes back.")
@click.option("--as", "curator", default=getpass.getuser, help="The curator rolling it back.")
def record_rollback(location: str, state: Path | None, name: str, generation: int, curator: str) -> None:
    """Publish an old version of a record again, as a new change with provenance."""
    from bd4m_kg.curation import history
    from bd4m_kg.curation.inbox import Inbox

    with connect(location, state, writes=True) as store:
        _, graph = _graph_of(store, name)
        _curator_change(
            store, lambda: history.rollback(store, Inbox(store.state.folder), graph, generation, curator)
        )


@record.command("retire")
@store_option
@click.argument("name", metavar="RECORD")
@click.option("--reason", required=True, help="Why, in words a reader understands.")
@click.option(
    "--replaced-by", metavar="IRI", help="The record it was merged into (its IRI then answers 301)."
)
@click.option("--as", "curator", default=getpass.getuser, help="The curator retiring it.")
def record_retire(
    location: str, state: Path | None, name: str, reason: str, replaced_by: str | None, curator: str
) -> None:
    """Retire a record: its IRI answers 410 Gone, or 301 to the record it was merged into."""
    from bd4m_kg.curation import history
    from bd4m_kg.curation.inbox import Inbox

    with connect(location, state, writes=True) as store:
        topic, _ = _graph_of(store, name)
        inbox = Inbox(store.state.folder)
        _curator_change(store, lambda: history.retire(store, inbox, topic, curator, reason, replaced_by))


def _curator_change(store: Store, change: Callable[[], tuple[int, ChangeResult]]) -> None:
    """Run a rollback or retirement, log it, and say what it made (or why it was refused)."""
    from bd4m_kg.curation import history
    from bd4m_kg.curation import submissions as curation

    try:
        number, result = change()
    except (history.NoSuchRecord, history.Refused, curation.Conflict) as error:
        fail(str(error))
    except curation.NotConforming as error:
        click.echo(report_text(error.assessment.as_dict()))
        fail(str(error), code=1)
    audit(store, "record change", f"submission {number}", f"generation {result.generation}")
    click.echo(f"Published as submission {number}, generation {result.generation}.")
