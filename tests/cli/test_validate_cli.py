"""``bd4m-kg validate``: problems by record with the line to fix (expected lines written by hand
from the fixture files), the three output formats, the exit codes, and --shapes as a general
SHACL tool. The fixtures are synthetic test data."""

from __future__ import annotations

import json
import subprocess

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import SH

from conftest import BD4M_KG, FIXTURES

FOLDER = FIXTURES / "validate"
BROKEN = FOLDER / "broken-project.ttl"
FOCUS = "https://w3id.org/bd4m/id/project/fixture-broken"


def run(*arguments: object) -> subprocess.CompletedProcess:
    return subprocess.run(
        [BD4M_KG, "validate", *map(str, arguments)], capture_output=True, text=True, timeout=300
    )


def test_text_names_each_problem_with_its_line_and_exits_1():
    done = run(BROKEN)
    assert done.returncode == 1
    text = done.stdout
    assert "project:fixture-broken" in text
    assert f"Violation {BROKEN}:12  dcterms:source = not a URL" in text  # the statement with the bad value
    assert f"Violation {BROKEN}:10  bd4m:policyNeed = https://w3id.org/bd4m/vocab/theme/health" in text
    assert f"Violation {BROKEN}:8  rdfs:label" in text  # missing: the line where the record starts
    assert "The policy need must be a concept of vocab/policy-need." in text
    assert "Does not conform." in text


def test_json_gives_file_and_line_and_null_when_unknown():
    problems = json.loads(run(BROKEN, "--format", "json").stdout)["problems"]
    lines = {(p["focus"], p["path"]): p["line"] for p in problems}
    assert lines[(FOCUS, "http://purl.org/dc/terms/source")] == 12
    assert lines[(FOCUS, "https://w3id.org/bd4m/ontology#policyNeed")] == 10
    assert (
        lines[("https://w3id.org/bd4m/vocab/theme/health", "http://www.w3.org/2004/02/skos/core#inScheme")]
        is None
    )


def test_turtle_is_a_standard_validation_report():
    report = Graph().parse(data=run(BROKEN, "--format", "turtle").stdout, format="turtle")
    root = next(report.subjects(predicate=SH.conforms))
    assert report.value(root, SH.conforms) == Literal(False)
    assert len(list(report.objects(root, SH.result))) >= 4


def test_the_directory_conforms_and_exits_0(root):
    """The records together (a record alone names organisations whose records are elsewhere)."""
    done = run(*sorted((root / "data").rglob("*.ttl")))
    assert done.returncode == 0, done.stdout
    assert "Conforms (warnings only)." in done.stdout  # recommended fields some records lack


def test_unreadable_input_exits_2_with_line_and_column(tmp_path):
    broken = tmp_path / "broken.ttl"
    broken.write_text("<http://example.org/a> <http://example.org/b> .\n")
    done = run(broken)
    assert done.returncode == 2 and str(broken) in done.stderr and "line 1 column 47" in done.stderr
    assert done.stdout == ""


def test_with_shapes_it_validates_any_data_and_refuses_ill_formed_shapes():
    people = FOLDER / "people.nt"
    done = run("--shapes", FOLDER / "people-shapes.ttl", people)
    assert done.returncode == 1
    assert f"Violation {people}:4  <http://example.org/age> = forty" in done.stdout
    assert "An age is a whole number." in done.stdout
    refused = run("--shapes", FOLDER / "shapes-broken.ttl", people)
    assert refused.returncode == 2 and "not well-formed SHACL" in refused.stderr and refused.stdout == ""


@pytest.mark.parametrize(
    ("name", "source", "policy_need", "record"),
    [
        ("broken-project.rdf", ":9", ":8", ":6"),  # element lines
        ("broken-project.jsonld", "#/@graph/0/dcterms:source", "#/@graph/0/bd4m:policyNeed", "#/@graph/0"),
    ],
)
def test_rdf_xml_and_json_ld_problems_point_at_lines_and_pointers(name, source, policy_need, record):
    document = FOLDER / name
    done = run(document)
    assert done.returncode == 1
    assert f"Violation {document}{source}  dcterms:source = not a URL" in done.stdout
    assert f"Violation {document}{policy_need}  bd4m:policyNeed" in done.stdout
    assert f"Violation {document}{record}  rdfs:label" in done.stdout  # missing: where the record is


