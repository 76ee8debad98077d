"""What reconciliation matches against: the directory's entities, their names and their facts.

Built into the search index of each generation (:func:`bd4m_kg.browse.search.index_path`), beside
the listings' tables: one row per entity (project, organisation, data collaborative, BD4M Studio,
and every SKOS concept of our vocabularies, with its scheme), one row per name (label, other names, a
concept's notation) with its folded form (:func:`fold`) in an FTS5 trigram table, and one row per
value of each property of :data:`PROPERTIES` (what data extension answers and what a query's
properties are compared with).
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from dataclasses import dataclass

import pyoxigraph as ox

from bd4m_kg.store import Store

ONTOLOGY = "https://w3id.org/bd4m/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PREFIXES = f"""
PREFIX bd4m: <{ONTOLOGY}>
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <https://schema.org/>
PREFIX skos: <{SKOS}>
"""


@dataclass(frozen=True)
class EntityType:
    """A type entities are reconciled against: its id (the class IRI), name and kind in the index."""

    id: str
    name: str
    kind: str
    rdf_class: str  # in SPARQL, with the prefixes above
    description: str


TYPES = (
    EntityType(f"{ONTOLOGY}Project", "Project", "project", "bd4m:Project", "A project of the directory."),
    EntityType(
        "http://www.w3.org/ns/org#Organization",
        "Organisation",
        "organisation",
        "org:Organization",
        "An organisation taking part in projects: leads, partners, data holders and users.",
    ),
    EntityType(
        f"{ONTOLOGY}DataCollaborative",
        "Data collaborative",
        "collaborative",
        "bd4m:DataCollaborative",
        "A partnership through which a data holder's data reaches its users.",
    ),
    EntityType(
        f"{ONTOLOGY}Studio",
        "BD4M Studio",
        "studio",
        "bd4m:Studio",
        "A workshop of the Alliance that designs a data collaborative for one region's questions.",
    ),
    EntityType(
        f"{SKOS}Concept",
        "Vocabulary concept",
        "concept",
        "skos:Concept",
        "A concept of the directory's vocabularies (countries, regions, themes, types, roles ...).",
    ),
)
TYPE_BY_KIND = {t.kind: t for t in TYPES}


@dataclass(frozen=True)
class Property:
    """A property curators match on and fetch: its id, name, and its SPARQL pattern per kind.

    Each pattern binds ``?v`` for an entity ``?e``; ``entity`` says whether values are entities
    (answered with id and name) or text.
    """

    id: str
    name: str
    description: str
    patterns: dict[str, str]
    entity: bool = True
    value_kind: str | None = None  # the kind of the entities it links to, when one


INVOLVED = "?e bd4m:involvement ?i . ?i prov:agent ?v"
PROPERTIES = (
    Property(
        "country",
        "Country",
        "An organisation's country (based in); the countries and regions a project or Studio covers.",
        {
            "organisation": "?e bd4m:basedIn ?v",
            "project": "?e dcterms:spatial ?v",
            "studio": "?e dcterms:spatial ?v",
        },
        value_kind="concept",
    ),
    Property(
        "type",
        "Type",
        "An organisation's type (classification), or a data collaborative's type.",
        {"organisation": "?e org:classification ?v", "collaborative": "?e bd4m:collaborativeType ?v"},
        value_kind="concept",
    ),
    Property(
        "projects",
        "Projects",
        "The projects an organisation takes part in, in any role.",
        {"organisation": "?p bd4m:involvement ?i . ?i prov:agent ?e . BIND(?p AS ?v)"},
        value_kind="project",
    ),
    Property(
        "roles",
        "Roles",
        "The roles an organisation has in projects (lead, partner, data holder, data user ...).",
        {"organisation": "?p bd4m:involvement ?i . ?i prov:agent ?e ; prov:hadRole ?v"},
        value_kind="concept",
    ),
    Property(
        "parent",
        "Part of",
        "The organisation this one is part of.",
        {"organisation": "?e org:subOrganizationOf ?v"},
        value_kind="organisation",
    ),
    Property(
        "location",
        "Location",
        "Where an organisation is, as its sources say it.",
        {"organisation": "?e schema:location ?v"},
        entity=False,
    ),
    Property(
        "homepage",
        "Homepage",
        "An organisation's web site.",
        {"organisation": "?e foaf:homepage ?h BIND(STR(?h) AS ?v)"},
        entity=False,
    ),
    Property(
        "organisations",
        "Organisations",
        "The organisations taking part in a project, in any role.",
        {"project": INVOLVED},
        value_kind="organisation",
    ),
    Property(
        "data-holders",
        "Data holders",
        "The organisations holding the data a project uses.",
        {"project": "?e bd4m:usesDataSource ?s . ?s bd4m:heldBy ?v"},
        value_kind="organisation",
    ),
    Property(
        "theme", "Theme", "A project's themes.", {"project": "?e dcterms:subject ?v"}, value_kind="concept"
    ),
    Property(
        "policy-need",
        "Policy need",
        "A project's policy needs.",
        {"project": "?e bd4m:policyNeed ?v"},
        value_kind="concept",
    ),
    Property(
        "data-source-type",
        "Data-source type",
        "The types of the data sources a project uses.",
        {"project": "?e bd4m:usesDataSource ?s . ?s bd4m:sourceType ?v"},
        value_kind="concept",
    ),
    Property(
        "start",
        "Start date",
        "When a project started.",
        {"project": "?e dcterms:temporal ?t . ?t dcat:startDate ?d BIND(STR(?d) AS ?v)"},
        entity=False,
    ),
    Property(
        "project",
        "Project",
        "The project a data collaborative serves.",
        {"collaborative": "?e bd4m:forProject ?v"},
        value_kind="project",
    ),
    Property(
        "scheme",
        "Vocabulary",
        "The vocabulary (concept scheme) a concept belongs to.",
        {"concept": "{ ?e skos:inScheme ?v } UNION { ?e skos:topConceptOf ?v }"},
    ),
    Property(
        "broader",
        "Broader concept",
        "A concept's broader concept.",
        {"concept": "?e skos:broader ?v"},
        value_kind="concept",
    ),
    Property(
        "notation",
        "Code",
        "A concept's code (ISO 3166-1 alpha-2 for countries, UN M49 for regions).",
        {"concept": "?e skos:notation ?n BIND(STR(?n) AS ?v)"},
        entity=False,
    ),
    Property(
        "description",
        "Description",
        "What the record says the entity is (a concept's definition).",
        {
            "project": "?e dcterms:description ?v",
            "organisation": "?e dcterms:description ?v",
            "collaborative": "?e dcterms:description ?v",
            "studio": "?e dcterms:description ?v",
            "concept": "?e skos:definition ?v",
        },
        entity=False,
    ),
)
PROPERTY_BY_ID = {p.id: p for p in PROPERTIES}

_SPECIAL = str.maketrans(
    {
        "\u0131": "i",  # dotless i
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "ł": "l",
        "æ": "ae",
        "œ": "oe",
        "þ": "th",
    }
)
_NOT_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """A name as it is compared: lower case, without accents, words of letters and digits only.

    >>> fold("Boğaziçi University"), fold("Türk  Telekom"), fold("İstanbul, Ørsted & Co.")
    ('bogazici university', 'turk telekom', 'istanbul orsted co')
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_SPECIAL))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_SPECIAL)
    return _NOT_WORD.sub(" ", plain).strip()


