"""The submissions inbox: every submission kept exactly as received, outside the public store.

A submission is written here (bytes, media type, submitter, time, SHA-256) before it is even
parsed, so nothing a partner sends is lost, unreadable and invalid submissions included. It
lives in ``inbox.sqlite`` in the store's state folder, beside ``state.sqlite``. Its state moves
received → invalid | valid → publishing → published, or → rejected.
"""

from __future__ import annotations

import builtins
import hashlib
import json
import sqlite3
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bd4m_kg.store import side_files
from bd4m_kg.store.state import utc_now

STATES = ("received", "invalid", "valid", "publishing", "published", "rejected")
OPEN_STATES = ("received", "invalid", "valid")  # a curator can still publish or reject these
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS submissions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    received TEXT NOT NULL,
    submitter TEXT NOT NULL,
    media_type TEXT NOT NULL,
    filename TEXT NOT NULL,
    body BLOB NOT NULL,
    checksum TEXT NOT NULL,
    based_on TEXT,          -- JSON: record graph -> generation of the version it was written against
    state TEXT NOT NULL CHECK (state IN ({", ".join(repr(s) for s in STATES)})),
    report TEXT,            -- JSON: the validation report (or the parse error)
    decided_by TEXT,
    decided_at TEXT,
    reason TEXT,
    generation INTEGER      -- the generation that published it
);
CREATE INDEX IF NOT EXISTS submissions_by_state ON submissions (state, id);
"""


class InboxError(Exception):
    """A request the inbox cannot carry out; see the two kinds below."""


class NoSuchSubmission(InboxError, LookupError):
    """A submission that does not exist."""


class WrongState(InboxError, ValueError):
    """A submission whose state does not allow the request (e.g. publishing a published one)."""


@dataclass(frozen=True)
class Submission:
    """One submission and what happened to it."""

    id: int
    received: str
    submitter: str
    media_type: str
    filename: str
    checksum: str
    based_on: dict[str, int] | None
    state: str
    report: dict[str, Any] | None
    decided_by: str | None
    decided_at: str | None
    reason: str | None
    generation: int | None

    def summary(self) -> dict[str, Any]:
        """What a listing shows (no body, no report)."""
        return {
            "id": self.id,
            "received": self.received,
            "submitter": self.submitter,
            "filename": self.filename,
            "media_type": self.media_type,
            "checksum": self.checksum,
            "state": self.state,
            "decided_by": self.decided_by,
            "decided_at": self.decided_at,
            "generation": self.generation,
        }


_COLUMNS = (
    "id, received, submitter, media_type, filename, checksum, based_on, state, report, "
    "decided_by, decided_at, reason, generation"
)


class Inbox:
    """The inbox of one store (``inbox.sqlite`` in its state folder); safe across threads and processes."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "inbox.sqlite"
        side_files.create(self.path, _SCHEMA)

    def _connection(self) -> AbstractContextManager[sqlite3.Connection]:
        return side_files.transaction(self.path)  # synced: a 201 means the bytes are on disk

    def receive(self, body: bytes, media_type: str, submitter: str, filename: str) -> int:
        """Keep a submission as received and return its id (call before anything else looks at it)."""
        checksum = hashlib.sha256(body).hexdigest()
        with self._connection() as db:
            cursor = db.execute(
                "INSERT INTO submissions (received, submitter, media_type, filename, body, checksum, state) "
                "VALUES (?, ?, ?, ?, ?, ?, 'received')",
                (utc_now(), submitter, media_type, filename, body, checksum),
            )
        return int(cursor.lastrowid or 0)

    def get(self, number: int) -> Submission:
        """The submission ``number``, or :class:`InboxError`."""
        with side_files.reading(self.path) as db:
            row = db.execute(f"SELECT {_COLUMNS} FROM submissions WHERE id = ?", (number,)).fetchone()
        if row is None:
            raise NoSuchSubmission(f"there is no submission {number}")
        return _submission(row)

    def body(self, number: int) -> bytes:
        """The bytes of submission ``number`` exactly as received."""
        with side_files.reading(self.path) as db:
            row = db.execute("SELECT body FROM submissions WHERE id = ?", (number,)).fetchone()
        if row is None:
            raise NoSuchSubmission(f"there is no submission {number}")
        return bytes(row[0])

    def list(
        self,
        submitter: str | None = None,
        state: str | None = None,
        limit: int = 200,
        before: int | None = None,
    ) -> list[Submission]:
        """Submissions, newest first: all, or one submitter's, or those in one state; ``before`` pages."""
        where: list[str] = []
        parameters: list[object] = []
        if before is not None:
            where.append("id < ?")
            parameters.append(before)
        if submitter is not None:
            where.append("submitter = ?")
            parameters.append(submitter)
        if state is not None:
            where.append("state = ?")
            parameters.append(state)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        with side_files.reading(self.path) as db:
            rows = db.execute(
                f"SELECT {_COLUMNS} FROM submissions {clause} ORDER BY id DESC LIMIT ?", (*parameters, limit)
            ).fetchall()
        return [_submission(row) for row in rows]

    def published_by(self, generations: builtins.list[int]) -> dict[int, int]:  # list: the method above
        """The submission each of these generations published: generation -> submission id."""
        if not generations:
            return {}
        marks = ",".join("?" * len(generations))
        with side_files.reading(self.path) as db:
            rows = db.execute(
                "SELECT generation, id FROM submissions "
                f"WHERE state = 'published' AND generation IN ({marks})",
                generations,
            ).fetchall()
        return dict(rows)

    def assessed(
        self, number: int, state: str, report: dict[str, Any] | None, based_on: dict[str, int] | None
    ) -> None:
        """Record a submission's state (received, valid or invalid), report and record versions.

        ``None`` leaves the report or the versions as they were; a submission already on its way
        out (publishing, published, rejected) is left alone.
        """
        with self._connection() as db:
            db.execute(
                "UPDATE submissions SET state = ?, report = coalesce(?, report), "
                "based_on = coalesce(?, based_on) WHERE id = ? AND state IN ('received', 'invalid', 'valid')",
                (state, _json(report), _json(based_on), number),
            )

    def move(self, number: int, to: str, allowed_from: tuple[str, ...], **decision: object) -> Submission:
        """Move a submission to state ``to`` if it is in one of ``allowed_from``; else :class:`InboxError`."""
        columns = {k: v for k, v in decision.items() if k in ("decided_by", "reason", "generation")}
        if to in ("published", "rejected"):
            columns["decided_at"] = utc_now()
        assignments = "".join(f", {name} = ?" for name in columns)
        marks = ",".join("?" * len(allowed_from))
        with self._connection() as db:
            changed = db.execute(
                f"UPDATE submissions SET state = ?{assignments} WHERE id = ? AND state IN ({marks})",
                (to, *columns.values(), number, *allowed_from),
            ).rowcount
            row = db.execute(f"SELECT {_COLUMNS} FROM submissions WHERE id = ?", (number,)).fetchone()
        if row is None:
            raise NoSuchSubmission(f"there is no submission {number}")
        if not changed:
            raise WrongState(f"submission {number} is {row[7]}, so it cannot become {to}")
        return _submission(row)


def _json(value: object) -> str | None:
    return None if value is None else json.dumps(value, sort_keys=True)


def _submission(row: tuple[Any, ...]) -> Submission:
    values = list(row)
    values[6] = json.loads(values[6]) if values[6] else None
    values[8] = json.loads(values[8]) if values[8] else None
    return Submission(*values)
