"""A writer killed half-way (``kill -9`` during a big load) leaves the store before or after the change,
never in between, and the next writer finishes or discards what was left pending."""

from __future__ import annotations

import contextlib
import gzip
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from rdflib import Graph
from rdflib.namespace import VOID

from bd4m_kg.publishing.building import build_store, store_stats
from bd4m_kg.publishing.changes import recover
from bd4m_kg.store import open_store
from conftest import CHECKOUT, serving
from test_cli import COMMAND

sys.path.insert(0, str(CHECKOUT / "bench"))
from generate import generate

SYNTHETIC_TRIPLES = 120_000  # about 27 MB of N-Quads: staged on disk and swapped in


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> tuple[Path, int]:
    path = tmp_path_factory.mktemp("synthetic") / "synthetic.nq"
    return path, generate(SYNTHETIC_TRIPLES, path)


@pytest.mark.parametrize("delay", [0.0, 0.4, 0.8, 1.2, 1.6, 2.4])
def test_a_load_killed_half_way_leaves_the_store_before_or_after(tmp_path, synthetic, delay):
    path, triples = synthetic
    location = tmp_path / "store"
    with open_store(location) as store:
        build_store(store)
        before = store_stats(store)
    loading = subprocess.Popen([COMMAND, "load", "--store", str(location), str(path)], stderr=subprocess.PIPE)
    time.sleep(delay)
    loading.send_signal(signal.SIGKILL)
    loading.wait()
    with open_store(location) as store:
        with store.state.writer_lock():
            recover(store)
        after = store_stats(store)
        assert store.state.pending() is None
        assert not list(location.glob("staging-*")), "the killed writer's staging folder is cleaned up"
    if after.generation == before.generation:
        assert after == before
    else:
        assert after.generation == before.generation + 1
        assert after.triples == before.triples + triples


@pytest.mark.parametrize("delay", [0.2, 0.6, 1.2])
def test_a_dump_rebuild_killed_half_way_is_redone_and_agrees_with_the_store(tmp_path, synthetic, delay):
    """``kill -9`` of the server while it writes the dumps: after a restart the dumps, VoID and the
    store agree again, and no half-written dump is left."""
    path, _ = synthetic
    location = tmp_path / "store"
    subprocess.run([COMMAND, "init", "--store", str(location)], check=True, capture_output=True)
    subprocess.run([COMMAND, "load", "--store", str(location), str(path)], check=True, capture_output=True)
    options = ["--store", str(location)]
    with serving(tmp_path, options) as (url, server):
        with contextlib.suppress(requests.RequestException):  # the first download starts the rebuild
            requests.get(f"{url}/dumps/bd4m.nq.gz", timeout=delay)
        server.send_signal(signal.SIGKILL)
        server.wait()
    with serving(tmp_path, options) as (url, _):
        triples = requests.get(f"{url}/health", timeout=60).json()["triples"]
        dump = requests.get(f"{url}/dumps/bd4m.nq.gz", timeout=300)
        void = Graph().parse(data=requests.get(f"{url}/.well-known/void", timeout=60).text, format="turtle")
    assert dump.status_code == 200
    lines = [
        line for line in gzip.decompress(dump.content).splitlines() if line and not line.startswith(b"#")
    ]
    assert len(lines) == triples
    assert triples in {int(t) for t in void.objects(None, VOID.triples)}
    assert not [p for p in (location / "dumps").glob(".*")], "a half-written dump folder was left"