SCHEMA = """
CREATE TABLE entities (iri TEXT PRIMARY KEY, kind TEXT, scheme TEXT, name TEXT, description TEXT);
CREATE TABLE entity_names (rowid INTEGER PRIMARY KEY, iri TEXT, name TEXT, folded TEXT);
CREATE INDEX entity_names_by_iri ON entity_names (iri);
CREATE VIRTUAL TABLE entity_trigrams USING fts5(folded, tokenize = 'trigram');
CREATE TABLE entity_values (iri TEXT, property TEXT, value TEXT, label TEXT);
CREATE INDEX entity_values_by_iri ON entity_values (iri, property);
CREATE TABLE schemes (iri TEXT PRIMARY KEY, name TEXT);
"""


def index_entities(store: Store, db: sqlite3.Connection) -> None:
    """Fill the reconciliation tables of a search index being built (the caller commits)."""
    db.executescript(SCHEMA)
    names: dict[str, dict[str, str]] = {}  # iri -> {"": label, "description": ..., "scheme": ...}
    others: list[tuple[str, str]] = []
    for kind in TYPE_BY_KIND.values():
        scheme = (
            "OPTIONAL { { ?e skos:inScheme ?scheme } UNION { ?e skos:topConceptOf ?scheme } }"
            if kind.kind == "concept"
            else ""
        )
        rows = store.select(
            PREFIXES
            + f"""SELECT ?e ?label ?other ?scheme WHERE {{ ?e a {kind.rdf_class} . FILTER(isIRI(?e))
              {{ ?e rdfs:label ?label }} UNION {{ ?e skos:prefLabel ?label }}
              UNION {{ ?e skos:altLabel ?other }} UNION {{ ?e skos:notation ?n BIND(STR(?n) AS ?other) }}
              {scheme} }}"""
        )
        for row in rows:
            iri = row["e"].value
            entity = names.setdefault(iri, {"kind": kind.kind})
            if "label" in row and (_english(row["label"]) or "name" not in entity):
                entity["name"] = row["label"].value
            if "other" in row:
                others.append((iri, row["other"].value))
            if "scheme" in row:
                entity["scheme"] = row["scheme"].value
    values = _values(store)
    descriptions: dict[str, str] = {}
    for iri, prop, _, text in values:
        if prop == "description":
            descriptions.setdefault(iri, text)
    for iri, entity in names.items():
        if "name" not in entity:
            continue
        db.execute(
            "INSERT OR IGNORE INTO entities VALUES (?, ?, ?, ?, ?)",
            (iri, entity["kind"], entity.get("scheme", ""), entity["name"], descriptions.get(iri, "")),
        )
        _add_name(db, iri, entity["name"])
    for iri, other in others:
        if "name" in names[iri] and other != names[iri]["name"]:
            _add_name(db, iri, other)
    schemes = _scheme_names(store)
    db.executemany("INSERT INTO schemes VALUES (?, ?)", sorted(schemes.items()))
    labels = {**schemes, **{iri: entity.get("name", iri) for iri, entity in names.items()}}
    db.executemany(
        "INSERT INTO entity_values VALUES (?, ?, ?, ?)",
        [(iri, prop, value, labels.get(value, label)) for iri, prop, value, label in values],
    )


