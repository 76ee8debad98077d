"""The app's store: opened once per process, finished (pending change) and built (when empty) at start."""

from __future__ import annotations

import atexit

from flask import Flask, current_app

from bd4m_kg.config import default_store, state_folder
from bd4m_kg.curation.audit import AuditLog
from bd4m_kg.curation.inbox import Inbox
from bd4m_kg.curation.submissions import reconcile
from bd4m_kg.publishing.building import StoreStats, build_store, store_stats
from bd4m_kg.publishing.changes import recover
from bd4m_kg.store import Store, open_store

EXTENSION = "bd4m_store"
INBOX = "bd4m_inbox"
AUDIT = "bd4m_audit"


def init_app(app: Flask) -> None:
    """Open the configured store, finish a change left pending, and build it from the checkout if empty."""
    store = open_store(
        str(app.config["STORE"] or default_store()),
        state_folder(app.config["STATE"]),
        readers=int(app.config["READERS"]),
        memory_copy=bool(app.config["MEMORY_COPY"]),
    )
    with store.state.writer_lock():
        recover(store)
        if not store.graph_names():  # under the lock: of several processes starting, one builds
            app.logger.info("The store is empty: building it from ontology/, shapes/ and data/")
            build_store(store, actor="serve")
    app.extensions[AUDIT] = AuditLog(store.state.folder)
    inbox = Inbox(store.state.folder)
    with store.state.writer_lock():
        reconcile(store, inbox)
    with store.lookups():  # the memory copy (when kept) starts filling now, not on the first document
        pass
    app.extensions[EXTENSION] = store
    app.extensions[INBOX] = inbox
    atexit.register(store.close)


def get_store() -> Store:
    """The store of the app handling this request."""
    return current_app.extensions[EXTENSION]


def get_inbox() -> Inbox:
    """The submissions inbox of the app's store."""
    return current_app.extensions[INBOX]


def get_audit() -> AuditLog:
    """The audit log of the app's store."""
    return current_app.extensions[AUDIT]


STATS = "bd4m_stats_by_generation"


def current_stats(store: Store) -> StoreStats:
    """The store's counts, computed once per generation and kept by the app."""
    cache: dict[int, StoreStats] = current_app.extensions[STATS]
    generation = store.generation
    if generation not in cache:
        cache.clear()
        cache[generation] = store_stats(store, float(current_app.config["QUERY_DEADLINE"]))
    return cache[generation]
