"""The embedded store: pyoxigraph on disk, one writer, reads from per-generation snapshots.

Folder layout::

    <folder>/live/              the RocksDB store; open only while the writer lock is held
    <folder>/snapshots/<gen>/   hard-link checkpoint taken after each commit; readers open these read-only
    <folder>/staging-<gen>/     a big change being built; swapped in for live/ when complete
    <folder>/journal/<gen>.ru   the update of a pending small change, replayed if the writer stopped
    <folder>/state.sqlite       generation, change log, settings (see state.py)
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from bd4m_kg.store import (
    Answer,
    IndexView,
    QueryRequest,
    QuerySyntaxError,
    Store,
    StoreError,
    UpdateDataset,
    UpdateError,
)
from bd4m_kg.store.concise_describe import describe_answer, described_iris
from bd4m_kg.store.memory_copy import SCRATCH_PREFIX, MemoryCopy
from bd4m_kg.store.readers import ReaderPool
from bd4m_kg.store.staging import Staging
from bd4m_kg.store.state import ChangeRecord, StoreState
from bd4m_kg.store.update_text import generation_check, with_generation, with_using, write_update

KEEP_SNAPSHOTS = 3
DISK_STAGING_BYTES = 16 * 1024 * 1024  # input this big is staged on disk, ready to be swapped in


class EmbeddedStore(Store):
    """pyoxigraph on disk: whoever holds the writer lock writes; queries run in reader processes.

    RocksDB lets one process at a time open a folder for writing, so ``live/`` is opened under
    the writer lock and closed when the lock is let go. The web processes of one server then
    take turns writing, and every one reads the snapshots.
    """

    def __init__(self, folder: Path, readers: int = 1, memory_copy: bool = False) -> None:
        self.folder = folder.resolve()
        self.location = str(self.folder)
        self.state = StoreState(self.folder)
        self.pool = ReaderPool(readers)
        self._live: ox.Store | None = None
        self.state.when_released(self._close_live)
        self._opened: tuple[int, ox.Store] | None = None  # the snapshot this process reads lookups from
        self.memory_copy = (
            MemoryCopy(self._read_snapshot, self.state.changed_graphs, self.folder) if memory_copy else None
        )

    # -- reading -------------------------------------------------------------------------------

    def snapshot(self) -> Path:
        """The read-only snapshot of the current generation (taken now if it is missing)."""
        path = self.folder / "snapshots" / str(self.generation)
        if not path.exists():
            self._take_snapshot(self.generation)
        return path

    @contextmanager
    def lookups(self) -> Iterator[IndexView]:
        """The current generation in this process: the memory copy when it is there, else the snapshot."""
        generation = self.generation
        if self.memory_copy is None:
            yield IndexView(generation, self._read_snapshot(generation))
            return
        with self.memory_copy.at(generation) as copy:
            yield copy if copy is not None else IndexView(generation, self._read_snapshot(generation))

    def _read_snapshot(self, generation: int) -> ox.Store:
        """The snapshot of ``generation`` (the current one), opened read-only in this process once."""
        opened = self._opened
        if opened is None or opened[0] != generation:
            path = self.folder / "snapshots" / str(generation)
            if not path.exists():
                self._take_snapshot(generation)
            opened = (generation, ox.Store.read_only(str(path)))
            self._opened = opened
        return opened[1]

    def query(self, request: QueryRequest, deadline: float | None = None) -> Answer:
        """Answer in a reader process on the current snapshot; kill it after ``deadline`` seconds.

        ``DESCRIBE <iri> …`` over the union is answered here by index lookups (see
        :mod:`~bd4m_kg.store.concise_describe`).
        """
        iris = described_iris(request)
        if iris is not None:
            with self.lookups() as view:
                if view.quads is not None:
                    return describe_answer(view.quads, iris, request)
        until = None if deadline is None else time.monotonic() + deadline
        return self.pool.run(str(self.snapshot()), request, until)

    def dump_quads(self, output: IO[bytes]) -> None:
        """Write the current snapshot as N-Quads."""
        ox.Store.read_only(str(self.snapshot())).dump(output, ox.RdfFormat.N_QUADS)

    # -- writing -------------------------------------------------------------------------------

    def load_dataset(self, nquads: IO[bytes]) -> None:
        """Load N-Quads into the (empty) live store (the caller then takes the read snapshot).

        Blank nodes keep their labels (``bulk_load`` would rename them), so the store dumps the
        same bytes as the one the N-Quads came from.
        """
        self.live().bulk_extend(ox.parse(nquads, format=ox.RdfFormat.N_QUADS))
        self.live().flush()

    def live(self) -> ox.Store:
        """The read-write store, opened on first use under the writer lock, closed when it is let go."""
        if self._live is None:
            try:
                self._live = ox.Store(str(self.folder / "live"))
            except (OSError, RuntimeError) as error:
                raise StoreError(
                    f"cannot open the store at {self.folder} for writing: {error}. Another process "
                    "holds it: stop that process, or send the change to it."
                ) from error
        return self._live

    def _close_live(self) -> None:
        """Let go of ``live/`` (the last reference closes RocksDB and its lock file)."""
        self._live = None

    def write(self, staging: Staging, drop: frozenset[str], generation: int) -> None:
        """Apply a change staged in memory as one ``Store.update()``; swap in one staged on disk."""
        if staging.folder is None:
            journal = self.folder / "journal" / f"{generation}.ru"
            journal.parent.mkdir(exist_ok=True)
            with journal.open("wb") as output:
                write_update(staging, drop, output)
            self.state.update_journal(generation, {"strategy": "update", "file": str(journal)})
            self._run_update(journal)
        else:
            self._swap_in(staging, drop, generation)

    def run_update(self, update: str, generation: int, dataset: UpdateDataset) -> None:
        """Run a checked update with its generation marker in one ``Store.update()``.

        Its WHERE clauses read the stored default graph, which is empty, unless it names graphs;
        the Protocol's using-graph-uri become USING clauses.
        """
        if dataset.using or dataset.using_named:
            update = with_using(update, dataset.using, dataset.using_named)
        self.state.update_journal(generation, {"strategy": "marked-update"})
        try:
            self.live().update(with_generation(update, self.base, generation), base_iri=dataset.base_iri)
        except SyntaxError as error:
            raise QuerySyntaxError(str(error)) from error
        except (RuntimeError, ValueError) as error:
            raise UpdateError(str(error)) from error

    def _run_update(self, journal: Path) -> None:
        try:
            self.live().update(journal.read_text(encoding="utf-8"))
        except (SyntaxError, RuntimeError, ValueError) as error:
            raise StoreError(f"the store refused the change: {error}") from error

    def _swap_in(self, staging: Staging, drop: frozenset[str], generation: int) -> None:
        """Complete the staged store with the graphs it does not replace, then make it the live store."""
        assert staging.folder is not None
        self._complete(staging, drop)
        folder = staging.folder
        staging.store = None  # the last handle on the scratch store: closing it before its folder moves
        self.state.update_journal(generation, {"strategy": "swap", "folder": str(folder), "phase": "built"})
        self._finish_swap(folder)
        staging.folder = None

    def _complete(self, staging: Staging, drop: frozenset[str]) -> None:
        """Copy into the staged store every live graph the change neither replaces nor drops."""
        replaced = set(staging.graphs()) | drop
        live = self.live()
        kept = [g for g in live.named_graphs() if g.value not in replaced]
        staging.scratch.bulk_extend(q for g in kept for q in live.quads_for_pattern(None, None, None, g))
        staging.scratch.flush()

    def _finish_swap(self, built: Path) -> bool:
        """Make the built store live (again safe after a crash at any step); False if it is gone."""
        self._live = None
        live, retired = self.folder / "live", self.folder / "live.retired"
        shutil.rmtree(retired, ignore_errors=True)  # left over from a swap cut off before its last step
        if built.exists():
            if live.exists():
                live.rename(retired)
            built.rename(live)
        shutil.rmtree(retired, ignore_errors=True)
        return live.exists()

    def staging(self, size_hint: int = 0) -> Staging:
        """A scratch store for a change of about ``size_hint`` bytes.

        Small input is staged in memory; big input on disk beside the live store, so that it can
        become the live store without being copied.
        """
        if size_hint < DISK_STAGING_BYTES:
            return Staging(self.base)
        folder = tempfile.mkdtemp(prefix=f"staging-{os.getpid()}-", dir=self.folder)
        return Staging(self.base, folder=Path(folder))

    def recover(self, pending: ChangeRecord | None) -> bool:
        """Replay a journaled update, finish a built swap, or discard a half-built one."""
        journal = pending.journal if pending else {}
        finished = False
        if pending is not None and journal.get("strategy") == "marked-update":
            finished = bool(self.live().query(generation_check(self.base, pending.generation)))
        elif journal.get("strategy") == "update" and Path(journal["file"]).exists():
            self._run_update(Path(journal["file"]))
            finished = True
        elif journal.get("strategy") == "swap" and journal.get("phase") == "built":
            finished = self._finish_swap(Path(journal["folder"]))
        remove_abandoned_stagings(self.folder)
        return finished

    def after_commit(self, generation: int) -> None:
        """Take the read snapshot of the new generation, prune old ones, drop the change's journal.

        The memory copy, the graph versions and the base IRI catch up here too, so the first
        document read after a publication costs about what any other costs (opening the new
        snapshot alone takes some 10 ms).
        """
        self._take_snapshot(generation)
        snapshots = sorted((self.folder / "snapshots").iterdir(), key=lambda p: int(p.name))
        for old in snapshots[:-KEEP_SNAPSHOTS]:
            shutil.rmtree(old, ignore_errors=True)
        for done in (self.folder / "journal").glob(f"{generation}.*"):
            done.unlink()
        if self.memory_copy is not None:
            self.memory_copy.catch_up(generation)
            self.state.graph_versions(set())  # brought up to the new generation: ETags cost nothing
            _ = self.base  # read again once per generation

    def _take_snapshot(self, generation: int) -> None:
        """Checkpoint the live store for readers, once per generation (a query may ask first).

        Under the writer lock: a query that finds the snapshot missing waits for the writer that
        is about to take it.
        """
        target = self.folder / "snapshots" / str(generation)
        with self.state.writer_lock():
            if target.exists():
                return
            target.parent.mkdir(exist_ok=True)
            self.live().flush()
            self.live().backup(str(target))

    def close(self) -> None:
        """Stop the readers and release the live store."""
        self.pool.close()
        self._live = None
        self._opened = None


def remove_abandoned_stagings(folder: Path) -> None:
    """Delete staging and refill folders whose process is gone (it was killed while it wrote them)."""
    for prefix in ("staging-", SCRATCH_PREFIX):
        for scratch in folder.glob(f"{prefix}*-*"):
            pid = scratch.name.removeprefix(prefix).split("-")[0]
            if pid.isdigit() and not Path(f"/proc/{pid}").exists():
                shutil.rmtree(scratch, ignore_errors=True)
