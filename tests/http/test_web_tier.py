"""The web tier: several ``bd4m-kg serve`` processes on one remote store see every change at once
(state, inbox, tokens and cache generation live in the shared state folder); the embedded store
refuses more than one; X-Forwarded-For is believed only from configured proxies."""

from __future__ import annotations

import subprocess
from pathlib import Path

import requests

from conftest import BD4M_KG, OxigraphServer, serving
from test_submissions import ORIGINAL, edited


def children(pid: int) -> list[int]:
    """The process ids whose parent is ``pid``."""
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(pid):
            found.append(int(status.parent.name))
    return found


def token(options: list[str], name: str, role: str) -> str:
    command = [BD4M_KG, "token", "create", name, "--role", role, *options]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout.split()[-1]


def test_processes_on_a_remote_store_see_each_change_at_once(tmp_path):
    server = OxigraphServer(tmp_path / "oxigraph").start()
    try:
        options = ["--store", server.url, "--state", str(tmp_path / "state"), "--processes", "2"]
        with serving(tmp_path, options) as (url, process):
            assert len(children(process.pid)) >= 2
            ana = token(options[:4], "ana", "submitter")
            cleo = token(options[:4], "cleo", "curator")
            document = f"{url}/doc/project/afghanistan-violence-internal-displacement.nt"
            assert all(ORIGINAL.decode() in requests.get(document, timeout=60).text for _ in range(10))
            headers = {"Authorization": f"Bearer {ana}", "Content-Type": "text/turtle"}
            body = edited(b"to share internal displacement")
            number = requests.post(
                f"{url}/curate/submissions", data=body, headers=headers, timeout=60
            ).json()["id"]
            publish = f"{url}/curate/submissions/{number}/publish"
            assert (
                requests.post(publish, headers={"Authorization": f"Bearer {cleo}"}, timeout=60).status_code
                == 200
            )
            for _ in range(20):  # fresh connections: both processes answer, none from a stale cache
                with requests.Session() as session:
                    assert "to share internal displacement" in session.get(document, timeout=60).text
    finally:
        server.stop()


def test_the_embedded_store_refuses_more_than_one_process(tmp_path):
    done = subprocess.run(
        [BD4M_KG, "serve", "--store", str(tmp_path / "store"), "--processes", "2"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "remote store" in done.stderr


def test_forwarded_for_is_believed_only_from_trusted_proxies(tmp_path):
    options = ["--store", str(tmp_path / "store")]
    for trusted, expected in (("127.0.0.1", "203.0.113.9"), ("", "127.0.0.1")):
        folder = tmp_path / (trusted or "none")
        folder.mkdir()
        with serving(folder, options, settings={"TRUSTED_PROXIES": trusted}) as (url, _):
            headers = {"X-Forwarded-For": "203.0.113.9", "Content-Type": "text/turtle"}
            assert (
                requests.post(f"{url}/curate/submissions", data=b"", headers=headers, timeout=60).status_code
                == 401
            )
            log = [BD4M_KG, "audit", "--limit", "1", *options]
            newest = subprocess.run(log, capture_output=True, text=True, check=True).stdout
            assert newest.split()[-1] == expected, newest
