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
bd4m_kg.result_cap.CapReached
>>> capped.full, capped.kept()
(True, b'?s\\n<urn:a>\\n')
"""

from __future__ import annotations

import io
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
        ox.serialize(triples, output, format=target)  # type: ignore[arg-type]
    else:
        results = ox.parse_query_results(io.BytesIO(lines), format=ox.QueryResultsFormat.TSV)
        results.serialize(output, format=target)  # type: ignore[arg-type]
