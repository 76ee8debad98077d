"""Schemathesis against a running ``bd4m-kg serve``, from its live ``/openapi.json``: every read
(GET) operation, its parameters filled in from their descriptions, answers as it is described.

Checks: no 5xx, every status documented, every Content-Type documented for its status, and every
JSON body valid against its schema. Bounded (a few examples per operation, derandomised, a
request timeout) so the run takes seconds; the writes are left out (``tests/slow/test_fuzz.py``
sends them). The run's token is a curator's, so the inbox's reads are tested beyond their 401.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from conftest import new_token

CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
LISTINGS = ("/projects.json", "/organisations", "/collaboratives.csv")
EMBEDDED = pytest.mark.parametrize(
    "served", [pytest.param("embedded", marks=pytest.mark.embedded)], indirect=True
)


@EMBEDDED
def test_every_read_answers_as_described(served, tmp_path):
    url, options = served
    token = new_token(options, "schemathesis", "curator")
    command = shutil.which("st") or str(Path(sys.executable).parent / "st")
    run = subprocess.run(
        [
            command,
            "run",
            f"{url}/openapi.json",
            "--include-method",
            "GET",
            "--checks",
            CHECKS,
            "--max-examples",
            "10",
            "--generation-deterministic",
            "--max-redirects",
            "0",
            "--no-color",
            "--workers",
            "2",
            "--header",
            f"Authorization: Bearer {token}",
            "--request-timeout",
            "30",
            "--report-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={
            **os.environ,
            "SCHEMATHESIS_HOOKS": "schemathesis_hooks",
            "PYTHONPATH": str(Path(__file__).parent),
        },
        cwd=tmp_path,  # its cache (.schemathesis/) stays out of the checkout
    )
    assert run.returncode == 0, run.stdout[-6000:]
    tested = int(next(line for line in run.stdout.splitlines() if "Tested:" in line).split()[-1])
    assert tested >= 65, run.stdout[-2000:]  # every GET operation, not a few


@EMBEDDED
@pytest.mark.parametrize("listing", LISTINGS)
def test_a_nul_in_a_listing_search_is_dropped(served, listing):
    answer = requests.get(f"{served[0]}{listing}", params={"q": "a\x00b"}, timeout=30)
    assert answer.status_code == 200, answer.text[:300]


@EMBEDDED
@pytest.mark.parametrize("path", ["/{n}", "/{n}/body", "/{n}/preview/project/x", "?before={n}"])
def test_a_submission_id_past_64_bits_names_no_submission(served, path):
    url, options = served
    token = new_token(options, f"overflow-{len(path)}", "curator")
    answer = requests.get(
        f"{url}/curate/submissions{path.format(n=2**63)}",
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert answer.status_code == (400 if "before" in path else 404), answer.text[:300]
