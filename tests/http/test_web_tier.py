"""The web tier: several web processes of one ``bd4m-kg serve``, on the embedded store or a remote
one, take turns writing and see every change at once (state, inbox, tokens and the cache's
generation live in the shared state folder); X-Forwarded-For is believed only from configured
proxies."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
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


def publish(url: str, submitter: str, curator: str, words: bytes) -> int:
    """Submit the record edited with ``words`` and publish it, each on a fresh connection; the status."""
    headers = {"Authorization": f"Bearer {submitter}", "Content-Type": "text/turtle"}
    number = requests.post(f"{url}/curate/submissions", data=edited(words), headers=headers, timeout=60)
    publishing = f"{url}/curate/submissions/{number.json()['id']}/publish"
    return requests.post(publishing, headers={"Authorization": f"Bearer {curator}"}, timeout=60).status_code


def every_process_shows(url: str, words: str) -> bool:
    """Twenty reads of the document on fresh connections (so every process answers) show ``words``."""
    document = f"{url}/doc/project/afghanistan-violence-internal-displacement.nt"
    return all(words in requests.get(document, timeout=60).text for _ in range(20))


def every_process_revalidates(url: str) -> bool:
    """The ETag one process gave gets 304 from every process, those that never built the document too."""
    document = f"{url}/doc/organisation/iom.ttl"
    etag = requests.get(document, timeout=60).headers["ETag"]
    answers = [requests.get(document, headers={"If-None-Match": etag}, timeout=60) for _ in range(20)]
    return all(a.status_code == 304 and a.content == b"" and a.headers["ETag"] == etag for a in answers)


@pytest.mark.parametrize("kind", ["embedded", "remote"])
def test_web_processes_take_turns_writing_and_see_each_change_at_once(tmp_path, kind):
    server = OxigraphServer(tmp_path / "oxigraph").start() if kind == "remote" else None
    try:
        store = ["--store", server.url, "--state", str(tmp_path / "state")] if server else []
        options = store or ["--store", str(tmp_path / "store")]
        with serving(tmp_path, [*options, "--processes", "2"]) as (url, process):
            assert len(children(process.pid)) >= 2
            ana, cleo = token(options, "ana", "submitter"), token(options, "cleo", "curator")
            assert every_process_shows(url, ORIGINAL.decode())
            for turn in range(4):  # on fresh connections: publications land on either process
                words = f"to share internal displacement ({turn})"
                assert publish(url, ana, cleo, words.encode()) == 200
                assert every_process_shows(url, words), f"a process shows an older version after {turn}"
            assert every_process_revalidates(url)
    finally:
        if server is not None:
            server.stop()


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
