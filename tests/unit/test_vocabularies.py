"""SKOS vocabularies: every concept labelled, defined, in exactly one scheme; codes where they exist."""

from __future__ import annotations

import re

import pytest
from rdflib import RDF, URIRef
from rdflib.namespace import SKOS

from bd4m_kg.rdf.namespaces import COUNTRY, REGION, VOCAB

SCHEMES = [
    "role",
    "evidence",
    "data-source-type",
    "policy-need",
    "theme",
    "collaborative-type",
    "organisation-type",
    "challenge",
    "rationale-challenge",
    "area-of-work",
    "pillar",
    "principle",
    "region",
    "country",
]


def concepts(graph):
    return set(graph.subjects(RDF.type, SKOS.Concept))


def test_the_schemes_the_issue_names_exist(vocab_graph):
    schemes = {str(s) for s in vocab_graph.subjects(RDF.type, SKOS.ConceptScheme)}
    assert schemes == {f"{VOCAB}{name}" for name in SCHEMES}


@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_concept_is_labelled_defined_and_in_one_scheme(vocab_graph, scheme):
    members = [c for c in concepts(vocab_graph) if str(c).startswith(f"{VOCAB}{scheme}/")]
    assert members, scheme
    for concept in members:
        assert len(list(vocab_graph.objects(concept, SKOS.prefLabel))) == 1, concept
        assert vocab_graph.value(concept, SKOS.definition) is not None, concept
        assert list(vocab_graph.objects(concept, SKOS.inScheme)) == [URIRef(f"{VOCAB}{scheme}")], concept


def test_top_concepts_are_declared_both_ways(vocab_graph):
    for scheme in vocab_graph.subjects(RDF.type, SKOS.ConceptScheme):
        tops = set(vocab_graph.objects(scheme, SKOS.hasTopConcept))
        assert tops == set(vocab_graph.subjects(SKOS.topConceptOf, scheme)), scheme


def test_countries_carry_iso_codes_and_their_m49_region(vocab_graph):
    countries = [c for c in concepts(vocab_graph) if str(c).startswith(str(COUNTRY))]
    assert len(countries) >= 40
    for country in countries:
        code = str(vocab_graph.value(country, SKOS.notation))
        assert re.fullmatch(r"[A-Z]{2}", code), country
        assert str(country) == f"{COUNTRY}{code.lower()}"
        region = vocab_graph.value(country, SKOS.broader)
        assert str(region).startswith(str(REGION)), country


def test_regions_carry_m49_codes(vocab_graph):
    assert str(vocab_graph.value(REGION["eastern-africa"], SKOS.notation)) == "014"
    assert str(vocab_graph.value(REGION["world"], SKOS.notation)) == "001"
    for region in (c for c in concepts(vocab_graph) if str(c).startswith(str(REGION))):
        code = str(vocab_graph.value(region, SKOS.notation))
        assert re.fullmatch(r"\d{3}", code) or code == "EU", region


def test_every_broader_concept_exists(vocab_graph):
    known = concepts(vocab_graph)
    for narrower, broader in vocab_graph.subject_objects(SKOS.broader):
        assert broader in known, (narrower, broader)


def test_policy_needs_are_the_directorys_ten(vocab_graph):
    needs = {c for c in concepts(vocab_graph) if str(c).startswith(f"{VOCAB}policy-need/")}
    assert len(needs) == 10
