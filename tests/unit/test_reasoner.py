"""HermiT over the ontology and every record: consistent, no unsatisfiable class; and it can fail."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from bd4m_kg.checks.ontology import check_consistency, reasoner_input
from bd4m_kg.layout import knowledge_files
from bd4m_kg.rdf.rdf_io import parse_file
from conftest import FIXTURES, require_java


@pytest.fixture(scope="module")
def knowledge_triples() -> list[ox.Triple]:
    files = knowledge_files(parts=("ontology", "vocab", "data"))
    return [triple for file in files for triple in parse_file(file.path)]


def test_ontology_and_data_are_consistent(knowledge_triples):
    report = check_consistency(knowledge_triples, java=require_java())
    assert report.consistent, report.explanation
    assert report.unsatisfiable_classes == []
    assert report.triples_checked > 1000


def test_date_literals_are_left_out_for_the_reasoner_only(knowledge_triples):
    _, kept, left_out = reasoner_input(knowledge_triples)
    assert left_out > 0
    assert kept + left_out == len(knowledge_triples)


@pytest.mark.parametrize(
    "fixture",
    ["project-that-is-an-organisation.ttl", "involvement-of-a-project.ttl"],
)
def test_an_inconsistent_fixture_is_reported_inconsistent(knowledge_triples, fixture):
    bad = parse_file(FIXTURES / "reasoner" / fixture)
    report = check_consistency(knowledge_triples + bad, java=require_java())
    assert not report.consistent


def test_an_unsatisfiable_class_is_reported(knowledge_triples):
    bad = parse_file(FIXTURES / "reasoner" / "unsatisfiable-class.ttl")
    report = check_consistency(knowledge_triples + bad, java=require_java())
    assert report.consistent
    assert report.unsatisfiable_classes == ["https://w3id.org/bd4m/id/test/ProjectOrganisation"]
