"""What every command shares: the store options, connecting, failing in one line, the audit log."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import click

from bd4m_kg.config import default_store
from bd4m_kg.layout import KnowledgeFile
from bd4m_kg.store import (
    Store,
    StoreError,
    is_remote,
    open_store,
)

STORE_HELP = (
    "Folder of the embedded store, or the URL of an Oxigraph server (oxigraph serve "
    "--union-default-graph). Default: $BD4M_STORE, else var/store in the checkout "
    "(~/.local/share/bd4m-kg/store for an installed package)."
)


def store_option(command: click.decorators.FC) -> click.decorators.FC:
    """The ``--store`` and ``--state`` options every store command shares."""
    command = click.option(
        "--state",
        envvar="BD4M_STATE",
        type=click.Path(file_okay=False, path_type=Path),
        help="Where a remote store keeps its change log (default ~/.local/state/bd4m-kg/HOST-PORT).",
    )(command)
    return click.option("--store", "location", envvar="BD4M_STORE", default=default_store, help=STORE_HELP)(
        command
    )


def fail(message: str, code: int = 2) -> NoReturn:
    """Print an error the user can act on and exit."""
    click.secho(f"Error: {message}", fg="red", err=True)
    sys.exit(code)


def connect(location: str, state: Path | None, readers: int = 1, writes: bool = False) -> Store:
    """Open the store or exit with a message that says what to do.

    A command that ``writes`` to an embedded store is refused, before it touches anything, while
    a ``bd4m-kg serve`` holds that store: the server is its one writer.
    """
    if writes and not is_remote(location):
        refuse_if_served(Path(location))
    try:
        return open_store(location, state, readers=readers)
    except StoreError as error:
        fail(str(error))
        raise  # unreachable: fail exits


def refuse_if_served(folder: Path) -> None:
    """Exit with what to do when a running server holds the embedded store in ``folder``."""
    from bd4m_kg.store.holder import holder

    found = holder(folder)
    if found is not None:
        through = (
            f" ({found.url}curate, or its /graph-store with an admin token)"
            if found.url.startswith("http")
            else ""
        )
        fail(
            f"{folder} is served by {found.describe()}, its one writer: make the change through that "
            f"server{through}, or stop it and run this again. Nothing was written."
        )


def audit(store: Store, action: str, target: str, outcome: str = "ok") -> None:
    """Write a command-line write to the store's audit log (the local user, from this host)."""
    from bd4m_kg.curation.audit import AuditLog, command_line_origin

    AuditLog(store.state.folder).record(getpass.getuser(), action, target, command_line_origin(), outcome)


def _file_name(file: KnowledgeFile | None) -> str:
    return file.path.name if file else ""


def parsing_progress(files: list[KnowledgeFile]) -> Iterator[KnowledgeFile]:
    """The files being parsed, with a progress bar on stderr."""
    with click.progressbar(files, label="Parsing", item_show_func=_file_name, file=sys.stderr) as bar:
        yield from bar
