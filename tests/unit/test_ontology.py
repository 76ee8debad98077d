"""The ontology: well-formed, documented, in sync with the Python namespace, checkable."""

from __future__ import annotations

from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS

from bd4m_kg.rdf.namespaces import BD4M, ONTOLOGY_IRI

ONTOLOGY = URIRef(ONTOLOGY_IRI)
TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


def declared_terms(graph: Graph) -> set[URIRef]:
    return {s for t in TERM_TYPES for s in graph.subjects(RDF.type, t) if isinstance(s, URIRef)}


def test_ontology_metadata(ontology_graph):
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in ontology_graph
    assert ontology_graph.value(ONTOLOGY, OWL.versionIRI) == URIRef(f"{ONTOLOGY_IRI}/0.1.0")
    assert ontology_graph.value(ONTOLOGY, OWL.versionInfo) == Literal("0.1.0")
    assert ontology_graph.value(ONTOLOGY, DCTERMS.license) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    assert ontology_graph.value(ONTOLOGY, DCTERMS.creator) is not None
    assert not list(ontology_graph.objects(ONTOLOGY, OWL.imports)), "no imports that need the network"


def test_every_term_we_describe_has_a_label_and_a_definition(ontology_graph):
    undocumented = [
        term
        for term in declared_terms(ontology_graph)
        if term.startswith(
            ("https://w3id.org/bd4m/", "http://www.w3.org/ns/prov#", "http://www.w3.org/ns/org#")
        )
        and not (ontology_graph.value(term, RDFS.label) and ontology_graph.value(term, SKOS.definition))
    ]
    assert undocumented == []


def test_python_namespace_matches_the_ontology(ontology_graph):
    minted = {str(t) for t in declared_terms(ontology_graph) if t.startswith(str(BD4M))}
    in_python = {str(BD4M[name]) for name in BD4M.__annotations__}
    assert minted == in_python


def test_our_terms_are_defined_by_the_ontology(ontology_graph):
    for term in declared_terms(ontology_graph):
        if term.startswith(str(BD4M)):
            assert ontology_graph.value(term, RDFS.isDefinedBy) == ONTOLOGY, term


def test_axioms_that_make_it_checkable(ontology_graph):
    disjoint_sets = list(ontology_graph.subjects(RDF.type, OWL.AllDisjointClasses))
    assert len(disjoint_sets) >= 2
    functional = set(ontology_graph.subjects(RDF.type, OWL.FunctionalProperty))
    assert {BD4M.sourceType, BD4M.heldBy, BD4M.forProject, BD4M.collaborativeType} <= functional
    inverse_functional = set(ontology_graph.subjects(RDF.type, OWL.InverseFunctionalProperty))
    assert {BD4M.involvement, BD4M.usesDataSource, BD4M.output} <= inverse_functional
    assert (BD4M.Involvement, RDFS.subClassOf, URIRef("http://www.w3.org/ns/prov#Association")) in (
        ontology_graph
    )
    for prop in (BD4M.involvement, BD4M.dataSource, BD4M.heldBy, BD4M.forProject):
        assert ontology_graph.value(prop, RDFS.domain) is not None, prop
        assert ontology_graph.value(prop, RDFS.range) is not None, prop
