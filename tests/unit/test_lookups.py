"""Documents read in this process, from the memory copy or the snapshot: never older than the last commit."""

from __future__ import annotations

import shutil

import pyoxigraph as ox
import pytest

from bd4m_kg.linked_data import describe as describing
from bd4m_kg.linked_data.describe import describe
from bd4m_kg.publishing.changes import apply_change
from bd4m_kg.store import memory_copy, open_store
from bd4m_kg.store.embedded import EmbeddedStore

JETSON = "https://w3id.org/bd4m/id/project/project-jetson"
JETSON_GRAPH = "https://w3id.org/bd4m/graph/project/project-jetson"
UNHCR = "https://w3id.org/bd4m/id/organisation/unhcr"
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
TOPICS = [
    JETSON,
    UNHCR,
    "https://w3id.org/bd4m/vocab/country/so",
    "https://w3id.org/bd4m/vocab/data-source-type",
    "https://w3id.org/bd4m/ontology#Project",
    "https://w3id.org/bd4m/graph/project/project-jetson",
]


@pytest.fixture
def copied(built_template, tmp_path):
    """An embedded store built from the checkout, keeping a memory copy, filled."""
    shutil.copytree(built_template, tmp_path / "store")
    store = open_store(tmp_path / "store", memory_copy=True)
    assert isinstance(store, EmbeddedStore) and store.memory_copy is not None
    with store.lookups():
        pass
    store.memory_copy.wait_filled(60)
    yield store
    store.close()


def without_blank_nodes(quads: list[ox.Quad]) -> set[ox.Quad]:
    """The quads naming no blank node (a refilled memory copy labels its blank nodes anew)."""
    return {q for q in quads if not any(isinstance(t, ox.BlankNode) for t in (q.subject, q.object))}


def queried(store: EmbeddedStore, topic: str) -> list[ox.Quad]:
    """The description as a remote store reads it: one query per round, through the reader processes."""
    read = describing._reader(store, describing.IndexView(store.generation, None), None)
    return describing._record(read, topic, describing.owned_graph(topic, store.base))


def test_the_memory_copy_the_snapshot_and_queries_describe_alike(copied):
    assert copied.memory_copy.generation == copied.generation
    for topic in TOPICS:
        from_copy = describe(copied, topic)
        copied.memory_copy, keep = None, copied.memory_copy  # now read from the snapshot
        from_snapshot = describe(copied, topic)
        copied.memory_copy = keep
        assert from_copy.quads, topic
        assert len(from_copy.quads) == len(from_snapshot.quads), topic
        assert without_blank_nodes(from_copy.quads) == without_blank_nodes(from_snapshot.quads), topic
        assert from_copy.graphs == from_snapshot.graphs and from_copy.generation == copied.generation
    for topic in (JETSON, UNHCR, "https://w3id.org/bd4m/vocab/country/so"):
        assert set(describe(copied, topic).quads) - set(queried(copied, topic)) == set(), topic
        assert len(queried(copied, topic)) >= len(describe(copied, topic).quads), topic


def renamed(store: EmbeddedStore, name: str) -> None:
    """Publish Jetson's record again with another label, as one change."""
    quads = list(ox.Store.read_only(str(store.snapshot())).quads_for_pattern(None, None, None, None))
    own = [q for q in quads if q.graph_name == ox.NamedNode(JETSON_GRAPH)]
    kept = [q for q in own if not (q.subject == ox.NamedNode(JETSON) and q.predicate == LABEL)]
    label = ox.Quad(ox.NamedNode(JETSON), LABEL, ox.Literal(name, language="en"), own[0].graph_name)
    content = [*kept, label]
    with store.staging() as staging:
        staging.add_bytes(
            ox.serialize(content, format=ox.RdfFormat.N_QUADS), ox.RdfFormat.N_QUADS, "jetson.nq"
        )
        apply_change(store, staging, "test", f"rename jetson to {name}")


def labels(store: EmbeddedStore, topic: str, of: str = JETSON) -> set[str]:
    """The labels of ``of`` in the document about ``topic``."""
    quads = describe(store, topic).quads
    return {q.object.value for q in quads if q.predicate == LABEL and q.subject == ox.NamedNode(of)}


def test_a_document_read_after_a_commit_shows_it_and_the_copy_follows_graph_by_graph(copied):
    assert "Project Jetson" in " ".join(labels(copied, JETSON))
    renamed(copied, "Jetson, renamed")
    assert labels(copied, JETSON) == {"Jetson, renamed"}  # the very next read
    assert copied.memory_copy.generation == copied.generation  # caught up at once, not refilled
    assert labels(copied, UNHCR) == {"Jetson, renamed"}  # the organisation's page names the project anew


def test_after_a_big_change_documents_read_the_snapshot_until_the_copy_is_refilled(copied, monkeypatch):
    monkeypatch.setattr(memory_copy, "REFILL_GRAPHS", 0)
    renamed(copied, "Jetson, refilled")
    described = describe(copied, JETSON)  # starts the refill, read meanwhile from the snapshot
    jetson = ox.NamedNode(JETSON)
    assert {q.object.value for q in described.quads if q.predicate == LABEL and q.subject == jetson} == {
        "Jetson, refilled"
    }
    assert described.generation == copied.generation
    copied.memory_copy.wait_filled(60)
    assert copied.memory_copy.generation == copied.generation
    assert labels(copied, JETSON) == {"Jetson, refilled"}


def test_a_store_without_a_copy_reads_its_snapshot(built_template, tmp_path):
    shutil.copytree(built_template, tmp_path / "store")
    with open_store(tmp_path / "store") as store:
        assert isinstance(store, EmbeddedStore) and store.memory_copy is None
        with store.lookups() as view:
            assert view.quads is not None and view.generation == store.generation
        renamed(store, "Jetson, from disk")
        assert labels(store, JETSON) == {"Jetson, from disk"}
