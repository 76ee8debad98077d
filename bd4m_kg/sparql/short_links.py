"""Short links to queries: ``/q/<id>`` reopens a query on the query page, for anyone, for good.

A link's id is a digest of the query's text, so the same query always gets the same link and
keeping one twice stores nothing new. Links are kept beside the store (``short-links.sqlite``),
never in the graph; the number kept and the length of a query are bounded, so an anonymous
client cannot fill the disk.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

from bd4m_kg.store import side_files

LINK_QUERY_BYTES = 32 * 1024
MAX_LINKS = 100_000
ID_LENGTH = 10  # 60 bits of the digest, in URL-safe base64
_SCHEMA = """CREATE TABLE IF NOT EXISTS links (
    id TEXT PRIMARY KEY, query TEXT NOT NULL, created TEXT NOT NULL
);"""


class ShortLinkError(ValueError):
    """A query too long to keep, or no room for another link."""


def link_id(query: str) -> str:
    """The id of a query's link: the same text always gives the same id.

    >>> link_id("ASK {}")
    'gZ6pHtXxKz'
    """
    digest = hashlib.sha256(query.encode("utf-8")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")[:ID_LENGTH]


class ShortLinks:
    """The short links of one store; safe across threads and processes."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "short-links.sqlite"
        side_files.create(self.path, _SCHEMA)

    def keep(self, query: str) -> str:
        """Keep ``query`` and return its link's id (the one it had if it was kept before)."""
        if not query.strip():
            raise ShortLinkError("the query is empty: write one, then ask for its link")
        if len(query.encode("utf-8")) > LINK_QUERY_BYTES:
            raise ShortLinkError(f"a query longer than {LINK_QUERY_BYTES // 1024} KiB gets no short link")
        key = link_id(query)
        with side_files.transaction(self.path) as db:
            found = db.execute("SELECT query FROM links WHERE id = ?", (key,)).fetchone()
            if found is not None and found[0] == query:
                return key
            if found is not None:  # two queries with one digest prefix: 1 in 2**60, but never wrong
                raise ShortLinkError("this query's short link is taken; share the page's long URL instead")
            (count,) = db.execute("SELECT COUNT(*) FROM links").fetchone()
            if count >= MAX_LINKS:
                raise ShortLinkError("no room for more short links; share the page's long URL instead")
            db.execute("INSERT INTO links VALUES (?, ?, datetime('now'))", (key, query))
        return key

    def query(self, key: str) -> str | None:
        """The query a link id stands for, or None for an id never given."""
        with side_files.reading(self.path) as db:
            found = db.execute("SELECT query FROM links WHERE id = ?", (key,)).fetchone()
        return None if found is None else str(found[0])
