"""``bd4m-kg serve`` as a real process on a loopback port, on both kinds of store: it builds the store
on first start, answers the home page and /health, keeps connections alive, and slow clients
do not hold its workers."""

from __future__ import annotations

import http.client
import socket
import subprocess

import pytest
import requests

from bd4m_kg.store import is_remote
from conftest import BUILT_GRAPHS, BUILT_TRIPLES
from conftest import SERVE_THREADS as THREADS
from test_cli import COMMAND, LOAD


@pytest.fixture
def served_url(served):
    return served[0]


def test_first_start_builds_the_store_and_health_says_so(served_url):
    response = requests.get(f"{served_url}/health", timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    health = response.json()
    assert health["ok"] is True and health["status"] == 200
    assert (
        health["generation"] == 1 and health["triples"] == BUILT_TRIPLES and health["graphs"] == BUILT_GRAPHS
    )
    # the count grows with the records read from the leads (issue 22)
    assert health["records"] == {
        "projects": 95,
        "organisations": 191,
        "collaboratives": 25,
        "studios": 5,
        "concepts": 219,
    }
    assert "actor" not in health["last_change"]  # token names stay in the audit log
    assert health["store"]["kind"] in {"embedded", "remote", "virtuoso"}


def test_home_page_says_what_the_directory_is_with_live_counts(served_url):
    response = requests.get(served_url, timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    page = response.text
    assert "Data Innovation Directory" in page and "Big Data for Migration Alliance" in page
    # the count grows with the records read from the leads (issue 22)
    for number, kind in [
        ("95", "projects"),
        ("191", "organisations"),
        ("25", "data collaboratives"),
        ("5", "BD4M Studios"),
    ]:
        assert f'<span class="number">{number}</span> {kind}' in page
    assert "projects-with-data-holder" in page  # the named queries are listed
    css = requests.get(f"{served_url}/static/style.css", timeout=10)
    assert css.status_code == 200 and css.headers["Content-Type"].startswith("text/css")


def test_unknown_paths_are_404(served_url):
    assert requests.get(f"{served_url}/no/such/page", timeout=10).status_code == 404


def test_connections_are_kept_alive(served_url):
    """Two requests go over one TCP connection: the server does not close it after the first."""
    host, port = served_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request("GET", "/health")
        first = connection.getresponse()
        first.read()
        sock = connection.sock  # http.client drops it when the server says it will close
        assert sock is not None and first.getheader("Connection", "").lower() != "close"
        connection.request("GET", "/health")
        second = connection.getresponse()
        second.read()
        assert first.status == second.status == 200
        assert connection.sock is sock
    finally:
        connection.close()


def test_slow_clients_do_not_hold_the_workers(served_url):
    """More half-sent requests than web threads are open; a normal request is still answered."""
    host, port = served_url.removeprefix("http://").split(":")
    slow = []
    try:
        for _ in range(THREADS * 5):
            sock = socket.create_connection((host, int(port)), timeout=10)
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")  # the header block is never finished
            slow.append(sock)
        response = requests.get(f"{served_url}/health", timeout=10)
        assert response.status_code == 200 and response.json()["ok"] is True
    finally:
        for sock in slow:
            sock.close()


def test_the_cli_reads_while_serving_and_a_second_writer_is_told_what_to_do(served):
    _, options = served
    answer = subprocess.run(
        [COMMAND, "query", *options, "--name", "directory-entries", "--format", "csv"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert answer.returncode == 0, answer.stderr
    assert len(answer.stdout.strip().splitlines()) > 7
    if is_remote(options[1]):
        return  # a remote store takes writes from several processes
    load = subprocess.run(
        [COMMAND, "load", *options, str(LOAD / "record.nt")], capture_output=True, text=True, timeout=120
    )
    assert load.returncode == 2
    assert "bd4m-kg serve" in load.stderr and "Nothing was written." in load.stderr
