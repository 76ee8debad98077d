"""The store on both kinds (embedded pyoxigraph on disk, a real Oxigraph server): build, load, graph rules,
the one write path, the change log, and failed changes that leave the store exactly as it was."""

from __future__ import annotations

import io

import pyoxigraph as ox
import pytest

from bd4m_kg.publishing.building import build_store, store_stats
from bd4m_kg.publishing.changes import ChangeError, apply_change, stage_files
from bd4m_kg.rdf.namespaces import BASE
from bd4m_kg.sparql.updates import apply_update, inspect_update
from bd4m_kg.store import QueryRequest, QuerySyntaxError, StoreError, UpdateError, open_store
from bd4m_kg.store.staging import StagingError
from bd4m_kg.store.virtuoso import VirtuosoStore
from conftest import FIXTURES, same_graphs

LOAD = FIXTURES / "load"
JETSON = f"{BASE}graph/project/project-jetson"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


def dump(store) -> bytes:
    """The store's whole content as sorted N-Quads lines (blank-node labels aside, stable)."""
    output = io.BytesIO()
    store.dump_quads(output)
    return b"\n".join(sorted(output.getvalue().splitlines()))


def load(store, *names, actor="test"):
    with store.staging() as staging:
        stage_files(staging, [LOAD / name for name in names])
        return apply_change(store, staging, actor, f"load {', '.join(names)}")


def labels(store, graph: str) -> list[str]:
    rows = store.select(f"SELECT ?label WHERE {{ GRAPH <{graph}> {{ ?s <{RDFS_LABEL}> ?label }} }}")
    return sorted(row["label"].value for row in rows)


def test_build_fills_one_graph_per_file_and_logs_the_change(built_store):
    stats = store_stats(built_store)
    assert stats.generation == 1
    # the count grows with the records read from the leads (issue 22)
    assert stats.kinds == {
        "projects": 95,
        "organisations": 191,
        "collaboratives": 25,
        "studios": 5,
        "concepts": 219,
    }
    assert stats.graphs == 343  # 1 ontology + 14 vocabularies + 11 shape files + 317 records
    [change] = built_store.state.changes()
    assert change.generation == 1 and change.actor == "init"
    assert len(change.graphs) == 343 and set(change.graphs.values()) == {"replaced"}
    assert f"{BASE}graph/ontology" in change.graphs and JETSON in change.graphs


def test_the_stored_default_graph_stays_empty(built_store):
    load(built_store, "two-records.ttl", "graphs.nq")
    quads = ox.parse(dump(built_store), format=ox.RdfFormat.N_QUADS)
    assert not [q for q in quads if isinstance(q.graph_name, ox.DefaultGraph)]


def test_rebuilding_replaces_and_drops_what_the_checkout_no_longer_has(built_store):
    load(built_store, "graphs.trig")
    result = build_store(built_store)
    assert result.generation == 3
    assert result.dropped == ("https://example.org/graph/one", "https://example.org/graph/two")
    assert store_stats(built_store).graphs == 343


def test_loading_a_record_replaces_its_whole_graph(built_store):
    assert "Project Jetson" in labels(built_store, JETSON)
    before = built_store.select(f"SELECT * WHERE {{ GRAPH <{JETSON}> {{ ?s ?p ?o }} }}")
    assert len(before) > 5
    result = load(built_store, "project-jetson-renamed.ttl", actor="curator-7")
    assert result.generation == 2 and result.replaced == (JETSON,)
    after = built_store.select(f"SELECT * WHERE {{ GRAPH <{JETSON}> {{ ?s ?p ?o }} }}")
    assert [(r["p"].value, r["o"].value) for r in after] == [
        ("http://www.w3.org/2000/01/rdf-schema#label", "Project Jetson (renamed by a test)")
    ]
    latest = built_store.state.changes(after=1)
    assert [(c.generation, c.actor, c.graphs) for c in latest] == [(2, "curator-7", {JETSON: "replaced"})]


def test_records_are_split_into_their_graphs_and_blank_nodes_follow_their_owner(empty_store):
    result = load(empty_store, "two-records.ttl")
    alpha, beta = f"{BASE}graph/project/fixture-alpha", f"{BASE}graph/organisation/fixture-beta"
    assert result.replaced == (beta, alpha) or set(result.replaced) == {alpha, beta}
    assert labels(empty_store, alpha) == ["Fixture alpha", "a blank node owned by alpha"]
    assert labels(empty_store, beta) == ["Fixture beta"]
    agents = empty_store.select(
        f"SELECT ?a WHERE {{ GRAPH <{alpha}> {{ ?i <http://www.w3.org/ns/prov#agent> ?a }} }}"
    )
    assert [r["a"].value for r in agents] == [f"{BASE}id/organisation/fixture-beta"]


@pytest.mark.parametrize(
    ("name", "graphs"),
    [
        ("graphs.trig", ["https://example.org/graph/one", "https://example.org/graph/two"]),
        ("graphs.nq", [f"{BASE}graph/organisation/fixture-gamma", "https://example.org/graph/three"]),
        ("record.jsonld", [f"{BASE}graph/organisation/fixture-delta"]),
        ("record.rdf", [f"{BASE}graph/organisation/fixture-epsilon"]),
        ("record.nt", [f"{BASE}graph/organisation/fixture-zeta"]),
    ],
)
def test_every_format_loads_and_quads_keep_their_graph_names(empty_store, name, graphs):
    result = load(empty_store, name)
    assert sorted(result.replaced) == sorted(graphs)
    assert empty_store.graph_names() == sorted(graphs)


