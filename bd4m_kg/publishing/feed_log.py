"""The change feed's log, beside the store: one row per member, and an old version's content.

A member is a record graph's version (or deletion) at a generation. Its content stays in the
store while it is current; when a later change replaces it, its N-Quads are kept here, so every
version can be read back (the feed, a record's history, a rollback). The table lives in the
store's ``state.sqlite`` and belongs to this module.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bd4m_kg.store.state import StoreState, in_parts

SCHEMA = """
CREATE TABLE IF NOT EXISTS feed_members (
    position INTEGER PRIMARY KEY,
    generation INTEGER NOT NULL,
    graph TEXT NOT NULL,
    deleted INTEGER NOT NULL,
    time TEXT NOT NULL,
    content BLOB  -- the version's N-Quads, kept once a later change replaces it; NULL: still current
);
CREATE INDEX IF NOT EXISTS feed_members_by_graph ON feed_members (graph, generation);
"""


@dataclass(frozen=True)
class FeedMember:
    """One member of the change feed: a record graph's version (or deletion) at a generation."""

    position: int
    generation: int
    graph: str
    deleted: bool
    time: str
    content: bytes | None  # N-Quads of the version; None while the store still holds it


def add_members(state: StoreState, generation: int, time: str, graphs: dict[str, bool]) -> None:
    """Append a generation's change-feed members, once: graph -> True when it was deleted."""
    with state.owned_connection(SCHEMA) as db:
        if db.execute("SELECT 1 FROM feed_members WHERE generation = ?", (generation,)).fetchone():
            return
        start = db.execute("SELECT coalesce(max(position), -1) + 1 FROM feed_members").fetchone()[0]
        db.executemany(
            "INSERT INTO feed_members (position, generation, graph, deleted, time, content) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [
                (start + i, generation, g, int(graphs[g]), time, b"" if graphs[g] else None)
                for i, g in enumerate(sorted(graphs))
            ],
        )


def members(state: StoreState, start: int, count: int) -> list[FeedMember]:
    """Change-feed members from position ``start`` on, at most ``count``, in order."""
    with state.owned_connection(SCHEMA) as db:
        rows = db.execute(
            "SELECT position, generation, graph, deleted, time, content FROM feed_members "
            "WHERE position >= ? ORDER BY position LIMIT ?",
            (start, count),
        ).fetchall()
    return [FeedMember(p, g, graph, bool(d), t, c) for p, g, graph, d, t, c in rows]


def graph_members(state: StoreState, graph: str) -> list[FeedMember]:
    """Every member (version or deletion) of one graph, oldest first."""
    with state.owned_connection(SCHEMA) as db:
        rows = db.execute(
            "SELECT position, generation, graph, deleted, time, content FROM feed_members "
            "WHERE graph = ? ORDER BY generation",
            (graph,),
        ).fetchall()
    return [FeedMember(p, g, graph, bool(d), t, c) for p, g, graph, d, t, c in rows]


def uncaptured(state: StoreState, graphs: Iterable[str]) -> dict[str, int]:
    """Of these graphs, those whose latest member has no content kept yet: graph -> position."""
    found: dict[str, int] = {}
    with state.owned_connection(SCHEMA) as db:
        for part in in_parts(sorted(set(graphs))):
            latest = db.execute(
                "SELECT max(position) FROM feed_members WHERE graph IN "
                f"({','.join('?' * len(part))}) GROUP BY graph",
                part,
            ).fetchall()
            positions = [row[0] for row in latest]
            open_ones = db.execute(
                "SELECT graph, position FROM feed_members WHERE content IS NULL AND position IN "
                f"({','.join('?' * len(positions)) or 'NULL'})",
                positions,
            ).fetchall()
            found.update(open_ones)
    return found


def keep_contents(state: StoreState, contents: dict[int, bytes]) -> None:
    """Keep the content of members (by position) whose graph is about to change."""
    with state.owned_connection(SCHEMA) as db:
        rows = [(content, position) for position, content in contents.items()]
        db.executemany("UPDATE feed_members SET content = ? WHERE position = ?", rows)


def member_content(state: StoreState, position: int) -> bytes | None:
    """The kept content of a member, or None while the store still holds it."""
    with state.owned_connection(SCHEMA) as db:
        row = db.execute("SELECT content FROM feed_members WHERE position = ?", (position,)).fetchone()
    return row[0] if row else None


def member_count(state: StoreState) -> int:
    """How many members the change feed has."""
    with state.owned_connection(SCHEMA) as db:
        return int(db.execute("SELECT count(*) FROM feed_members").fetchone()[0])


def last_member(state: StoreState, up_to: int | None = None) -> FeedMember | None:
    """The last member of the feed, or of the generations up to ``up_to``."""
    with state.owned_connection(SCHEMA) as db:
        row = db.execute(
            "SELECT position, generation, graph, deleted, time, x'' FROM feed_members "
            "WHERE generation <= ? ORDER BY position DESC LIMIT 1",
            (up_to if up_to is not None else 2**62,),
        ).fetchone()
    return FeedMember(row[0], row[1], row[2], bool(row[3]), row[4], row[5]) if row else None
