"""The endpoint describes itself to other query editors, with no configuration on their side.

The SIB sparql-editor first sends its three metadata queries (prefixes, examples, VoID partitions)
to the endpoint with ``ac=1``; when they find nothing there, it runs them over the endpoint's
Service Description, fetched as RDF. These tests take that path with a real client: the queries
are the editor's own, sent over HTTP to ``bd4m-kg serve``, then run with rdflib over the Service
Description it serves. (The editor's npm package, ``@sib-swiss/sparql-editor``, is not in the
registry this project installs from, so it is not driven in Chromium.)
"""

from __future__ import annotations

import time

import pytest
import requests
from rdflib import Graph

from bd4m_kg.sparql.named_queries import load_named_queries

BD4M = "https://w3id.org/bd4m/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
# What Comunica asks for when it reads a file source (the editor's fallback).
RDF_ACCEPT = (
    "application/n-quads,application/trig;q=0.95,application/ld+json;q=0.9,"
    "application/n-triples;q=0.8,text/turtle;q=0.6,application/rdf+xml;q=0.5"
)
PREFIXES_QUERY = """PREFIX sh: <http://www.w3.org/ns/shacl#>
SELECT DISTINCT ?prefix ?namespace
WHERE { [] sh:namespace ?namespace ; sh:prefix ?prefix}
ORDER BY ?prefix"""
EXAMPLES_QUERY = """PREFIX sh: <http://www.w3.org/ns/shacl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?sq ?comment ?query
WHERE {
  ?sq a sh:SPARQLExecutable ;
    rdfs:comment ?comment ;
    sh:select|sh:ask|sh:construct|sh:describe ?query .
} ORDER BY ?sq"""
VOID_QUERY = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX sd:<http://www.w3.org/ns/sparql-service-description#>
PREFIX void:<http://rdfs.org/ns/void#>
PREFIX void-ext:<http://ldf.fi/void-ext#>
SELECT DISTINCT ?graph ?subjectClass ?prop ?objectClass ?objectDatatype ?triples
WHERE {
  {
    OPTIONAL { ?graph sd:graph ?graphDesc . ?graphDesc void:classPartition ?cp . }
    ?cp void:class ?subjectClass ; void:propertyPartition ?pp .
    ?pp void:property ?prop .
    OPTIONAL { ?pp void:triples ?triples }
    OPTIONAL {
      { ?pp void:classPartition [ void:class ?objectClass ] . }
      UNION
      { ?pp void-ext:datatypePartition [ void-ext:datatype ?objectDatatype ] . }
    }
  } UNION {
    ?linkset void:subjectsTarget [ void:class ?subjectClass ] ;
      void:linkPredicate ?prop ;
      void:objectsTarget [ void:class ?objectClass ] .
  }
} ORDER BY ?subjectClass ?objectClass ?objectDatatype ?graph ?triples"""


def service_description(url: str) -> Graph:
    """The Service Description as the editor's fallback reads it: GET the endpoint for RDF."""
    answer = requests.get(f"{url}/sparql", headers={"Accept": RDF_ACCEPT}, timeout=60)
    assert answer.status_code == 200
    return Graph().parse(data=answer.content, format=answer.headers["Content-Type"].split(";")[0])


@pytest.fixture(scope="module")
def description(served) -> Graph:
    """The Service Description once its class partitions are counted: the first request after a
    change starts counting them (with the dumps) and answers without them meanwhile."""
    give_up = time.monotonic() + 120
    graph = service_description(served[0])
    while not list(graph.query(VOID_QUERY)) and time.monotonic() < give_up:
        time.sleep(0.5)
        graph = service_description(served[0])
    return graph


def test_the_editors_metadata_queries_are_answered_by_the_endpoint(served):
    for query in (PREFIXES_QUERY, EXAMPLES_QUERY, VOID_QUERY):
        answer = requests.get(
            f"{served[0]}/sparql?ac=1&query={requests.utils.quote(query)}",
            headers={"Accept": "application/sparql-results+json"},
            timeout=60,
        )
        assert answer.status_code == 200 and "bindings" in answer.json()["results"]


def test_the_service_description_declares_our_prefixes(description):
    found = {str(row.prefix): str(row.namespace) for row in description.query(PREFIXES_QUERY)}
    assert found["bd4m"] == BD4M and found["country"] == "https://w3id.org/bd4m/vocab/country/"
    assert found["skos"] == "http://www.w3.org/2004/02/skos/core#"


def test_the_service_description_lists_every_named_query_as_an_example(description, served):
    found = {
        str(row.sq).rsplit("#", 1)[1]: (str(row.comment), str(row.query))
        for row in description.query(EXAMPLES_QUERY)
    }
    named = load_named_queries()
    assert sorted(found) == sorted(named)
    for name, (comment, text) in found.items():
        assert comment == named[name].description
        ran = requests.post(
            f"{served[0]}/sparql",
            data={"query": text},
            headers={"Accept": "text/csv, text/turtle"},
            timeout=120,
        )
        assert ran.status_code == 200, (name, ran.text[:300])


def test_the_service_description_says_how_the_classes_link(description):
    rows = list(description.query(VOID_QUERY))
    links = {(str(r.subjectClass), str(r.prop), str(r.objectClass or r.objectDatatype)) for r in rows}
    assert (f"{BD4M}Project", f"{BD4M}usesDataSource", f"{BD4M}DataSource") in links
    assert (
        f"{BD4M}Project",
        "http://purl.org/dc/terms/spatial",
        "http://www.w3.org/2004/02/skos/core#Concept",
    ) in links
    label_types = {t for c, p, t in links if c == f"{BD4M}Project" and p.endswith("rdf-schema#label")}
    assert label_types & {f"{RDF}langString", f"{XSD}string"}  # Virtuoso gives a tagged literal xsd:string
    assert all(int(r.triples) > 0 for r in rows if r.triples is not None)


def test_the_examples_and_void_documents_carry_the_same_self_description(served):
    examples = Graph().parse(
        data=requests.get(
            f"{served[0]}/.well-known/sparql-examples", headers={"Accept": "text/turtle"}, timeout=60
        ).text,
        format="turtle",
    )
    assert len(list(examples.query(EXAMPLES_QUERY))) == len(load_named_queries())
    assert dict(examples.query(PREFIXES_QUERY))  # prefixes too
    void = Graph().parse(
        data=requests.get(
            f"{served[0]}/.well-known/void", headers={"Accept": "text/turtle"}, timeout=60
        ).text,
        format="turtle",
    )
    assert any(str(r.subjectClass) == "http://www.w3.org/ns/org#Organization" for r in void.query(VOID_QUERY))
    assert dict(void.query(PREFIXES_QUERY))
