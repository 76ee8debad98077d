"""A ``kill -9`` of ``bd4m-kg serve`` while it publishes a submission leaves the store before or after
the publication, never between, and the submission in the inbox: after a restart it is either
published (record and provenance both there) or still valid and publishable."""

from __future__ import annotations

import contextlib
import signal
import subprocess
import threading
import time

import pytest
import requests

from conftest import BD4M_KG, serving
from test_submissions import GRAPH, call, description_of, edited, generation, submit

WORDS = b"to survey internal displacement"


def make_token(options: list[str], name: str, role: str) -> str:
    command = [BD4M_KG, "token", "create", name, "--role", role, *options]
    created = subprocess.run(command, capture_output=True, text=True, check=True)
    return created.stdout.split()[-1]


def provenance_of(url: str, graph: str) -> list[dict]:
    query = f"SELECT ?activity WHERE {{ <{graph}> <http://www.w3.org/ns/prov#wasGeneratedBy> ?activity }}"
    return call("GET", f"{url}/sparql", params={"query": query}).json()["results"]["bindings"]


@pytest.mark.parametrize("delay", [0.0, 0.05, 0.1, 0.2, 0.4])
def test_a_publication_killed_half_way_is_all_or_nothing(tmp_path, delay):
    options = ["--store", str(tmp_path / "store")]
    with serving(tmp_path, options) as (url, process):
        ana, cleo = make_token(options, "ana", "submitter"), make_token(options, "cleo", "curator")
        number = submit(url, ana, edited(WORDS)).json()["id"]
        before, text = generation(url), description_of(url)
        publishing = threading.Thread(
            target=lambda: _ignore_errors(call, "POST", f"{url}/curate/submissions/{number}/publish", cleo)
        )
        publishing.start()
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        publishing.join()
    with serving(tmp_path, options) as (url, _):
        state = call("GET", f"{url}/curate/submissions/{number}", ana).json()["state"]
        if state == "published":
            assert generation(url) == before + 1
            assert WORDS.decode() in description_of(url) and provenance_of(url, GRAPH)
        else:
            assert state == "valid"
            assert generation(url) == before and description_of(url) == text and not provenance_of(url, GRAPH)
            published = call("POST", f"{url}/curate/submissions/{number}/publish", cleo)
            assert published.status_code == 200, published.text
            assert WORDS.decode() in description_of(url)


def _ignore_errors(function, *args) -> None:
    with contextlib.suppress(requests.RequestException):
        function(*args)
