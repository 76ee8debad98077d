"""The values a named query's parameter may take, for a form: resources like its default.

A parameter whose default is a concept offers the concepts of the same scheme; any other offers
the resources of the default's classes (an organisation's parameter offers every organisation).
"""

from __future__ import annotations

import pyoxigraph as ox

from bd4m_kg.sparql.named_queries import Parameter
from bd4m_kg.store import Store

MAX_CHOICES = 2000
LIKE = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?value ?label WHERE {{
  {{
    SELECT ?value (SAMPLE(?l) AS ?label) WHERE {{
      {default} a ?type .
      ?value a ?type .
      OPTIONAL {{ {default} skos:inScheme ?scheme }}
      FILTER (isIRI(?value) && (!BOUND(?scheme) || EXISTS {{ ?value skos:inScheme ?scheme }}))
      OPTIONAL {{ ?value rdfs:label|skos:prefLabel ?l }}
    }}
    GROUP BY ?value
  }}
}}
ORDER BY LCASE(STR(?label)) ?value
LIMIT {limit}
"""  # sorted outside the grouping: Virtuoso refuses an aggregate's name in ORDER BY


def parameter_choices(store: Store, parameter: Parameter) -> list[tuple[str, str]]:
    """(IRI, label) of each value like the parameter's default, by label; the default among them."""
    default = ox.NamedNode(parameter.default)  # an IRI of our own query files, checked again here
    rows = store.select(LIKE.format(default=default, limit=MAX_CHOICES))
    choices = [(row["value"].value, (row.get("label") or row["value"]).value) for row in rows]
    if all(iri != parameter.default for iri, _ in choices):
        choices.insert(0, (parameter.default, parameter.default))
    return choices
