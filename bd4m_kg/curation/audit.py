"""The audit log: every write and write attempt, who, what, when, from where, and how it ended.

It lives beside the store, never in it (``audit.sqlite`` in the state folder): token names and
client addresses are not public. The web layer records each request that may write (with the
token's name, or ``anonymous``); the command line records its own writes with the local user.
"""

from __future__ import annotations

import getpass
import socket
from dataclasses import dataclass
from pathlib import Path

from bd4m_kg.store import side_files
from bd4m_kg.store.state import utc_now

_SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    time TEXT NOT NULL,
    actor TEXT NOT NULL,      -- token name, 'anonymous', or the local user for the command line
    action TEXT NOT NULL,     -- e.g. 'POST /curate/submissions/7/publish' or 'load'
    target TEXT NOT NULL,     -- what it was about: a graph, a submission, files
    origin TEXT NOT NULL,     -- client address, or 'cli user@host'
    outcome TEXT NOT NULL     -- HTTP status, or 'ok' / the error
);
"""


@dataclass(frozen=True)
class Entry:
    """One line of the audit log."""

    id: int
    time: str
    actor: str
    action: str
    target: str
    origin: str
    outcome: str


class AuditLog:
    """The audit log of one store; safe across threads and processes."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "audit.sqlite"
        side_files.create(self.path, _SCHEMA)

    def record(self, actor: str, action: str, target: str, origin: str, outcome: str) -> None:
        """Append one entry."""
        with side_files.transaction(self.path) as db:
            db.execute(
                "INSERT INTO audit (time, actor, action, target, origin, outcome) VALUES (?, ?, ?, ?, ?, ?)",
                (utc_now(), actor, action, target, origin, outcome),
            )

    def entries(self, limit: int = 100, actor: str | None = None) -> list[Entry]:
        """The latest entries, newest first (only ``actor``'s when given)."""
        where, parameters = ("WHERE actor = ?", (actor,)) if actor else ("", ())
        with side_files.reading(self.path) as db:
            rows = db.execute(
                f"SELECT id, time, actor, action, target, origin, outcome FROM audit {where} "
                "ORDER BY id DESC LIMIT ?",
                (*parameters, limit),
            ).fetchall()
        return [Entry(*row) for row in rows]


def command_line_origin() -> str:
    """Where a command-line write comes from: ``cli user@host``."""
    return f"cli {getpass.getuser()}@{socket.gethostname()}"