def _add_name(db: sqlite3.Connection, iri: str, name: str) -> None:
    cursor = db.execute(
        "INSERT INTO entity_names (iri, name, folded) VALUES (?, ?, ?)", (iri, name, fold(name))
    )
    db.execute("INSERT INTO entity_trigrams (rowid, folded) VALUES (?, ?)", (cursor.lastrowid, fold(name)))


def _values(store: Store) -> list[tuple[str, str, str, str]]:
    """(entity, property, value, label) for every property of every kind; ``value`` is "" for text.

    The label of an entity value is its IRI here; :func:`index_entities` puts its name in.
    """
    found: dict[tuple[str, str, str, str], None] = {}  # ordered, without repeats
    for prop in PROPERTIES:
        for kind, pattern in prop.patterns.items():
            rdf_class = TYPE_BY_KIND[kind].rdf_class
            rows = store.select(
                PREFIXES + f"SELECT DISTINCT ?e ?v WHERE {{ ?e a {rdf_class} . {pattern} FILTER(isIRI(?e)) }}"
            )
            for row in rows:
                value = row["v"]
                if prop.entity != isinstance(value, ox.NamedNode):
                    continue  # a literal where an entity belongs, or the other way round
                key = value.value if prop.entity else ""
                found[(row["e"].value, prop.id, key, value.value)] = None
    return list(found)


def _scheme_names(store: Store) -> dict[str, str]:
    """The names of our vocabularies (concept schemes), in English where they have one."""
    rows = store.select(PREFIXES + "SELECT ?s ?l WHERE { ?s a skos:ConceptScheme ; skos:prefLabel ?l }")
    ordered = sorted(rows, key=lambda row: _english(row["l"]))  # English last, so it wins
    return {row["s"].value: row["l"].value for row in ordered}


def _english(term: object) -> bool:
    """Whether a literal is in English or has no language (the names shown first)."""
    return str(getattr(term, "language", "") or "").lower() in ("", "en")
