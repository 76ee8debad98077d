"""What a query editor may complete: prefixes, classes, properties and concepts, from our own graph.

Every term comes from the store (the ontology, the vocabularies, and the classes and properties
the records use), never from a prefix or vocabulary service elsewhere: the editor's completion,
the map's regions and the named-query forms all read this one list.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from bd4m_kg.rdf.namespaces import PREFIXES
from bd4m_kg.store import Store

TERMS = """
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?term ?kind (SAMPLE(?l) AS ?label) (SAMPLE(?c) AS ?comment) (SAMPLE(?n) AS ?notation)
       (SAMPLE(?s) AS ?scheme) (SAMPLE(?b) AS ?broader)
WHERE {
  VALUES (?type ?kind) {
    (owl:Class "class") (rdfs:Class "class")
    (owl:ObjectProperty "property") (owl:DatatypeProperty "property") (rdf:Property "property")
    (owl:AnnotationProperty "property") (skos:Concept "concept")
  }
  ?term a ?type .
  FILTER isIRI(?term)
  OPTIONAL { ?term rdfs:label|skos:prefLabel ?l FILTER langMatches(lang(?l), "en") }
  OPTIONAL { ?term rdfs:comment|skos:definition ?c FILTER langMatches(lang(?c), "en") }
  OPTIONAL { ?term skos:notation ?n }
  OPTIONAL { ?term skos:inScheme ?s }
  OPTIONAL { ?term skos:broader ?b }
}
GROUP BY ?term ?kind
ORDER BY ?kind ?term
"""


@dataclass(frozen=True)
class Term:
    """One IRI an editor may offer, with what a person reads beside it."""

    iri: str
    kind: str  # "class", "property" or "concept"
    label: str | None = None
    comment: str | None = None
    notation: str | None = None  # a concept's code: ISO 3166-1 alpha-2 for countries, UN M49 for regions
    scheme: str | None = None
    broader: str | None = None


OPTIONAL_FIELDS = ("label", "comment", "notation", "scheme", "broader")


def completion_terms(store: Store, in_use: dict[str, list[str]]) -> list[Term]:
    """The declared classes, properties and concepts, and the classes and properties the records use.

    ``in_use`` maps "class" and "property" to the IRIs the dumps' manifest counted (once per
    generation), so this list needs no scan of every triple.
    """
    terms: dict[tuple[str, str], Term] = {}
    for row in store.select(TERMS):
        optional = {name: _value(row, name) for name in OPTIONAL_FIELDS}
        term = Term(row["term"].value, row["kind"].value, **optional)
        terms.setdefault((term.iri, term.kind), term)
    for kind, iris in in_use.items():
        for iri in iris:
            terms.setdefault((iri, kind), Term(iri, kind))
    return sorted(terms.values(), key=lambda t: (t.kind, t.iri))


def completions(store: Store, in_use: dict[str, list[str]], links: dict[str, list[str]]) -> dict[str, object]:
    """The editor's whole list, as JSON-ready data: ``{"prefixes": …, "terms": […], "links": …}``.

    ``links`` maps a class to the properties its instances have (from the VoID partitions), so
    the editor offers those first after a subject of that class.
    """
    terms = [{k: v for k, v in asdict(t).items() if v is not None} for t in completion_terms(store, in_use)]
    return {"prefixes": PREFIXES, "terms": terms, "links": links}


def _value(row: dict[str, object], name: str) -> str | None:
    found = row.get(name)
    return None if found is None else str(getattr(found, "value", found))
