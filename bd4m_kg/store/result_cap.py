"""Capping public answers at a number of rows (or triples), and saying so.

A capped query is first serialised as TSV (SELECT) or N-Triples (CONSTRUCT, DESCRIBE): one line
per row or triple, so lines can be counted as they are written. Writing stops, and so does the
query, one line past the cap; the lines kept are then converted to the format asked for. The
answer says whether it was cut, so the cut is never silent.

>>> capped = LineCap(2)
>>> capped.write(b"?s\\n<urn:a>\\n")
11
>>> capped.write(b"<urn:b>\\n")
Traceback (most recent call last):
...
bd4m_kg.store.result_cap.CapReached
>>> capped.full, capped.kept()
(True, b'?s\\n<urn:a>\\n')
"""

from __future__ import annotations

import io
import json
from typing import IO

import pyoxigraph as ox


class CapReached(Exception):
    """Raised from ``write`` to stop a serialisation one line past the cap."""


class LineCap:
    """A writer that keeps whole lines up to ``lines`` and raises :class:`CapReached` past them.

    ``full`` tells that more lines came than were kept.
    """

    def __init__(self, lines: int) -> None:
        self.limit = lines
        self.buffer = bytearray()
        self.count = 0
        self.full = False

    def write(self, data: bytes) -> int:
        """Keep ``data``; stop the writer once more than ``limit`` lines have come."""
        self.buffer += data
        self.count += data.count(b"\n")
        if self.count > self.limit:
            self.full = True
            raise CapReached
        return len(data)

    def flush(self) -> None:
        """Nothing to flush: lines are kept in memory."""

    def kept(self) -> bytes:
        """The first ``limit`` whole lines."""
        end = 0
        for _ in range(self.limit):
            found = self.buffer.find(b"\n", end)
            if found < 0:
                break
            end = found + 1
        return bytes(self.buffer[:end]) if self.count >= self.limit else bytes(self.buffer)


def line_cap(kind: str, cap: int) -> LineCap:
    """The line counter for an answer of this kind: results have a header line, graphs none."""
    return LineCap(cap + (0 if kind == "graph" else 1))


def line_format(kind: str) -> ox.QueryResultsFormat | ox.RdfFormat:
    """The one-line-per-item format a capped answer of this kind is counted in."""
    return ox.RdfFormat.N_TRIPLES if kind == "graph" else ox.QueryResultsFormat.TSV


def convert(lines: bytes, kind: str, target: ox.QueryResultsFormat | ox.RdfFormat, output: IO[bytes]) -> None:
    """Write capped TSV results (or a TSV boolean) or N-Triples in the target format."""
    if kind == "graph":
        triples = (quad.triple for quad in ox.parse(lines, format=ox.RdfFormat.N_TRIPLES))
        ox.serialize(triples, output, format=target)  # type: ignore[arg-type]  # the output is a writable binary file
    else:
        results = ox.parse_query_results(io.BytesIO(lines), format=ox.QueryResultsFormat.TSV)
        results.serialize(output, format=target)  # type: ignore[arg-type]  # the output is a writable binary file


LINE_COMMENTS = ("ttl", "nt", "nq", "trig")  # formats where a line starting with # is a comment
XML_FORMATS = ("xml", "rdf")


def cut_notice(cap: int) -> str:
    """What a cut answer tells its reader."""
    return (
        f"This answer was cut at {cap:,} rows (RESULT_CAP): narrow the query, page through it "
        "with LIMIT and OFFSET, or send a token to receive it whole."
    )


def mark_cut(head: bytes, short: str, cap: int) -> bytes:
    """The start of a cut answer with the cut said in its body, where the format can carry it.

    SPARQL JSON gets a ``truncated`` member; XML formats and line formats a comment. CSV, TSV and
    JSON-LD have no place for it: the ``Result-Truncated`` header says it.

    >>> mark_cut(b'{"head":{}}', "json", 5)[:40]
    b'{"truncated":{"cap":5,"message":"This an'
    >>> mark_cut(b'<?xml version="1.0"?><sparql/>', "xml", 5)[:40]
    b'<?xml version="1.0"?><!-- This answer wa'
    >>> mark_cut(b"a,b", "csv", 5)
    b'a,b'
    """
    notice = cut_notice(cap)
    if short == "json" and head.startswith(b"{"):
        member = json.dumps({"cap": cap, "message": notice}, separators=(",", ":"))
        return b'{"truncated":' + member.encode() + b"," + head[1:]
    if short in XML_FORMATS:
        declaration, _, rest = head.partition(b"?>") if head.startswith(b"<?xml") else (b"", b"", head)
        comment = f"<!-- {notice} -->".encode()
        return declaration + b"?>" + comment + rest if declaration else comment + head
    if short in LINE_COMMENTS:
        return f"# {notice}\n".encode() + head
    return head
