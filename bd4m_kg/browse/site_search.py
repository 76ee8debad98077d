"""One search over every kind of record and concept: ranked, with the matching words marked.

It reads the same per-generation index as the listings (:mod:`bd4m_kg.browse.search`): projects,
organisations, data collaboratives and vocabulary concepts, each with its name, other names and
summary in one full-text table whose tokenizer ignores case and accents. Every word must match
(as the start of a word); results are ranked by BM25 with a name match weighing most, then other
names, then the summary.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

from bd4m_kg.browse.search import CONCEPTS, KINDS, closing_db, fts_query, index_path
from bd4m_kg.store import Store

START, END = "\x02", "\x03"  # where a match starts and ends, before the text is escaped
WEIGHTS = (10.0, 5.0, 1.0)  # name, other names, summary
KIND_NAMES = {**{k.path: k.title[:-1] for k in KINDS.values()}, CONCEPTS: "Vocabulary concept"}
SUGGESTIONS = 8


@dataclass(frozen=True)
class Hit:
    """A record or concept that matches: its kind, IRI, name, and name and summary as HTML.

    The HTML is escaped text with the matching words in ``<mark>``.
    """

    kind: str
    iri: str
    name: str
    name_html: str
    summary_html: str

    @property
    def kind_name(self) -> str:
        """What it is, for people ("Project", "Vocabulary concept" …)."""
        return KIND_NAMES.get(self.kind, self.kind)


@dataclass(frozen=True)
class Results:
    """One page of hits, best first, with the total and where the page is."""

    hits: list[Hit]
    total: int
    page: int
    pages: int


def site_search(store: Store, words: str, page: int = 1, size: int = 20) -> Results:
    """Every record and concept matching all of ``words``, best first, ``size`` a page."""
    query = fts_query(words)
    if not query:
        return Results([], 0, 1, 1)
    with closing_db(index_path(store)) as db:
        total = db.execute("SELECT count(*) FROM record_text WHERE record_text MATCH ?", [query]).fetchone()[
            0
        ]
        pages = max(1, math.ceil(total / size))
        page = min(max(page, 1), pages)
        rows = db.execute(
            f"""SELECT r.kind, r.iri, r.name,
                       highlight(record_text, 0, '{START}', '{END}'),
                       snippet(record_text, 2, '{START}', '{END}', ' … ', 24)
                FROM record_text JOIN records r ON r.rowid = record_text.rowid
                WHERE record_text MATCH ?
                ORDER BY bm25(record_text, {", ".join(map(str, WEIGHTS))}), r.sort_name
                LIMIT ? OFFSET ?""",
            [query, size, (page - 1) * size],
        ).fetchall()
    hits = [
        Hit(kind, iri, name, _marked(shown), _marked(summary)) for kind, iri, name, shown, summary in rows
    ]
    return Results(hits, total, page, pages)


def suggestions(store: Store, typed: str) -> list[tuple[str, str, str]]:
    """(name, kind name, IRI) of the best few records whose names start like what was typed."""
    query = fts_query(typed)
    if not query:
        return []
    with closing_db(index_path(store)) as db:
        rows = db.execute(
            "SELECT r.name, r.kind, r.iri FROM record_text JOIN records r ON r.rowid = record_text.rowid "
            "WHERE record_text MATCH ? ORDER BY bm25(record_text, 10.0, 5.0, 0.0), r.sort_name LIMIT ?",
            ["{name other_names} : " + query, SUGGESTIONS],
        ).fetchall()
    return [(name, KIND_NAMES.get(kind, kind), iri) for name, kind, iri in rows]


def _marked(text: str) -> str:
    """Text as HTML, its matches in ``<mark>``: escaped first, so nothing in it is markup.

    >>> _marked("Türk <Telekom> \\x02data\\x03")
    'Türk &lt;Telekom&gt; <mark>data</mark>'
    """
    return html.escape(text, quote=False).replace(START, "<mark>").replace(END, "</mark>")
