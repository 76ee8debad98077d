"""``bd4m-kg submit`` and ``bd4m-kg inbox`` on a store folder: submit, list, show the diff, publish,
reject, and the exit codes. The edits change a real record's wording only; they are test input."""

from __future__ import annotations

import subprocess

import pytest

from conftest import BD4M_KG, FIXTURES
from test_submissions import ORIGINAL, RECORD, TOPIC


def run(*arguments: object) -> subprocess.CompletedProcess:
    return subprocess.run([BD4M_KG, *map(str, arguments)], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    location = tmp_path_factory.mktemp("curation-cli") / "store"
    assert run("init", "--store", location).returncode == 0
    return location


def description(store) -> str:
    query = f"SELECT ?d WHERE {{ <{TOPIC}> <http://purl.org/dc/terms/description> ?d }}"
    return run("query", "--store", store, "--format", "tsv", query).stdout


def test_submit_review_and_publish_from_the_command_line(store, tmp_path):
    edit = tmp_path / "edit.ttl"
    edit.write_bytes(RECORD.read_bytes().replace(ORIGINAL, b"to trace internal displacement"))
    submitted = run("submit", "--store", store, "--as", "ana", edit)
    assert submitted.returncode == 0 and "is valid" in submitted.stdout
    number = submitted.stdout.split()[1]
    listed = run("inbox", "list", "--store", store, "--only", "valid").stdout
    assert f"{number}  valid" in listed and "ana" in listed
    shown = run("inbox", "show", "--store", store, number).stdout
    assert "- <" in shown and "to track internal" in shown and "+ <" in shown and "to trace internal" in shown
    published = run("inbox", "publish", "--store", store, number, "--as", "cleo")
    assert published.returncode == 0, published.stderr
    assert "to trace internal displacement" in description(store)
    assert run("inbox", "publish", "--store", store, number).returncode == 2  # already published


def test_a_non_conforming_submission_is_kept_and_cannot_be_published(store):
    fixture = FIXTURES / "validate" / "against-store.ttl"
    submitted = run("submit", "--store", store, fixture)
    assert submitted.returncode == 1 and "is invalid" in submitted.stdout and "line 20" in submitted.stdout
    number = submitted.stdout.split()[1]
    before = description(store)
    refused = run("inbox", "publish", "--store", store, number)
    assert refused.returncode == 1 and "does not conform" in refused.stderr
    assert description(store) == before
    assert run("inbox", "reject", "--store", store, number, "--reason", "Unknown partner").returncode == 0
    assert f"{number}  rejected" in run("inbox", "list", "--store", store).stdout


def test_history_rollback_and_retire_from_the_command_line(store):
    name = "project/afghanistan-violence-internal-displacement"
    shown = run("record", "history", "--store", store, name)
    assert shown.returncode == 0 and "generation 1" in shown.stdout and "to trace internal" in shown.stdout
    rolled = run("record", "rollback", "--store", store, name, "--to", "1", "--as", "cleo")
    assert rolled.returncode == 0, rolled.stderr
    assert ORIGINAL.decode() in description(store)
    assert "rollback of" in run("record", "history", "--store", store, name).stdout
    assert run("record", "rollback", "--store", store, name, "--to", "1").returncode == 2  # already live
    retired = run("record", "retire", "--store", store, "organisation/altai-consulting", "--reason", "Closed")
    assert retired.returncode == 0, retired.stderr
    again = run("record", "retire", "--store", store, "organisation/altai-consulting", "--reason", "Closed")
    assert again.returncode == 2 and "already retired" in again.stderr
    assert run("record", "history", "--store", store, "nonsense").returncode == 2


def test_lines_are_found_in_a_store_built_with_another_base(tmp_path):
    location = tmp_path / "store"
    assert run("init", "--store", location, "--base", "http://127.0.0.1:8080/").returncode == 0
    submitted = run("submit", "--store", location, FIXTURES / "validate" / "against-store.ttl")
    assert submitted.returncode == 1
    assert (
        "line 20" in submitted.stdout
        and "https://w3id.org/bd4m/id/project/fixture-against#partner" in submitted.stdout
    )