def test_json_output_gives_the_pointer_for_json_ld():
    problems = json.loads(run(FOLDER / "broken-project.jsonld", "--format", "json").stdout)["problems"]
    assert {p["pointer"] for p in problems if p["path"] == "http://purl.org/dc/terms/source"} == {
        "/@graph/0/dcterms:source"
    }


@pytest.fixture(scope="module")
def live_store(tmp_path_factory) -> str:
    """An embedded store built from data/ by ``bd4m-kg init``."""
    location = str(tmp_path_factory.mktemp("against") / "store")
    subprocess.run([BD4M_KG, "init", "--store", location], capture_output=True, check=True, timeout=300)
    return location


def test_against_a_store_references_and_names_are_checked_in_the_live_graph(live_store):
    fixture = FOLDER / "against-store.ttl"
    done = run("--against", live_store, "--format", "json", fixture)
    assert done.returncode == 1, done.stderr
    problems = json.loads(done.stdout)["problems"]
    violations = [p for p in problems if p["severity"] == "Violation"]
    assert [(p["focus"].rsplit("#", 1)[1], p["value"], p["line"]) for p in violations] == [
        ("partner", "https://w3id.org/bd4m/id/organisation/fixture-no-such-organisation", 20)
    ]  # flowminder exists in the store with the right class: no problem
    duplicate = next(p for p in problems if "is also called" in p["message"])
    assert duplicate["severity"] == "Warning" and duplicate["line"] == 11
    assert "afghanistan-violence-internal-displacement" in duplicate["message"]


def test_against_refuses_shapes_and_an_unreachable_store(tmp_path):
    assert (
        run("--against", tmp_path / "store", "--shapes", FOLDER / "people-shapes.ttl", BROKEN).returncode == 2
    )
    assert run("--against", "http://127.0.0.1:9", BROKEN).returncode == 2


def test_a_shipped_record_validated_alone_conforms_its_links_checked_against_the_directory(root):
    done = run(root / "data" / "project" / "project-jetson.ttl")  # the example of its own --help
    assert done.returncode == 0, done.stdout
    assert "Conforms" in done.stdout and "Violation" not in done.stdout


def test_a_link_to_a_record_the_directory_lacks_is_still_a_violation(root, tmp_path):
    record = (root / "data" / "project" / "project-jetson.ttl").read_text()
    partner = "prov:agent org:unhcr ; prov:hadRole role:partner"
    assert partner in record
    edited = tmp_path / "jetson.ttl"
    edited.write_text(record.replace(partner, partner.replace("org:unhcr", "org:no-such-organisation")))
    done = run(edited)
    assert done.returncode == 1
    assert "prov:agent = https://w3id.org/bd4m/id/organisation/no-such-organisation" in done.stdout
    assert "1 violation" in done.stdout


def test_a_repeated_name_of_a_shipped_record_is_a_warning(root, tmp_path):
    copy = tmp_path / "again.ttl"
    copy.write_text(
        (root / "data" / "organisation" / "flowminder.ttl")
        .read_text()
        .replace("organisation/flowminder> a", "organisation/flowminder-again> a")
    )
    done = run(copy)
    assert done.returncode == 0, done.stdout
    assert 'is also called "Flowminder Foundation"' in done.stdout


def test_a_file_of_unknown_format_exits_2_in_one_line(tmp_path):
    text = tmp_path / "notrdf.txt"
    text.write_text("hello\n")
    done = run(text)
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "Traceback" not in done.stderr
    assert "cannot tell its RDF format" in done.stderr


def test_a_missing_dot_is_reported_at_the_line_that_lacks_it(tmp_path):
    broken = tmp_path / "missing-dot.ttl"
    lines = ["@prefix ex: <http://example.org/> ."] + ["# a comment"] * 5
    lines += ["ex:a ex:b ex:c   # line 7, no dot", "", "ex:d ex:e ex:f ."]
    broken.write_text("\n".join(lines) + "\n")
    done = run(broken)
    assert done.returncode == 2
    assert f"{broken}: line 7: a '.' is missing at the end of the statement" in done.stderr
