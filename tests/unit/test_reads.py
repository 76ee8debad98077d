"""Reads that can be stopped: a runaway query is ended at its deadline and the next one is answered."""

from __future__ import annotations

from pathlib import Path

import pytest

from bd4m_kg.store import QueryRequest, QueryTimeout
from bd4m_kg.store.embedded import EmbeddedStore

CARTESIAN = QueryRequest("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
COUNT_PROJECTS = "SELECT (COUNT(?p) AS ?n) WHERE { ?p a <https://w3id.org/bd4m/ontology#Project> }"


def projects(store) -> int:
    return int(store.select(COUNT_PROJECTS)[0]["n"].value)


def test_a_runaway_query_is_stopped_and_the_next_is_answered(built_store):
    # the count grows with the records read from the leads (issue 22)
    assert projects(built_store) == 95
    runaway = built_store.pool.pids() if isinstance(built_store, EmbeddedStore) else []
    with pytest.raises(QueryTimeout, match="stopped"):
        built_store.query(CARTESIAN, deadline=0.5).read()
    if isinstance(built_store, EmbeddedStore):
        assert len(runaway) == 1, "one reader process answered the first query and ran the runaway one"
        assert not Path(f"/proc/{runaway[0]}").exists(), "the runaway reader process is gone"
    # the count grows with the records read from the leads (issue 22)
    assert projects(built_store) == 95
    if isinstance(built_store, EmbeddedStore):
        assert built_store.pool.pids() and built_store.pool.pids() != runaway


def test_readers_see_the_snapshot_of_the_latest_generation(built_store):
    from bd4m_kg.publishing.changes import apply_change

    # the count grows with the records read from the leads (issue 22)
    assert projects(built_store) == 95
    with built_store.staging() as staging:
        apply_change(
            built_store,
            staging,
            "test",
            "retire one",
            drop=["https://w3id.org/bd4m/graph/project/project-jetson"],
        )
    assert projects(built_store) == 94  # one fewer than built (issue 22 grew the count)


def test_a_deadline_also_bounds_waiting_for_a_busy_pool(tmp_path):
    from bd4m_kg.publishing.building import build_store
    from bd4m_kg.store import open_store

    with open_store(tmp_path / "store", readers=1) as store:
        build_store(store)
        streaming = QueryRequest("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
        blocking = store.query(streaming, deadline=30)  # holds the only reader while we do not read it
        with pytest.raises(QueryTimeout, match="busy"):
            store.query(QueryRequest(COUNT_PROJECTS), deadline=0.3)
        blocking.close()  # giving up on an answer ends its process
        # the count grows with the records read from the leads (issue 22)
        assert projects(store) == 95
