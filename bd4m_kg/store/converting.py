"""Answers converted on the way through: an engine's bytes read, parsed and written in another format.

Used where an engine's own output is not what the standards say (Virtuoso's blank nodes and ASK
answers, its TSV): the engine answers in a format it writes well, and pyoxigraph writes the one the
client asked for. The conversion runs in a thread feeding a pipe, so a large answer streams.

>>> fixed = BlankNodeFix(iter([b'{"type": "bnode", "value": "nodeID:', b'//b1"}']))
>>> fixed.read(1 << 16) + fixed.read(1 << 16)
b'{"type": "bnode", "value": "b1"}'
"""

from __future__ import annotations

import io
import os
import threading
from collections.abc import Callable, Iterator
from typing import IO

import pyoxigraph as ox

from bd4m_kg.store.result_cap import CapReached, convert, line_cap

CHUNK_SIZE = 64 * 1024
ENGINE_BLANK_NODE = b'"bnode", "value": "nodeID://'
BLANK_NODE = b'"bnode", "value": "'


class BlankNodeFix(io.RawIOBase):
    """A readable stream over JSON result chunks with Virtuoso's blank nodes (``nodeID://b1``) as ``b1``."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self.chunks = chunks
        self.pending = b""
        self.ended = False

    def readable(self) -> bool:
        """Always: this is a source to read."""
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]  # RawIOBase.readinto takes any writable buffer
        """Fill ``buffer``, holding back a tail that may be the start of a split marker."""
        while not self.ended and len(self.pending) < len(buffer) + len(ENGINE_BLANK_NODE):
            chunk = next(self.chunks, None)
            self.ended = chunk is None
            self.pending = (self.pending + (chunk or b"")).replace(ENGINE_BLANK_NODE, BLANK_NODE)
        ready = len(self.pending) if self.ended else len(self.pending) - len(ENGINE_BLANK_NODE) + 1
        size = min(len(buffer), ready)
        buffer[:size] = self.pending[:size]
        self.pending = self.pending[size:]
        return size


def streamed(write: Callable[[IO[bytes]], None], on_close: Callable[[], None]) -> Iterator[bytes]:
    """The bytes ``write`` produces in a thread, as they come; ``on_close`` stops its source early.

    An error in ``write`` is raised here, after the bytes written before it.
    """
    read_end, write_end = os.pipe()
    failures: list[BaseException] = []

    def produce() -> None:
        try:
            with open(write_end, "wb") as sink:
                write(sink)
        except BrokenPipeError:  # the reader gave up
            pass
        except BaseException as error:  # handed to the reader
            failures.append(error)

    thread = threading.Thread(target=produce, name="answer-conversion", daemon=True)
    thread.start()
    try:
        with open(read_end, "rb") as source:
            while chunk := source.read(CHUNK_SIZE):
                yield chunk
    finally:
        on_close()
        thread.join()
    if failures:
        raise failures[0]


def solutions_as(source: IO[bytes], target: ox.QueryResultsFormat) -> Callable[[IO[bytes]], None]:
    """A writer of JSON results from ``source`` in ``target``."""

    def write(sink: IO[bytes]) -> None:
        ox.parse_query_results(source, format=ox.QueryResultsFormat.JSON).serialize(sink, format=target)

    return write


def triples_as(source: IO[bytes], target: ox.RdfFormat) -> Callable[[IO[bytes]], None]:
    """A writer of N-Triples from ``source`` in ``target``."""

    def write(sink: IO[bytes]) -> None:
        quads = ox.parse(source, format=ox.RdfFormat.N_TRIPLES)
        ox.serialize((quad.triple for quad in quads), sink, format=target)

    return write


def boolean_as(value: bool, target: ox.QueryResultsFormat) -> bytes:
    """An ASK answer in ``target``."""
    answer = ox.parse_query_results(
        b'{"head": {}, "boolean": ' + (b"true" if value else b"false") + b"}",
        format=ox.QueryResultsFormat.JSON,
    )
    output = io.BytesIO()
    answer.serialize(output, format=target)
    return output.getvalue()


def capped_solutions(source: IO[bytes], cap: int, target: ox.QueryResultsFormat) -> tuple[bytes, bool]:
    """At most ``cap`` JSON results from ``source`` in ``target``, and whether more came."""
    solutions = ox.parse_query_results(source, format=ox.QueryResultsFormat.JSON)
    names = [variable.value for variable in solutions.variables]  # type: ignore[union-attr]  # parsed JSON results of a SELECT are QuerySolutions
    counted = line_cap("solutions", cap)
    try:
        counted.write(("\t".join(f"?{name}" for name in names) + "\n").encode())
        for row in solutions:  # type: ignore[union-attr]  # parsed JSON results of a SELECT are QuerySolutions
            cells = (str(value) if (value := row[name]) is not None else "" for name in names)
            counted.write(("\t".join(cells) + "\n").encode())
    except CapReached:
        pass
    output = io.BytesIO()
    convert(counted.kept(), "solutions", target, output)
    return output.getvalue(), counted.full
