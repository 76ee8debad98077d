"""SHACL shapes: well-formed, documented, each with a passing and a failing fixture; data/ conforms."""

from __future__ import annotations

import pyshacl
import pytest
from rdflib import RDF, Graph
from rdflib.namespace import SH

from bd4m_kg.curation.validation import validate
from conftest import FIXTURES

SHAPE_FIXTURES = FIXTURES / "shapes"
FAILING = sorted(SHAPE_FIXTURES.glob("*.fail.ttl"))
WARNING = sorted(SHAPE_FIXTURES.glob("*.warn.ttl"))


def parse(path) -> Graph:
    return Graph().parse(path, format="turtle")


def expected_message(path) -> str:
    for line in path.read_text().splitlines():
        if line.startswith("# expect: "):
            return line.removeprefix("# expect: ")
    raise AssertionError(f"{path} has no '# expect:' line")


def test_shapes_are_valid_shacl(shapes_graph):
    conforms, _, text = pyshacl.validate(shapes_graph, meta_shacl=True, inference="none")
    assert conforms, text


def test_every_shape_is_named_described_and_explained(shapes_graph):
    shapes = set(shapes_graph.subjects(RDF.type, SH.NodeShape)) | set(shapes_graph.objects(None, SH.property))
    assert len(shapes) > 40
    for shape in shapes:
        for predicate in (SH.name, SH.description, SH.message):
            assert shapes_graph.value(shape, predicate) is not None, (shape, predicate)


def test_every_class_the_data_uses_has_a_shape(shapes_graph, data_graph):
    targeted = set(shapes_graph.objects(None, SH.targetClass))
    used = set(data_graph.objects(None, RDF.type))
    subclasses = {  # output kinds are covered by the Output shape through rdfs:subClassOf
        "https://w3id.org/bd4m/ontology#Publication",
        "https://w3id.org/bd4m/ontology#Dashboard",
        "https://w3id.org/bd4m/ontology#Tool",
        "https://w3id.org/bd4m/ontology#PublishedDataset",
    }
    assert {str(c) for c in used} - {str(c) for c in targeted} <= subclasses


def test_the_passing_fixture_conforms_without_warnings():
    report = validate(parse(SHAPE_FIXTURES / "valid-records.ttl"))
    assert report.problems == []


def test_there_is_a_failing_fixture_per_shape(shapes_graph):
    shape_names = {
        str(s).rsplit("#", 1)[1]
        for s in shapes_graph.subjects(RDF.type, SH.NodeShape)
        if shapes_graph.value(s, SH.targetClass)
        or shapes_graph.value(s, SH.targetObjectsOf)
        or shapes_graph.value(s, SH.targetSubjectsOf)
    }
    fixture_shapes = {
        line.split("must violate ", 1)[1].rstrip(".")
        for path in FAILING + WARNING
        for line in path.read_text().splitlines()
        if "must violate" in line
    }
    assert shape_names == fixture_shapes


@pytest.mark.parametrize("fixture", WARNING, ids=lambda p: p.name)
def test_a_warning_fixture_conforms_with_the_warning_a_curator_reads(fixture):
    data = parse(SHAPE_FIXTURES / "valid-records.ttl") + parse(fixture)
    report = validate(data)
    assert report.conforms
    messages = [p.message for p in report.warnings]
    assert any(expected_message(fixture) in m for m in messages), messages


@pytest.mark.parametrize("fixture", FAILING, ids=lambda p: p.name)
def test_a_failing_fixture_gets_the_message_a_curator_reads(fixture):
    data = parse(SHAPE_FIXTURES / "valid-records.ttl") + parse(fixture)
    report = validate(data)
    assert not report.conforms
    messages = [p.message for p in report.violations]
    assert any(m.startswith(expected_message(fixture)) for m in messages), messages


def test_all_of_data_conforms(data_graph):
    report = validate(data_graph)
    assert report.violations == [], "\n".join(f"{p.focus} {p.path}: {p.message}" for p in report.violations)
    assert report.conforms
