"""What lives beside the store and never in it: generation, change log, pending-change journal, writer lock.

Everything in the store is public, so this private bookkeeping is a small SQLite file
(``state.sqlite``) in the state folder: the store folder for the embedded store, a folder of
the operator's choice for a remote one.
"""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, closing, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS changes (
    generation INTEGER PRIMARY KEY,
    time TEXT NOT NULL,
    actor TEXT NOT NULL,
    summary TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'committed')),
    journal TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS change_graphs (
    generation INTEGER NOT NULL REFERENCES changes (generation) ON DELETE CASCADE,
    graph TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('replaced', 'dropped', 'updated')),
    PRIMARY KEY (generation, graph)
);
CREATE INDEX IF NOT EXISTS change_graphs_by_graph ON change_graphs (graph, generation);
"""


_PINNED: ContextVar[tuple[StoreState, int] | None] = ContextVar("pinned_generation", default=None)


@dataclass(frozen=True)
class ChangeRecord:
    """One committed (or pending) change: its generation, when, who, what, and the graphs it touched."""

    generation: int
    time: str
    actor: str
    summary: str
    status: str
    graphs: dict[str, str]  # graph IRI -> "replaced" | "dropped" | "updated"
    journal: dict[str, str]


@dataclass(frozen=True)
class GraphVersion:
    """The last committed change of a graph: its generation and time (ISO 8601, UTC)."""

    generation: int
    time: str


class StoreState:
    """The SQLite bookkeeping of one store; safe to share between threads and processes."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.path = folder / "state.sqlite"
        self._watched = (str(self.path), f"{self.path}-wal")  # a commit changes one of them
        self._thread_lock = threading.Lock()
        self._holder: int | None = None
        self._on_release: list[Callable[[], None]] = []
        self._generation: tuple[tuple[tuple[int, int], ...], int] | None = None
        self._owned: set[str] = set()
        self._versions: dict[str, GraphVersion] = {}  # every changed graph's last version, up to:
        self._versions_upto = 0
        self._versions_lock = threading.Lock()
        with self.connection() as db:
            db.executescript(_SCHEMA)

    def owned_connection(self, schema: str) -> AbstractContextManager[sqlite3.Connection]:
        """:meth:`connection`, with a feature's own tables (``CREATE … IF NOT EXISTS``) made first, once.

        The change log and the journal are the store's; the change feed's log and the tokens
        are their features' (``publishing/feed_log.py``, ``curation/tokens.py``), in the same file.
        """
        if schema not in self._owned:
            with self.connection() as db:
                db.executescript(schema)
            self._owned.add(schema)
        return self.connection()

    @contextmanager
    def connection(self) -> Iterator[sqlite3.Connection]:
        """A connection in one transaction, committed when the block ends (rolled back on error)."""
        with closing(self._connect()) as db, db:
            yield db

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("BEGIN")
        return db

    def writer_busy(self) -> bool:
        """Whether some thread or process holds the writer lock right now (never waits)."""
        with open(self.folder / "writer.lock", "w") as probe:
            try:
                fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(probe, fcntl.LOCK_UN)
            return False

    def when_released(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` each time this process lets go of the writer lock, before others may take it."""
        self._on_release.append(callback)

    @contextmanager
    def writer_lock(self) -> Iterator[None]:
        """Hold the one writer lock of this store (across threads and processes) while changing it.

        A thread already holding it may take it again (read-then-write changes hold it around both).
        """
        if self._holder == threading.get_ident():
            yield
            return
        with self._thread_lock, open(self.folder / "writer.lock", "w") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            self._holder = threading.get_ident()
            try:
                yield
            finally:
                try:
                    for callback in self._on_release:
                        callback()
                finally:
                    self._holder = None
                    fcntl.flock(lock_file, fcntl.LOCK_UN)

    @property
    def generation(self) -> int:
        """The number of the last committed change (0 for a store never written).

        Read again only when the SQLite files changed (any process's commit changes them), so
        asking on every query costs two ``stat`` calls rather than a database round trip; inside
        :meth:`pinned`, not even those.
        """
        pinned = _PINNED.get()
        if pinned is not None and pinned[0] is self:
            return pinned[1]
        key = self._files_signature()
        if self._generation is None or self._generation[0] != key:
            with self.connection() as db:
                row = db.execute("SELECT max(generation) FROM changes WHERE status = 'committed'").fetchone()
            self._generation = (key, row[0] or 0)
        return self._generation[1]

    @contextmanager
    def pinned(self) -> Iterator[int]:
        """Read the generation once and see that one for the rest of the block (in this thread).

        For a read (a GET): it sees one generation throughout, and asks the file system once. A
        ``stat`` lets go of the GIL, and a thread that lets go of it under load waits for it
        again, so a dozen of them made a cold document three times slower. Never around a write.
        """
        token = _PINNED.set((self, self.generation))
        try:
            yield _PINNED.get()[1]  # type: ignore[index]  # set just above
        finally:
            _PINNED.reset(token)

    def _files_signature(self) -> tuple[tuple[int, int], ...]:
        signature = []
        for path in self._watched:
            try:
                status = os.stat(path)
            except FileNotFoundError:
                continue
            signature.append((status.st_mtime_ns, status.st_size))
        return tuple(signature)

    def get(self, key: str) -> str | None:
        """A stored setting of this store, such as the base IRI it was built with."""
        with self.connection() as db:
            row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def put(self, key: str, value: str) -> None:
        """Record a setting of this store."""
        with self.connection() as db:
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def begin(self, actor: str, summary: str, graphs: dict[str, str], journal: dict[str, str]) -> int:
        """Journal a change as pending before the store is touched; return its generation number."""
        with self.connection() as db:
            if db.execute("SELECT 1 FROM changes WHERE status = 'pending'").fetchone():
                raise RuntimeError("another change is pending: finish it (recover) before a new one")
            generation = (db.execute("SELECT max(generation) FROM changes").fetchone()[0] or 0) + 1
            db.execute(
                "INSERT INTO changes (generation, time, actor, summary, status, journal) "
                "VALUES (?, ?, ?, ?, 'pending', ?)",
                (generation, utc_now(), actor, summary, json.dumps(journal)),
            )
            db.executemany(
                "INSERT INTO change_graphs (generation, graph, action) VALUES (?, ?, ?)",
                [(generation, graph, action) for graph, action in sorted(graphs.items())],
            )
        return generation

    def update_journal(self, generation: int, journal: dict[str, object]) -> None:
        """Record how far a pending change has come (e.g. a bulk build that is complete)."""
        with self.connection() as db:
            db.execute(
                "UPDATE changes SET journal = ? WHERE generation = ?", (json.dumps(journal), generation)
            )

    def commit(self, generation: int) -> None:
        """Mark a pending change as committed: the store now holds it.

        Its time is now, or the last commit's time if the clock went back: times never decrease.
        """
        with self.connection() as db:
            last = db.execute("SELECT max(time) FROM changes WHERE status = 'committed'").fetchone()[0]
            db.execute(
                "UPDATE changes SET status = 'committed', time = ?, journal = '{}' WHERE generation = ?",
                (max(utc_now(), last or ""), generation),
            )

    def abandon(self, generation: int) -> None:
        """Forget a pending change that never reached the store."""
        with self.connection() as db:
            db.execute("DELETE FROM changes WHERE generation = ? AND status = 'pending'", (generation,))

    def pending(self) -> ChangeRecord | None:
        """The change left pending by a writer that stopped half-way, if any."""
        changes = self._changes("status = 'pending'", ())
        return changes[0] if changes else None

    def changes(self, after: int = 0, with_graphs: bool = True) -> list[ChangeRecord]:
        """The committed changes after a generation, oldest first.

        ``with_graphs=False`` leaves their graphs out (empty): a bulk load names tens of thousands.
        """
        return self._changes("status = 'committed' AND generation > ?", (after,), with_graphs)

    def graph_versions(self, graphs: frozenset[str] | set[str]) -> dict[str, GraphVersion]:
        """The last committed change of each of these graphs (graphs never changed are left out).

        Kept in memory and brought up to date from the change log when the generation moves, so
        a document's ETag costs dictionary lookups.
        """
        versions = self._versions_at(self.generation)
        return {graph: versions[graph] for graph in graphs if graph in versions}

    def _versions_at(self, generation: int) -> dict[str, GraphVersion]:
        with self._versions_lock:
            if generation < self._versions_upto:  # the log is not the one read before (a rebuilt store)
                self._versions, self._versions_upto = {}, 0
            if generation > self._versions_upto:
                rows = self._changed_rows(self._versions_upto, generation)
                self._versions.update((graph, GraphVersion(g, time)) for graph, g, time in rows)
                self._versions_upto = generation
            return self._versions

    def changed_graphs(self, after: int, upto: int) -> set[str]:
        """The graphs the committed changes after generation ``after``, up to ``upto``, touched."""
        return {graph for graph, _, _ in self._changed_rows(after, upto)}

    def _changed_rows(self, after: int, upto: int) -> list[tuple[str, int, str]]:
        """(graph, generation, time) of the committed changes in (after, upto], oldest first."""
        with self.connection() as db:
            return db.execute(
                "SELECT cg.graph, c.generation, c.time FROM change_graphs cg JOIN changes c USING "
                "(generation) WHERE c.status = 'committed' AND c.generation > ? AND c.generation <= ? "
                "ORDER BY c.generation",
                (after, upto),
            ).fetchall()

    def changes_of(self, generations: list[int]) -> list[ChangeRecord]:
        """The committed changes of these generations, oldest first."""
        if not generations:
            return []
        marks = ",".join("?" * len(generations))
        return self._changes(f"status = 'committed' AND generation IN ({marks})", tuple(generations))

    def _changes(
        self, where: str, parameters: tuple[object, ...], with_graphs: bool = True
    ) -> list[ChangeRecord]:
        with self.connection() as db:
            rows = db.execute(
                f"SELECT generation, time, actor, summary, status, journal FROM changes WHERE {where} "
                "ORDER BY generation",
                parameters,
            ).fetchall()
            graph_rows = (
                db.execute(
                    f"SELECT generation, graph, action FROM change_graphs WHERE generation IN "
                    f"(SELECT generation FROM changes WHERE {where})",
                    parameters,
                ).fetchall()
                if with_graphs
                else []
            )
        graphs: dict[int, dict[str, str]] = {}
        for generation, graph, action in graph_rows:
            graphs.setdefault(generation, {})[graph] = action
        return [
            ChangeRecord(g, time, actor, summary, status, graphs.get(g, {}), json.loads(journal))
            for g, time, actor, summary, status, journal in rows
        ]


def utc_now() -> str:
    """The time now in UTC, ISO 8601 with milliseconds."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


IN_PART = 10_000  # values per IN (…) list: SQLite refuses statements with too many variables


def in_parts(values: list[str]) -> list[list[str]]:
    """``values`` in lists short enough for one SQL statement.

    >>> [len(part) for part in in_parts(["g"] * 25_001)]
    [10000, 10000, 5001]
    """
    return [values[start : start + IN_PART] for start in range(0, len(values), IN_PART)]
