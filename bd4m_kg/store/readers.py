"""A pool of reader processes answering queries on read-only snapshots, each stoppable at its deadline.

pyoxigraph cannot time out or cancel a query, so a query runs in a child process that opens
``Store.read_only(snapshot)``. The parent waits for its answer chunk by chunk; when the deadline
passes first, it kills the process and the pool starts a fresh one for the next query.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import queue
import threading
import time
from collections.abc import Iterator
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import IO, cast

import pyoxigraph as ox

from bd4m_kg.rdf.formats import RDF_FORMATS, RESULT_FORMATS, RdfFormat, ResultFormat
from bd4m_kg.store import Answer, QueryRequest, QuerySyntaxError, QueryTimeout, StoreError
from bd4m_kg.store.result_cap import CapReached, convert, line_cap, line_format

CHUNK_SIZE = 64 * 1024
_CONTEXT = multiprocessing.get_context("spawn")


class _ChunkWriter:
    """A file-like object that sends what pyoxigraph serialises to the parent in chunks."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.buffer = bytearray()

    def write(self, data: bytes) -> int:
        self.buffer += data
        if len(self.buffer) >= CHUNK_SIZE:
            self.flush()
        return len(data)

    def flush(self) -> None:
        if self.buffer:
            self.connection.send(("data", bytes(self.buffer)))
            self.buffer.clear()


def _answer(store: ox.Store, request: QueryRequest, connection: Connection) -> None:
    """Run one query and send ``head``, ``data``… and ``end`` messages."""
    union = request.default_graphs is None and request.named_graphs is None
    options: dict[str, object] = {"use_default_graph_as_union": union, "base_iri": request.base_iri}
    if request.default_graphs is not None:
        options["default_graph"] = [ox.NamedNode(g) for g in request.default_graphs]
    if request.named_graphs is not None:
        options["named_graphs"] = [ox.NamedNode(g) for g in request.named_graphs]
    if request.substitutions:
        options["substitutions"] = {ox.Variable(k): ox.NamedNode(v) for k, v in request.substitutions.items()}
    result = store.query(request.query, **options)  # type: ignore[arg-type]  # the options are the keyword arguments of Store.query
    writer = _ChunkWriter(connection)
    chosen: RdfFormat | ResultFormat
    if isinstance(result, ox.QueryTriples):
        kind, chosen = "graph", RDF_FORMATS[request.graph_format]
    else:
        kind = "boolean" if isinstance(result, ox.QueryBoolean) else "solutions"
        chosen = RESULT_FORMATS[request.results_format]
    if request.cap is None or kind == "boolean":
        connection.send(("head", kind, chosen.media_type, False))
        result.serialize(writer, chosen.format)  # type: ignore[arg-type]  # the format matches the kind of result
    else:
        counted = line_cap(kind, request.cap)
        with contextlib.suppress(CapReached):
            result.serialize(counted, line_format(kind))  # type: ignore[arg-type]  # a line cap is a writable binary file
        connection.send(("head", kind, chosen.media_type, counted.full))
        convert(counted.kept(), kind, chosen.format, cast(IO[bytes], writer))
    writer.flush()
    connection.send(("end",))


def reader_main(connection: Connection) -> None:
    """The reader process: answer ``(snapshot, request)`` tasks until told to stop with None."""
    opened: tuple[str, ox.Store] | None = None
    while (task := connection.recv()) is not None:
        snapshot, request = task
        try:
            if opened is None or opened[0] != snapshot:
                opened = (snapshot, ox.Store.read_only(snapshot))
            _answer(opened[1], request, connection)
        except SyntaxError as error:
            connection.send(("error", "syntax", str(error)))
        except Exception as error:  # a reader answers every task: whatever failed goes back as an error
            connection.send(("error", "store", f"{type(error).__name__}: {error}"))


