"""The one write path: every change to the store goes through :func:`apply_change`.

A change names the graphs it replaces (everything staged) and the graphs it drops. Under the
store's writer lock it is journaled as pending, written as one atomic store transaction, then
committed with a new generation number and a change-log entry (graphs, actor, time) for the feed.
A change that fails leaves the store as it was and the generation unchanged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from bd4m_kg.layout import KnowledgeFile
from bd4m_kg.publishing.feed import keep_versions, record_members, record_missing_members
from bd4m_kg.store import Store, WriteInterrupted
from bd4m_kg.store.staging import Staging, StagingError


class ChangeError(ValueError):
    """A change that breaks the graph rules (e.g. a write to the default graph); nothing was written."""


@dataclass(frozen=True)
class ChangeResult:
    """What a committed change did."""

    generation: int
    replaced: tuple[str, ...]
    dropped: tuple[str, ...]
    triples: int


def apply_change(
    store: Store, staging: Staging, actor: str, summary: str, drop: Iterable[str] = ()
) -> ChangeResult:
    """Replace every graph in ``staging`` and drop ``drop``, atomically, as one new generation."""
    staging.place_records()
    replaced = staging.graphs()
    dropped = frozenset(drop) - set(replaced)
    if not replaced and not dropped:
        raise ChangeError("the change is empty: it neither replaces nor drops a graph")
    graphs = {g: "replaced" for g in replaced} | {g: "dropped" for g in dropped}
    triples = len(staging)
    with store.state.writer_lock():
        recover(store)
        generation = commit_change(
            store, actor, summary, graphs, lambda gen: store.write(staging, dropped, gen)
        )
    return ChangeResult(generation, tuple(replaced), tuple(sorted(dropped)), triples)


def commit_change(
    store: Store, actor: str, summary: str, graphs: dict[str, str], write: Callable[[int], None]
) -> int:
    """Journal a change as pending, write it, then commit it (or abandon it if nothing was written).

    Call under the writer lock (after :func:`recover`). A write whose outcome is unknown stays pending
    for :func:`recover`.
    """
    keep_versions(store, graphs)
    generation = store.state.begin(actor, summary, graphs, journal={})
    try:
        write(generation)
    except WriteInterrupted:
        raise
    except BaseException:
        store.state.abandon(generation)
        raise
    store.state.commit(generation)
    store.after_commit(generation)
    try:
        record_members(store, generation)
    except Exception as error:  # the change is committed; the next writer records its members
        logging.getLogger(__name__).warning("feed members of generation %s deferred: %s", generation, error)
    return generation


def recover(store: Store) -> bool:
    """Finish (or undo) a change left pending by a writer that stopped half-way; True when one was found."""
    pending = store.state.pending()
    finished = store.recover(pending)
    if pending is None:
        record_missing_members(store)
        return False
    if finished:
        store.state.commit(pending.generation)
        store.after_commit(pending.generation)
    else:
        store.state.abandon(pending.generation)
    record_missing_members(store)
    return True


def stage_knowledge(staging: Staging, files: Iterable[KnowledgeFile]) -> None:
    """Stage the checkout's knowledge files, each into its graph, with IRIs rewritten to the store's base."""
    for file in files:
        staging.add_file(file.path, graph=file.graph)
    staging.rebase()


def stage_files(staging: Staging, paths: Iterable[Path]) -> None:
    """Stage RDF files of any format: N-Quads/TriG keep their graphs, other triples go to their records."""
    for path in paths:
        if not path.is_file():
            raise StagingError(f"{path}: no such file")
        staging.add_file(path)
