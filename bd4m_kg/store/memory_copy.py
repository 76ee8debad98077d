"""An in-memory copy of the embedded store, for the bounded lookups of the web process.

Documents, existence checks and page data read a few dozen quads by their subject, object or
graph. From RocksDB each term is decoded again on every read (about 15 µs a quad from Python);
pyoxigraph's in-memory store answers the same lookups ten times faster. The copy follows the
store one generation after another: a small change is copied graph by graph from the new
snapshot (the change log names its graphs); past :data:`REFILL_GRAPHS` graphs the copy is
refilled in the background, through a file so that the GIL stays free for requests. A lookup is
served by the copy only when the copy is at the generation it asks for, never another one;
otherwise the caller reads the snapshot.

pyoxigraph gives the blank nodes of a refilled copy new labels, so a document's blank node
labels can change between refills while its content does not: documents have weak ETags.

It costs memory: about 550 bytes a quad (225 MB for 400,000 quads), held for the life of the
process, whatever the number of documents served.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

from bd4m_kg.store import IndexView

REFILL_GRAPHS = 2_000  # a change naming more graphs than this refills the whole copy
SCRATCH_PREFIX = "memory-copy-"  # + the pid: the folder of a refill's N-Quads file, in the store's folder

Snapshot = Callable[[int], ox.Store]  # the read-only snapshot of a generation
ChangedGraphs = Callable[[int, int], set[str]]  # the graphs changed after one generation up to another


class MemoryCopy:
    """The store's quads in memory at one generation, caught up on demand."""

    def __init__(self, snapshot: Snapshot, changed_graphs: ChangedGraphs, scratch: Path) -> None:
        """``scratch``: a folder for the N-Quads file a refill goes through (deleted at once)."""
        self._snapshot = snapshot
        self._scratch = scratch
        self._changed_graphs = changed_graphs
        self._store = ox.Store()
        self._generation: int | None = None  # None: empty or being filled
        self._memo: dict[object, object] = {}  # derived lookups, dropped with the generation
        self._readers = 0
        self._writer_waiting = False
        self._idle = threading.Condition()
        self._catching_up = threading.Lock()
        self._filling: threading.Thread | None = None
        self._failed: int | None = None  # the generation a refill failed at: not tried again for it

    @contextmanager
    def at(self, generation: int) -> Iterator[IndexView | None]:
        """The copy at ``generation`` for the time of the block, or None when it is not there yet."""
        self._catch_up(generation)
        with self._idle:
            current = self._generation == generation and not self._writer_waiting
            if current:
                self._readers += 1
                view = IndexView(generation, self._store, self._memo)
        try:
            yield view if current else None
        finally:
            if current:
                with self._idle:
                    self._readers -= 1
                    self._idle.notify_all()

    @property
    def generation(self) -> int | None:
        """The generation the copy holds (None while it is empty or being filled)."""
        return self._generation

    def wait_filled(self, timeout: float | None = None) -> None:
        """Wait until a refill running in the background has ended (for start-up and tests)."""
        filling = self._filling
        if filling is not None:
            filling.join(timeout)

    def catch_up(self, generation: int) -> None:
        """Bring the copy to ``generation`` now, or start refilling it (the writer calls this after a commit).

        Lookups call it too; while another thread catches up, they read the snapshot.
        """
        self._catch_up(generation)

    def _catch_up(self, generation: int) -> None:
        if self._generation == generation or not self._catching_up.acquire(blocking=False):
            return  # current, or another thread is catching up: this lookup reads the snapshot
        try:
            if self._generation == generation or self._refill_running() or self._failed == generation:
                return
            held = self._generation
            graphs = None if held is None or held > generation else self._changed_graphs(held, generation)
            if graphs is None or len(graphs) > REFILL_GRAPHS:
                self._refill_in_background(generation)
            else:
                self._copy_graphs(graphs, generation)
        finally:
            self._catching_up.release()

    def _copy_graphs(self, graphs: set[str], generation: int) -> None:
        """Replace ``graphs`` with their quads in the snapshot of ``generation``."""
        snapshot = self._snapshot(generation)
        quads = {g: list(snapshot.quads_for_pattern(None, None, None, ox.NamedNode(g))) for g in graphs}
        with self._writing():
            for graph, content in quads.items():
                self._store.remove_graph(ox.NamedNode(graph))
                self._store.extend(content)
            self._generation, self._memo = generation, {}

    def _refill_running(self) -> bool:
        return self._filling is not None and self._filling.is_alive()

    def _refill_in_background(self, generation: int) -> None:
        with self._writing():
            self._generation = None
            self._store = ox.Store()  # the old copy is let go before the new one grows
        self._filling = threading.Thread(target=self._refill, args=(generation,), daemon=True)
        self._filling.start()

    def _refill(self, generation: int) -> None:
        """Fill a new copy through an N-Quads file: dumping and loading a file leave the GIL free."""
        fresh = ox.Store()
        try:
            with tempfile.TemporaryDirectory(
                prefix=f"{SCRATCH_PREFIX}{os.getpid()}-", dir=self._scratch
            ) as folder:
                dump = Path(folder) / "all.nq"
                self._snapshot(generation).dump(str(dump), ox.RdfFormat.N_QUADS)
                fresh.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
        except (OSError, RuntimeError, ValueError) as error:  # lookups go on reading the snapshot
            self._failed = generation
            logging.getLogger(__name__).warning("the memory copy could not be filled: %s", error)
            return
        with self._writing():
            self._store, self._generation, self._memo = fresh, generation, {}

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """Exclusive use of the copy: wait for the lookups under way to end."""
        with self._idle:
            self._writer_waiting = True  # lookups arriving now read the snapshot: the wait ends
            try:
                self._idle.wait_for(lambda: self._readers == 0)
                yield
            finally:
                self._writer_waiting = False