class _Reader:
    """One reader process and the parent's end of its pipe."""

    def __init__(self) -> None:
        self.connection, child = _CONTEXT.Pipe()
        self.process: BaseProcess = _CONTEXT.Process(target=reader_main, args=(child,), daemon=True)
        self.process.start()
        child.close()

    def receive(self, deadline: float | None) -> tuple[object, ...]:
        """The next message, or raise QueryTimeout (after killing the process) when the deadline passes."""
        remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
        if not self.connection.poll(remaining):
            self.kill()
            raise QueryTimeout()
        try:
            return cast(tuple[object, ...], self.connection.recv())  # what _serve sends
        except (EOFError, OSError) as error:
            self.kill()
            raise StoreError("a query process ended unexpectedly; try again") from error

    def kill(self) -> None:
        """End the process at once and reap it."""
        self.process.kill()
        self.process.join()
        self.connection.close()

    def stop(self) -> None:
        """Ask the process to finish, then make sure it has."""
        with contextlib.suppress(OSError):
            self.connection.send(None)
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.kill()


class ReaderPool:
    """At most ``size`` reader processes, started on demand, replaced when killed."""

    def __init__(self, size: int = 1) -> None:
        self.size = max(1, size)
        self._idle: queue.LifoQueue[_Reader] = queue.LifoQueue()
        self._slots = threading.BoundedSemaphore(self.size)
        self._live: set[_Reader] = set()
        self._lock = threading.Lock()

    def pids(self) -> list[int]:
        """The process ids of the readers now alive (for tests and health)."""
        with self._lock:
            return sorted(r.process.pid for r in self._live if r.process.is_alive() and r.process.pid)

    def run(self, snapshot: str, request: QueryRequest, deadline: float | None) -> Answer:
        """Answer ``request`` on ``snapshot``; ``deadline`` is a ``time.monotonic()`` instant or None."""
        reader = self._acquire(deadline)
        try:
            reader.connection.send((snapshot, request))
            head = reader.receive(deadline)
        except (BrokenPipeError, ConnectionResetError) as error:  # the reader died while idle
            self.discard(reader)
            raise StoreError("a query process ended unexpectedly; try again") from error
        except BaseException:
            self.discard(reader)
            raise
        if head[0] == "error":
            self.release(reader)
            _raise(head)
        return Answer(str(head[1]), str(head[2]), _Stream(self, reader, deadline), bool(head[3]))

    def _acquire(self, deadline: float | None) -> _Reader:
        timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
        if not self._slots.acquire(timeout=timeout):
            raise QueryTimeout("every query process stayed busy until the time limit; try again shortly")
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            reader = _Reader()
            with self._lock:
                self._live.add(reader)
            return reader

    def release(self, reader: _Reader) -> None:
        """Take back a reader that finished its answer."""
        self._idle.put(reader)
        self._slots.release()

    def discard(self, reader: _Reader) -> None:
        """End a reader whose answer was not read to the end (or ran out of time) and free its slot."""
        if reader.process.is_alive():
            reader.kill()
        with self._lock:
            self._live.discard(reader)
        self._slots.release()

    def close(self) -> None:
        """Stop every reader process."""
        with self._lock:
            readers, self._live = list(self._live), set()
        for reader in readers:
            reader.stop()


class _Stream:
    """An answer's chunks as they arrive; closing it early (or losing it) ends the reader process."""

    def __init__(self, pool: ReaderPool, reader: _Reader, deadline: float | None) -> None:
        self.pool, self.reader, self.deadline = pool, reader, deadline
        self.open = True

    def __iter__(self) -> Iterator[bytes]:
        return self

    def __next__(self) -> bytes:
        if not self.open:
            raise StopIteration
        try:
            message = self.reader.receive(self.deadline)
        except BaseException:
            self.close()
            raise
        if message[0] == "data":
            return message[1]  # type: ignore[return-value]  # the reader sends a str after 'error'
        self.open = False
        self.pool.release(self.reader)
        if message[0] == "error":
            _raise(message)
        raise StopIteration

    def close(self) -> None:
        """Stop reading: the reader process is ended and replaced."""
        if self.open:
            self.open = False
            self.pool.discard(self.reader)

    def __del__(self) -> None:
        self.close()


def _raise(message: tuple[object, ...]) -> None:
    kind, text = message[1], str(message[2])
    if kind == "syntax":
        raise QuerySyntaxError(text)
    raise StoreError(text)
