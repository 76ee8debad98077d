"""Descriptions of the service itself: the SPARQL 1.1 Service Description of the endpoint."""

from __future__ import annotations

import pyoxigraph as ox

from bd4m_kg.formats import RDF_FORMATS, RESULT_FORMATS

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
FORMATS = "http://www.w3.org/ns/formats/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")

# W3C format IRIs (https://www.w3.org/ns/formats/) for each short name we serve
FORMAT_IRIS = {
    "json": "SPARQL_Results_JSON",
    "xml": "SPARQL_Results_XML",
    "csv": "SPARQL_Results_CSV",
    "tsv": "SPARQL_Results_TSV",
    "ttl": "Turtle",
    "nt": "N-Triples",
    "nq": "N-Quads",
    "trig": "TriG",
    "rdf": "RDF_XML",
    "jsonld": "JSON-LD",
}


def service_description(endpoint: str, triples: int) -> list[ox.Triple]:
    """The ``sd:Service`` of the endpoint at ``endpoint``, with the size of its default dataset.

    >>> len(service_description("http://127.0.0.1:8080/sparql", 5))
    19
    """
    service, dataset, graph = ox.NamedNode(endpoint), ox.BlankNode("dataset"), ox.BlankNode("default-graph")

    def sd(term: str) -> ox.NamedNode:
        return ox.NamedNode(SD + term)

    size = ox.Literal(str(triples), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    described = [
        ox.Triple(service, RDF_TYPE, sd("Service")),
        ox.Triple(service, sd("endpoint"), service),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(service, sd("feature"), sd("UnionDefaultGraph")),
        ox.Triple(service, sd("defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, sd("Dataset")),
        ox.Triple(dataset, sd("defaultGraph"), graph),
        ox.Triple(graph, RDF_TYPE, sd("Graph")),
        ox.Triple(graph, ox.NamedNode(VOID + "triples"), size),
    ]
    described += [
        ox.Triple(service, sd("resultFormat"), ox.NamedNode(FORMATS + FORMAT_IRIS[short]))
        for short in [*RESULT_FORMATS, *RDF_FORMATS]
    ]
    return described
