"""``export``, ``backup``, ``restore`` and ``release``: the store's state as files."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import click

from bd4m_kg.cli.app import main
from bd4m_kg.cli.common import audit, connect, fail, store_option
from bd4m_kg.store import (
    StoreError,
)


@main.command()
@store_option
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def export(location: str, state: Path | None, folder: Path) -> None:
    """Write one Turtle file per record to FOLDER, in data/'s layout (project/x.ttl, …).

    The same store content always gives the same bytes, so the curated store can go back into
    git: `bd4m-kg export data/` then `git diff`.
    """
    from bd4m_kg.publishing.export import export_records

    def progress(graphs: Iterator[str]) -> Iterator[str]:
        with click.progressbar(list(graphs), label="Exporting", file=sys.stderr) as bar:
            yield from bar

    with connect(location, state) as store:
        try:
            written = export_records(store, folder, progress)
        except StoreError as error:
            fail(str(error))
    click.echo(f"Wrote {written} record files under {folder}.")


@main.command("backup")
@store_option
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def backup_store(location: str, state: Path | None, folder: Path) -> None:
    """Back up the store and everything beside it into FOLDER, while it serves.

    FOLDER gets the quads of one generation (store.nq.gz), copies of the change log, tokens,
    feed, inbox and audit log, the frozen releases, and a manifest with checksums. Writers wait
    while it is taken.
    Restore it with `bd4m-kg restore FOLDER --store NEW`.
    """
    from bd4m_kg.publishing.backup import BackupError, backup

    with connect(location, state) as store:
        try:
            manifest = backup(store, folder)
        except (BackupError, StoreError) as error:
            fail(str(error))
        audit(store, "backup", str(folder), f"generation {manifest.generation}")
    click.echo(f"Backed up generation {manifest.generation} of {location} into {folder}.")


@main.command("restore")
@store_option
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
def restore_store(location: str, state: Path | None, folder: Path) -> None:
    """Restore a backup from FOLDER into an empty store (a new folder, or an empty Oxigraph server).

    The files are checked against the manifest first. Restoring into a store of a newer
    pyoxigraph, or into a server, is also how a store moves to a new storage version.
    """
    from bd4m_kg.publishing.backup import BackupError, restore

    with connect(location, state, writes=True) as store:
        try:
            manifest = restore(store, folder)
        except (BackupError, StoreError) as error:
            fail(str(error))
        audit(store, "restore", str(folder), f"generation {manifest.generation}")
    click.echo(f"Restored generation {manifest.generation} (backed up {manifest.time}) into {location}.")


@main.command("release")
@store_option
@click.argument("version")
def release_command(location: str, state: Path | None, version: str) -> None:
    """Freeze the current state as release VERSION (e.g. 1.0): dated, citable dumps that never change.

    The release is listed at /releases, in VoID and DCAT as a version of the dataset, and the home
    page says how to cite it.
    """
    from bd4m_kg.publishing.releases import ReleaseError, make_release

    with connect(location, state) as store:
        try:
            made = make_release(store, version)
        except (ReleaseError, StoreError) as error:
            fail(str(error))
        audit(store, "release", version, f"generation {made.generation}")
    click.echo(f"Released {version} on {made.date}: generation {made.generation}, {made.triples:,} triples.")
