"""A second terminal beside a running ``bd4m-kg serve`` on the embedded store, as a user meets it.

One server per store and per port: a second ``serve`` is refused in one line naming the process
that holds the store or the port. Every command-line write either works beside the server (tokens,
submissions, rejections: they live beside the store, not in it) or is refused in one line before it
touches anything; reads work while it serves.
"""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

import pytest
import requests

from conftest import BD4M_KG, CHECKOUT, FIXTURES, free_port, serving

RECORD = CHECKOUT / "data" / "project" / "project-jetson.ttl"


def run(*arguments: object, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([BD4M_KG, *map(str, arguments)], capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``bd4m-kg serve`` on a fresh embedded store: its URL, its store folder and its process."""
    folder = tmp_path_factory.mktemp("beside")
    store = folder / "store"
    with serving(folder, ["--store", str(store)]) as (url, process):
        yield url, store, process


def files_of(store: Path) -> set[str]:
    """Every file under the store folder except the SQLite files' changing companions."""
    return {
        str(path.relative_to(store))
        for path in store.rglob("*")
        if path.is_file()
        and not path.name.endswith(("-wal", "-shm"))
        and "snapshots" not in path.parts
        and "live" not in path.parts
    }


def one_line(error: str) -> str:
    lines = error.strip().splitlines()
    assert len(lines) == 1, error
    assert "Traceback" not in error
    return lines[0]


def test_a_second_server_on_the_same_store_is_refused_naming_the_first(server, tmp_path):
    url, store, process = server
    refused = run("serve", "--store", store, "--port", free_port())
    assert refused.returncode == 2
    line = one_line(refused.stderr)
    assert str(store) in line and f"process {process.pid}" in line and url in line
    assert requests.get(f"{url}/health", timeout=10).json()["ok"] is True


def test_a_taken_port_is_refused_naming_the_process_listening_there(server, tmp_path):
    url, _, _ = server
    port = int(url.rsplit(":", 1)[1])
    refused = run("serve", "--store", tmp_path / "other", "--port", port)
    assert refused.returncode == 2
    line = one_line(refused.stderr)
    assert f"127.0.0.1:{port} is already in use by process" in line and "bd4m-kg serve" in line
    assert not (tmp_path / "other").exists()  # nothing made for a server that did not start
    with socket.socket() as other_program:  # a port held by something that is not bd4m-kg
        other_program.bind(("127.0.0.1", 0))
        other_program.listen()
        taken = other_program.getsockname()[1]
        refused = run("serve", "--store", tmp_path / "other", "--port", taken)
    assert refused.returncode == 2
    assert f"127.0.0.1:{taken} is already in use by process" in one_line(refused.stderr)


WRITES = {
    "load": ["load", FIXTURES / "load" / "record.nt"],
    "init": ["init"],
    "record rollback": ["record", "rollback", "project/project-jetson", "--to", "1"],
    "record retire": ["record", "retire", "project/project-jetson", "--reason", "a test"],
    "inbox publish": ["inbox", "publish", "1"],
    "restore": ["restore", FIXTURES],
    "optimize": ["optimize"],
}


@pytest.mark.parametrize("name", WRITES)
def test_a_write_that_needs_the_writer_is_refused_in_one_line_and_leaves_nothing(server, name):
    url, store, _ = server
    before = files_of(store)
    generation = requests.get(f"{url}/health", timeout=10).json()["generation"]
    refused = run(*WRITES[name], "--store", store)
    assert refused.returncode == 2
    line = one_line(refused.stderr)
    assert "bd4m-kg serve" in line and url in line and "Nothing was written." in line
    assert files_of(store) == before  # no journal file, no half-made submission
    assert requests.get(f"{url}/health", timeout=10).json()["generation"] == generation


def test_tokens_made_beside_the_server_work_at_once_and_revoking_stops_them(server):
    url, store, _ = server
    created = run("token", "create", "beside-admin", "--role", "admin", "--store", store)
    assert created.returncode == 0, created.stderr
    secret = created.stdout.split()[-1]
    headers = {"Authorization": f"Bearer {secret}", "Content-Type": "application/sparql-update"}
    update = "INSERT DATA { GRAPH <https://w3id.org/bd4m/graph/test/beside> { <urn:a> <urn:b> <urn:c> } }"
    assert requests.post(f"{url}/update", data=update, headers=headers, timeout=30).status_code == 200
    assert run("token", "revoke", "beside-admin", "--store", store).returncode == 0
    assert requests.post(f"{url}/update", data=update, headers=headers, timeout=30).status_code == 401


def test_a_submission_and_its_rejection_from_the_cli_reach_the_servers_inbox(server, tmp_path):
    url, store, _ = server
    made = run("token", "create", "beside-curator", "--role", "curator", "--store", store)
    curator = made.stdout.split()[-1]
    submitted = run("submit", "--store", store, "--as", "ana", RECORD)
    assert submitted.returncode == 0, submitted.stderr
    number = submitted.stdout.split()[1]
    headers = {"Authorization": f"Bearer {curator}", "Accept": "application/json"}
    listed = requests.get(f"{url}/curate/submissions", headers=headers, timeout=30)
    assert listed.status_code == 200 and number in listed.text
    rejected = run("inbox", "reject", number, "--reason", "a test", "--store", store)
    assert rejected.returncode == 0, rejected.stderr
    shown = requests.get(f"{url}/curate/submissions/{number}", headers=headers, timeout=30)
    assert "rejected" in shown.text


@pytest.mark.parametrize(
    "command",
    [
        ["query", "--name", "directory-entries", "--format", "csv"],
        ["stats"],
        ["audit"],
        ["inbox", "list"],
    ],
)
def test_reads_work_while_serving(server, command):
    _, store, _ = server
    answer = run(*command, "--store", store)
    assert answer.returncode == 0, answer.stderr
    assert answer.stdout.strip()


def test_export_works_while_serving(server, tmp_path):
    _, store, _ = server
    exported = run("export", "--store", store, tmp_path / "out")
    assert exported.returncode == 0, exported.stderr
    assert (tmp_path / "out" / "project" / "project-jetson.ttl").is_file()
