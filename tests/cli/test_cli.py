"""The installed ``bd4m-kg`` command: version, help that teaches, and the knowledge check."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bd4m_kg import __version__
from conftest import BUILT_GRAPHS, BUILT_TRIPLES, CHECKOUT, FIXTURES, require_java

COMMAND = shutil.which("bd4m-kg") or str(Path(sys.executable).parent / "bd4m-kg")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([COMMAND, *args], capture_output=True, text=True, timeout=300, check=False)


def test_version():
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"bd4m-kg, version {__version__}"
    assert __version__ == "0.1.0"


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_explains_where_things_are(flag):
    result = run(flag)
    assert result.returncode == 0
    for word in ("ontology/", "shapes/", "data/", "queries/", "check"):
        assert word in result.stdout


def test_check_passes_on_the_repository():
    require_java()
    result = run("check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "shapes: 0 violations" in result.stdout
    assert "reasoner: consistent, 0 unsatisfiable classes" in result.stdout


def test_an_unknown_command_is_a_usage_error():
    result = run("frobnicate")
    assert result.returncode == 2
    assert "No such command" in result.stderr


# -- the store commands, on both kinds of store -------------------------------------------------

LOAD = FIXTURES / "load"


def store_run(location: tuple[str, Path | None], *args: str) -> subprocess.CompletedProcess[str]:
    store, state = location
    return run(*args, "--store", store, *(("--state", str(state)) if state else ()))


@pytest.fixture
def inited(store_location):
    result = store_run(store_location, "init")
    assert result.returncode == 0, result.stderr
    assert f"{BUILT_TRIPLES:,} triples in {BUILT_GRAPHS} graphs (generation 1)" in result.stdout
    return store_location


def test_stats_counts_records_by_kind(inited):
    result = store_run(inited, "stats")
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(maxsplit=1) for line in result.stdout.splitlines())
    assert (
        lines["generation"] == "1"
        and lines["triples"] == f"{BUILT_TRIPLES:,}"
        and lines["graphs"] == str(BUILT_GRAPHS)
    )
    # the count grows with the records read from the leads (issue 22)
    assert (lines["projects"], lines["organisations"], lines["collaboratives"]) == ("95", "191", "25")


def test_query_prints_a_table_with_compact_names(inited):
    result = store_run(inited, "query", "--name", "projects-with-data-holder")
    assert result.returncode == 0, result.stderr
    header, rule, *rows, count = result.stdout.splitlines()
    assert header.split() == ["holder", "project", "name", "source", "typeName"]
    assert set(rule) <= {"-", " "}
    assert count == f"({len(rows)} rows)" and len(rows) == 3
    assert all(row.startswith("orgs:turk-telekom") for row in rows)
    assert {row.split()[1] for row in rows} == {
        "project:data-for-refugees-challenge",
        "project:hummingbird-h2020",
        "project:turkey-cdr-refugee-integration",
    }


def test_query_with_a_parameter_and_a_standard_format(inited):
    holder = "https://w3id.org/bd4m/id/organisation/digicel-haiti"
    result = store_run(
        inited, "query", "--name", "projects-with-data-holder", "-p", f"holder={holder}", "--format", "csv"
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "holder,project,name,source,typeName"
    assert lines[1].startswith(
        f"{holder},https://w3id.org/bd4m/id/project/haiti-earthquake-cholera-mobility,"
    )


def test_construct_prints_turtle(inited):
    query = "CONSTRUCT WHERE { <https://w3id.org/bd4m/id/organisation/iom> ?p ?o }"
    result = store_run(inited, "query", query)
    assert result.returncode == 0, result.stderr
    assert (
        "International Organization for Migration" in result.stdout and "<https://iom.int/>" in result.stdout
    )


def test_query_errors_say_what_to_do(inited):
    syntax = store_run(inited, "query", "SELECT * WHERE { ?s ?p }")
    assert syntax.returncode == 2 and "not valid SPARQL" in syntax.stderr
    slow = store_run(
        inited, "query", "--timeout", "0.5", "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    )
    assert slow.returncode == 2 and "raise --timeout" in slow.stderr
    unknown = store_run(inited, "query", "--name", "no-such-query")
    assert unknown.returncode == 2 and "bd4m-kg query --list" in unknown.stderr


def test_load_reports_and_malformed_input_changes_nothing(inited):
    loaded = store_run(inited, "load", str(LOAD / "two-records.ttl"), str(LOAD / "graphs.trig"))
    assert loaded.returncode == 0, loaded.stderr
    assert "Loaded 8 triples into 4 graph(s) (generation 2)." in loaded.stdout
    broken = store_run(inited, "load", str(LOAD / "record.nt"), str(LOAD / "broken.ttl"))
    assert broken.returncode == 2
    assert "broken.ttl" in broken.stderr and "line 5 column 66" in broken.stderr
    assert "Nothing was written." in broken.stderr
    assert "generation     2" in store_run(inited, "stats").stdout


def test_export_writes_one_deterministic_file_per_record(tmp_path):
    from rdflib import Graph
    from rdflib.compare import isomorphic

    store = str(tmp_path / "store")
    assert run("init", "--store", store).returncode == 0
    first, second = tmp_path / "first", tmp_path / "second"
    for folder in (first, second):
        result = run("export", "--store", store, str(folder))
        assert result.returncode == 0, result.stderr
        # the count grows with the records read from the leads (issue 22)
        assert "Wrote 317 record files" in result.stdout
    files = sorted(p.relative_to(first) for p in first.rglob("*.ttl"))
    assert files == sorted(p.relative_to(second) for p in second.rglob("*.ttl"))
    assert all((first / f).read_bytes() == (second / f).read_bytes() for f in files)
    data = CHECKOUT / "data"
    assert files == sorted(p.relative_to(data) for p in data.rglob("*.ttl"))
    for file in files:
        exported = Graph().parse(first / file, format="turtle")
        assert isomorphic(exported, Graph().parse(data / file, format="turtle")), file


def test_query_help_teaches_with_examples():
    result = run("query", "--help")
    assert result.returncode == 0
    assert "bd4m-kg query --name projects-by-data-source-type --format csv" in result.stdout
    assert "union of all graphs" in result.stdout


def test_init_with_another_base_rewrites_every_iri(tmp_path):
    store = str(tmp_path / "store")
    result = run("init", "--store", store, "--base", "https://example.org/bd4m/")
    assert result.returncode == 0, result.stderr
    stats = dict(line.split(maxsplit=1) for line in run("stats", "--store", store).stdout.splitlines())
    # the count grows with the records read from the leads (issue 22)
    assert stats["base"] == "https://example.org/bd4m/" and stats["projects"] == "95"
    canonical = "FILTER(STRSTARTS(STR(?s), 'https://w3id.org/bd4m/'))"
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {canonical} }}"
    assert run("query", "--store", store, "--format", "csv", query).stdout.split() == ["n", "0"]
    assert run("init", "--store", store, "--base", "example.org").returncode == 2
