"""Files kept beside the store (never in it): SQLite files in transactions, frozen files linked."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path


def create(path: Path, schema: str) -> None:
    """Create the file's tables (and their indexes) if they are missing; WAL, so readers never wait."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(path, timeout=30)) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.executescript(schema)


@contextmanager
def reading(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection for reading only: under WAL it never waits for writers, nor makes them wait."""
    with closing(sqlite3.connect(path, timeout=30)) as db:
        yield db


@contextmanager
def transaction(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection in one immediate transaction, synced to disk on commit, rolled back on error."""
    with closing(sqlite3.connect(path, timeout=30, isolation_level=None)) as db:
        db.execute("PRAGMA synchronous=FULL")
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")


def link_or_copy(source: str, target: str) -> None:
    """Hard-link a file that never changes (a release's dump), or copy it across filesystems."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
