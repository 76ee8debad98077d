"""``bd4m-kg backup`` while the server runs, and ``bd4m-kg restore`` into a new embedded store and into
an Oxigraph server: the restored stores serve byte-identical dumps, the same history and feed,
and accept the same tokens. A damaged backup or a non-empty target is refused, nothing changed."""

from __future__ import annotations

import gzip
import subprocess

import pyoxigraph as ox
import pytest
import requests
from rdflib.compare import isomorphic

from bd4m_kg.rdf.rdf_io import to_rdflib
from conftest import BD4M_KG, OxigraphServer, serving
from test_submissions import call, edited, submit


def run(*arguments: object) -> subprocess.CompletedProcess:
    return subprocess.run([BD4M_KG, *map(str, arguments)], capture_output=True, text=True, timeout=600)


def token(options: list[str], name: str, role: str) -> str:
    return run("token", "create", name, "--role", role, *options).stdout.split()[-1]


def snapshot_of(url: str, curator: str) -> dict[str, bytes]:
    """What a harvester and a curator see: the dump, the feed's first page, a history, the inbox."""
    history = "/doc/project/afghanistan-violence-internal-displacement/history"
    feed = requests.get(f"{url}/changes/page/0", headers={"Accept": "application/n-quads"}, timeout=60)
    page = requests.get(f"{url}{history}", headers={"Accept": "application/json"}, timeout=60)
    return {
        "dump": requests.get(f"{url}/dumps/bd4m.nq.gz", timeout=120).content,
        "feed": feed.content.replace(url.encode(), b"http://server.test"),
        "history": page.content,
        "inbox": call("GET", f"{url}/curate/submissions", curator).content,
    }


def same_graphs(nquads: bytes, other: bytes) -> bool:
    """Whether two N-Quads documents hold isomorphic graphs, graph by graph."""
    first, second = _by_graph(nquads), _by_graph(other)
    return first.keys() == second.keys() and all(
        isomorphic(to_rdflib(first[name]), to_rdflib(second[name])) for name in first
    )


def _by_graph(nquads: bytes) -> dict[str, list[ox.Triple]]:
    graphs: dict[str, list[ox.Triple]] = {}
    for quad in ox.parse(nquads, format=ox.RdfFormat.N_QUADS):
        graphs.setdefault(str(quad.graph_name), []).append(quad.triple)
    return graphs


@pytest.fixture(scope="module")
def original(tmp_path_factory):
    """A served store with a published submission, backed up while it serves."""
    folder = tmp_path_factory.mktemp("original")
    options = ["--store", str(folder / "store")]
    with serving(folder, options) as (url, _):
        ana, cleo = token(options, "ana", "submitter"), token(options, "cleo", "curator")
        number = submit(url, ana, edited(b"to restore internal displacement")).json()["id"]
        assert call("POST", f"{url}/curate/submissions/{number}/publish", cleo).status_code == 200
        done = run("backup", *options, folder / "backup")
        assert done.returncode == 0, done.stderr
        yield folder / "backup", snapshot_of(url, cleo), cleo


def test_a_restored_embedded_store_serves_the_same_bytes(original, tmp_path):
    backup, seen, cleo = original
    options = ["--store", str(tmp_path / "store")]
    assert run("restore", *options, backup).returncode == 0
    with serving(tmp_path, options) as (url, _):
        assert snapshot_of(url, cleo) == seen


def test_a_backup_restores_into_an_oxigraph_server(original, tmp_path):
    backup, seen, cleo = original
    server = OxigraphServer(tmp_path / "oxigraph").start()
    try:
        options = ["--store", server.url, "--state", str(tmp_path / "state")]
        restored = run("restore", *options, backup)
        assert restored.returncode == 0, restored.stderr
        with serving(tmp_path, options) as (url, _):
            restored = snapshot_of(url, cleo)
        assert restored["history"] == seen["history"] and restored["inbox"] == seen["inbox"]
        # the server gives blank nodes labels of its own when it loads: the same graphs, other bytes
        assert same_graphs(gzip.decompress(restored["dump"]), gzip.decompress(seen["dump"]))
        assert same_graphs(restored["feed"], seen["feed"])
        assert run("restore", *options, backup).returncode == 2  # no longer empty
    finally:
        server.stop()


def test_a_damaged_backup_is_refused_and_nothing_is_restored(original, tmp_path):
    backup, _, _ = original
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    for path in backup.iterdir():
        (damaged / path.name).write_bytes(path.read_bytes())
    quads = bytearray((damaged / "store.nq.gz").read_bytes())
    quads[len(quads) // 2] ^= 0xFF
    (damaged / "store.nq.gz").write_bytes(bytes(quads))
    refused = run("restore", "--store", tmp_path / "store", damaged)
    assert refused.returncode == 2 and "damaged" in refused.stderr
    assert "generation     0" in run("stats", "--store", tmp_path / "store").stdout
    assert run("backup", "--store", tmp_path / "store", backup).returncode == 2  # not an empty folder