def test_malformed_input_names_file_line_and_column_and_changes_nothing(built_store):
    before = dump(built_store)
    with pytest.raises(StagingError) as caught:
        load(built_store, "two-records.ttl", "broken.ttl")
    message = str(caught.value)
    assert "broken.ttl" in message and "line 5 column 66" in message
    assert dump(built_store) == before
    assert built_store.generation == 1 and built_store.state.pending() is None


def test_triples_with_no_record_are_refused_with_a_hint(built_store):
    before = dump(built_store)
    with pytest.raises(StagingError, match=r"https://example.org/elsewhere.*N-Quads or TriG"):
        load(built_store, "homeless.ttl")
    assert dump(built_store) == before and built_store.generation == 1


def test_an_empty_change_is_refused(empty_store):
    with empty_store.staging() as staging, pytest.raises(ChangeError, match="empty"):
        apply_change(empty_store, staging, "test", "nothing")
    assert empty_store.generation == 0


def test_drop_only_change(built_store):
    with built_store.staging() as staging:
        result = apply_change(built_store, staging, "curator-1", "retire jetson", drop=[JETSON])
    assert result.dropped == (JETSON,) and result.generation == 2
    assert JETSON not in built_store.graph_names()


def test_query_errors_and_formats(built_store):
    with pytest.raises(QuerySyntaxError):
        built_store.query(QueryRequest("SELECT * WHERE { ?s ?p }")).read()
    ask = built_store.query(QueryRequest("ASK { ?s a ?c }", results_format="xml")).read()
    assert b"<boolean>true</boolean>" in ask
    graph = built_store.query(
        QueryRequest(
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{JETSON}> {{ ?s ?p ?o }} }}", graph_format="nt"
        )
    )
    assert graph.kind == "graph" and graph.media_type == "application/n-triples"
    assert len(list(ox.parse(graph.read(), format=ox.RdfFormat.N_TRIPLES))) > 5


def test_dataset_restricted_to_named_graphs(built_store):
    jetson_only = QueryRequest("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", default_graphs=(JETSON,))
    everything = QueryRequest("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    count = lambda request: int(  # noqa: E731
        ox.parse_query_results(built_store.query(request).read(), format=ox.QueryResultsFormat.JSON)
        .__next__()["n"]
        .value
    )
    assert 5 < count(jetson_only) < 100 < count(everything)


def test_a_write_the_server_cannot_take_leaves_the_store_exactly_as_it_was(tmp_path):
    from conftest import OxigraphServer

    server = OxigraphServer(tmp_path / "oxigraph").start()
    state = tmp_path / "state"
    with open_store(server.url, state) as store:
        build_store(store)
        before = dump(store)
        with store.staging() as staging:
            stage_files(staging, [LOAD / "project-jetson-renamed.ttl"])
            server.stop()
            with pytest.raises(StoreError, match="cannot reach"):
                apply_change(store, staging, "test", "while the server is down")
        assert store.generation == 1 and store.state.pending() is None
        server.start()
        store.http.close()
        assert dump(store) == before
    server.stop()


def test_a_multi_operation_update_is_one_transaction(empty_store):
    """What the write path relies on: when the last operation fails, the first ones are undone too.

    Virtuoso keeps the operations before a failing one; there the write path puts the graphs back.
    """
    build_store(empty_store)
    before = dump(empty_store)
    if isinstance(empty_store, VirtuosoStore):
        failing = inspect_update(f"DROP SILENT GRAPH <{JETSON}> ; DROP GRAPH <urn:x:never-created>")
        with pytest.raises(UpdateError, match="refused"):
            apply_update(empty_store, failing, "test")
        assert empty_store.state.pending() is None and "Project Jetson" in labels(empty_store, JETSON)
        assert same_graphs(dump(empty_store), before)
        return
    if hasattr(empty_store, "live"):
        with pytest.raises(RuntimeError, match="already exists"):
            empty_store.live().update(
                f"DROP SILENT GRAPH <{JETSON}> ; "
                "INSERT DATA { GRAPH <urn:x:new> { <urn:x:a> <urn:x:b> <urn:x:c> } } ; "
                f"CREATE GRAPH <{BASE}graph/ontology>"
            )
    else:
        response = empty_store.http.post(
            f"{empty_store.location}/update",
            data=f"DROP SILENT GRAPH <{JETSON}> ; CREATE GRAPH <{BASE}graph/ontology>",
            headers={"Content-Type": "application/sparql-update"},
        )
        assert response.status_code >= 400
    empty_store.after_commit(empty_store.generation)
    assert dump(empty_store) == before


def test_a_change_too_big_for_one_update_goes_through_the_journal_in_two_steps(tmp_path, oxigraph_server):
    with open_store(oxigraph_server.url, tmp_path / "state") as store:
        build_store(store)
        store.update_max_triples = 2  # the two-step path that changes over 400,000 triples take
        result = load(store, "two-records.ttl")
        assert result.generation == 2 and store.state.pending() is None
        assert labels(store, f"{BASE}graph/organisation/fixture-beta") == ["Fixture beta"]
        assert not list((tmp_path / "state" / "journal").iterdir())
        result = load(store, "project-jetson-renamed.ttl")
        assert labels(store, JETSON) == ["Project Jetson (renamed by a test)"]
