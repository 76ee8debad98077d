"""Backups: the whole store and everything beside it, taken online, restored into any kind of store.

A backup folder holds ``store.nq.gz`` (every quad of one generation, as N-Quads), a copy of each
SQLite file beside the store (change log, tokens, feed and old versions; inbox; audit log) made
with SQLite's online backup, the frozen releases, and ``manifest.json`` (generation, base,
time, SHA-256 of each file). It is taken under the writer lock, so quads and bookkeeping describe
the same generation (writers wait while the quads are written; readers never do). N-Quads make
it independent of the engine and of its storage version: restoring into a store of a newer
pyoxigraph, or into an Oxigraph server, is the upgrade path.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from bd4m_kg.publishing.changes import recover
from bd4m_kg.rdf.rdf_io import as_file
from bd4m_kg.store import Store, side_files
from bd4m_kg.store.state import utc_now

FORMAT = 1
QUADS = "store.nq.gz"
MANIFEST = "manifest.json"
SIDE_FILES = ("state.sqlite", "inbox.sqlite", "audit.sqlite")
RELEASES = "releases"  # frozen release dumps: never change, so hard links are copies


class BackupError(ValueError):
    """A backup that cannot be taken or restored as asked; the message says why and what to do."""


@dataclass(frozen=True)
class Manifest:
    """What a backup holds."""

    generation: int
    base: str
    time: str
    files: dict[str, str]  # file name -> SHA-256


def backup(store: Store, folder: Path) -> Manifest:
    """Write a consistent backup of ``store`` into the new or empty ``folder``."""
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(f"{folder} is not empty: back up into a new folder")
    folder.mkdir(parents=True, exist_ok=True)
    with store.state.writer_lock():
        recover(store)
        generation, base = store.generation, store.base
        for name in SIDE_FILES:
            if (store.state.folder / name).exists():
                _copy_sqlite(store.state.folder / name, folder / name)
        with gzip.GzipFile(folder / QUADS, "wb", compresslevel=6, mtime=0) as output:
            store.dump_quads(as_file(output))
        if (store.state.folder / RELEASES).is_dir():
            shutil.copytree(
                store.state.folder / RELEASES, folder / RELEASES, copy_function=side_files.link_or_copy
            )
    files = {str(p.relative_to(folder)): _sha256(p) for p in sorted(folder.rglob("*")) if p.is_file()}
    manifest = Manifest(generation, base, utc_now(), files)
    (folder / MANIFEST).write_text(json.dumps(manifest.__dict__, indent=2) + "\n")
    return manifest


def restore(store: Store, folder: Path) -> Manifest:
    """Restore the backup in ``folder`` into the empty ``store`` (its files are checked first)."""
    manifest = read_manifest(folder)
    with store.state.writer_lock():
        if store.generation != 0 or store.graph_names():
            raise BackupError(
                f"{store.location} is not empty: restore into a new store folder or an empty server"
            )
        with gzip.open(folder / QUADS, "rb") as nquads:  # first: a failure here leaves the store empty
            store.load_dataset(as_file(nquads))
        if (folder / RELEASES).is_dir():
            shutil.copytree(
                folder / RELEASES, store.state.folder / RELEASES, copy_function=side_files.link_or_copy
            )
        for name in SIDE_FILES:
            if name in manifest.files:
                _copy_sqlite(folder / name, store.state.folder / name)
        store.after_commit(store.generation)  # the read snapshot of the restored generation
    return manifest


def read_manifest(folder: Path) -> Manifest:
    """The backup's manifest, after checking that every file it lists is there and intact."""
    try:
        data = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"{folder} holds no readable {MANIFEST}: is it a bd4m-kg backup?") from error
    manifest = Manifest(data["generation"], data["base"], data["time"], data["files"])
    for name, digest in manifest.files.items():
        if not (folder / name).is_file() or _sha256(folder / name) != digest:
            raise BackupError(
                f"{folder / name} is missing or damaged (its checksum differs): nothing was restored"
            )
    return manifest


def _copy_sqlite(source: Path, target: Path) -> None:
    """Copy a SQLite database consistently, even while others write to it."""
    with closing(sqlite3.connect(source)) as origin, closing(sqlite3.connect(target)) as copy:
        origin.backup(copy)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        for block in iter(lambda: source.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
