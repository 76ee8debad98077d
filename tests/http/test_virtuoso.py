"""Virtuoso as the store: a change cut off by the engine's death is finished from the journal, a
large change replaces its graphs whole, and the store refuses to answer while
Virtuoso's own graphs are visible."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import time

import pytest
import requests

from bd4m_kg.rdf.namespaces import BASE
from bd4m_kg.store import StoreError, open_store
from conftest import BD4M_KG, VirtuosoServer, same_graphs, serving

pytestmark = pytest.mark.virtuoso
RECORDS, TRIPLES_EACH = 300, 100  # 30,000 triples: 15 requests of 2,000, so the engine dies half-way
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


def write_records(path, records: int = RECORDS, triples_each: int = TRIPLES_EACH) -> None:
    """Synthetic organisation records (test data), each in its graph, as N-Quads."""
    with path.open("w") as output:
        for number in range(records):
            thing, graph = (
                f"{BASE}id/organisation/fixture-kill-{number}",
                f"{BASE}graph/organisation/fixture-kill-{number}",
            )
            output.write(f'<{thing}> <{LABEL}> "Fixture {number} (test data)"@en <{graph}> .\n')
            for note in range(triples_each - 1):
                output.write(f'<{thing}> <urn:x:note> "note {note} of fixture {number}" <{graph}> .\n')


def fixture_triples(sparql: str) -> int:
    """How many triples of the fixture records Virtuoso holds now."""
    prefix = f"{BASE}graph/organisation/fixture-kill-"
    query = (
        f'SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER STRSTARTS(STR(?g), "{prefix}") }}'
    )
    answer = requests.post(
        sparql, data={"query": query}, headers={"Accept": "application/sparql-results+json"}, timeout=30
    )
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


def dump(location: str, state) -> bytes:
    output = io.BytesIO()
    with open_store(location, state) as store:
        store.dump_quads(output)
    return output.getvalue()


def test_a_load_cut_off_by_the_engine_dying_is_finished_at_the_next_start(tmp_path):
    data = tmp_path / "records.nq"
    write_records(data)
    expected = tmp_path / "expected"  # the same init and load on the embedded store
    for step in (["init"], ["load", str(data)]):
        subprocess.run([BD4M_KG, *step, "--store", str(expected)], check=True, capture_output=True)
    virtuoso = VirtuosoServer(tmp_path / "virtuoso").start()
    try:
        options = ["--store", virtuoso.url, "--state", str(tmp_path / "state")]
        subprocess.run([BD4M_KG, "init", *options], check=True, capture_output=True)
        load = subprocess.Popen(
            [BD4M_KG, "load", *options, str(data)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        give_up = time.monotonic() + 120
        while fixture_triples(virtuoso.sparql) == 0 and time.monotonic() < give_up:
            time.sleep(0.01)
        seen = fixture_triples(virtuoso.sparql)
        os.kill(virtuoso.process.pid, signal.SIGKILL)  # the engine dies in the middle of the change
        virtuoso.process.wait()
        _, errors = load.communicate(timeout=120)
        assert 0 < seen < RECORDS * TRIPLES_EACH, "the kill did not land inside the change"
        assert load.returncode != 0 and "pending" in errors, errors
        virtuoso.launch()  # same database: Virtuoso recovers what it had committed
        assert fixture_triples(virtuoso.sparql) < RECORDS * TRIPLES_EACH  # half a change, for now
        with serving(tmp_path, options) as (url, _):  # start-up replays the journal
            health = requests.get(f"{url}/health", timeout=30).json()
        assert health["generation"] == 2 and health["store"]["kind"] == "virtuoso"
        assert fixture_triples(virtuoso.sparql) == RECORDS * TRIPLES_EACH
        assert same_graphs(dump(virtuoso.url, tmp_path / "state"), dump(str(expected), None))
    finally:
        virtuoso.stop()


def test_the_store_refuses_to_answer_while_virtuoso_shows_its_own_graphs(tmp_path):
    virtuoso = VirtuosoServer(tmp_path / "virtuoso")
    virtuoso.launch()  # a fresh database, its system graphs public
    try:
        virtuoso.sql(f"DB.DBA.USER_CREATE('{virtuoso.USER}', '{virtuoso.PASSWORD}');")
        with open_store(virtuoso.url, tmp_path / "state") as store, pytest.raises(StoreError) as refused:
            store.graph_names()
        assert "virtrdf" not in str(refused.value) or "private" in str(refused.value)
        assert "RDF_GRAPH_GROUP_INS" in str(refused.value) and "isql-vt" in str(refused.value)
    finally:
        virtuoso.stop()


def test_a_large_change_replaces_its_graphs_whole(tmp_path):
    """A load of 600 records, emptied 500 graphs a request by one DELETE each. Two of the graphs
    hold old triples: one loaded before, one written to Virtuoso behind the store's back.
    Afterwards each graph holds the new triples alone."""
    records, each = 600, 2
    data, old = tmp_path / "records.nq", tmp_path / "old.nq"
    write_records(data, records, each)
    old_graph = f"{BASE}graph/organisation/fixture-kill-7"
    old.write_text(f'<{BASE}id/organisation/fixture-kill-7> <{LABEL}> "an old label"@en <{old_graph}> .\n')
    virtuoso = VirtuosoServer(tmp_path / "virtuoso").start()
    try:
        options = ["--store", virtuoso.url, "--state", str(tmp_path / "state")]
        for step in (["init"], ["load", str(old)]):
            subprocess.run([BD4M_KG, *step, *options], check=True, capture_output=True)
        foreign = f"{BASE}graph/organisation/fixture-kill-8"
        virtuoso.sql(f'SPARQL INSERT INTO GRAPH <{foreign}> {{ <urn:x:a> <urn:x:b> "written elsewhere" }};')
        assert fixture_triples(virtuoso.sparql) == 2
        subprocess.run([BD4M_KG, "load", *options, str(data)], check=True, capture_output=True)
        assert fixture_triples(virtuoso.sparql) == records * each
    finally:
        virtuoso.stop()
