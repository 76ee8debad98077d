"""The named queries as examples for query editors: SHACL SPARQL executables.

Each named query is an ``sh:SPARQLExecutable`` with its title (``rdfs:label``), its description
(``rdfs:comment``) and its text (``sh:select`` …), aimed at this server's endpoint
(``schema:target``), at ``/.well-known/sparql-examples#<name>``; the prefixes come along as
``sh:declare``. The Service Description carries them too (see ``publishing.self_description``).
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from bd4m_kg.publishing.self_description import SH, prefix_declarations
from bd4m_kg.rdf.query_form import query_form
from bd4m_kg.sparql.named_queries import NamedQuery

RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SCHEMA = "https://schema.org/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
EXAMPLES_PATH = ".well-known/sparql-examples"
FORM_PROPERTIES = {"SELECT": "select", "ASK": "ask", "CONSTRUCT": "construct", "DESCRIBE": "describe"}


def _iri(value: str) -> ox.NamedNode:
    return ox.NamedNode(value)


def example_iri(server: str, name: str) -> ox.NamedNode:
    """The IRI of a named query as an example: ``<server>/.well-known/sparql-examples#<name>``."""
    return _iri(f"{server}{EXAMPLES_PATH}#{name}")


def examples(queries: Iterable[NamedQuery], server: str) -> list[ox.Triple]:
    """Each named query as an ``sh:SPARQLExecutable`` aimed at this server's endpoint.

    The text is the query with its parameters bound to their defaults, runnable anywhere.
    """
    endpoint = _iri(f"{server}sparql")
    prefixes = _iri(f"{server}{EXAMPLES_PATH}#prefixes")
    triples = prefix_declarations(prefixes)
    for named in queries:
        example = example_iri(server, named.name)
        text = named.standalone()
        form = query_form(text)
        triples += [
            ox.Triple(example, RDF_TYPE, _iri(SH + "SPARQLExecutable")),
            ox.Triple(example, RDF_TYPE, _iri(f"{SH}SPARQL{form.title()}Executable")),
            ox.Triple(example, _iri(RDFS + "label"), ox.Literal(named.title, language="en")),
            ox.Triple(example, _iri(RDFS + "comment"), ox.Literal(named.description, language="en")),
            ox.Triple(example, _iri(SH + FORM_PROPERTIES[form]), ox.Literal(text)),
            ox.Triple(example, _iri(SH + "prefixes"), prefixes),
            ox.Triple(example, _iri(SCHEMA + "target"), endpoint),
            ox.Triple(example, _iri(SCHEMA + "url"), _iri(f"{server}queries/{named.name}")),
        ]
    return triples
