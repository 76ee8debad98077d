"""Content negotiation by profile (W3C "Content Negotiation by Profile", dx-prof-conneg).

A document is offered in profiles as well as formats: our own model (the default), schema.org
(the same facts in schema.org terms, as search engines and general tools read them), and, for the
catalogue, DCAT-AP. A client names the profile it wants by URI in ``Accept-Profile`` (with
q-values) or by token or URI in ``?_profile=``; ``?_profile=alt`` lists the alternate profiles
and formats. Answers say the profile they conform to (``Content-Profile``, ``Link rel="profile"``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import pyoxigraph as ox

SCHEMA = "https://schema.org/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
ALT = "alt"  # the token of the list of alternates
BD4M = "https://w3id.org/bd4m/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SCHEMA_TYPES = {  # our classes, and the schema.org type of the same things
    f"{BD4M}Project": "ResearchProject",
    f"{BD4M}DataCollaborative": "Project",
    "http://www.w3.org/ns/org#Organization": "Organization",
    f"{SKOS}Concept": "DefinedTerm",
    f"{SKOS}ConceptScheme": "DefinedTermSet",
    "http://www.w3.org/ns/dcat#Catalog": "DataCatalog",
}
SCHEMA_PROPERTIES = {  # our properties, and the schema.org property that says the same
    "http://www.w3.org/2000/01/rdf-schema#label": "name",
    f"{SKOS}prefLabel": "name",
    f"{SKOS}altLabel": "alternateName",
    "http://purl.org/dc/terms/description": "description",
    f"{SKOS}definition": "description",
    f"{SKOS}notation": "termCode",
    f"{SKOS}inScheme": "inDefinedTermSet",
    "http://purl.org/dc/terms/spatial": "spatialCoverage",
    "http://purl.org/dc/terms/subject": "about",
    "http://purl.org/dc/terms/source": "citation",
    "http://xmlns.com/foaf/0.1/homepage": "url",
    f"{BD4M}basedIn": "location",
}
PROFILE_ENTRY = re.compile(r"\s*<([^>]*)>\s*((?:;\s*[^,;]*)*)")


@dataclass(frozen=True)
class Profile:
    """A profile a document is offered in: its token (``?_profile=``), URI and title."""

    token: str
    uri: str
    title: str


def document_profiles(base: str) -> tuple[Profile, ...]:
    """The profiles of a record's document, the default first."""
    return (
        Profile("bd4m", f"{base}ontology", "The BD4M ontology: every fact as the directory records it"),
        Profile("schema", SCHEMA, "schema.org: names, descriptions, places and sources in schema.org terms"),
    )


def catalogue_profiles() -> tuple[Profile, ...]:
    """The profiles of the catalogue: DCAT-AP alone."""
    return (Profile("dcat-ap", "http://data.europa.eu/r5r/", "DCAT-AP 3, the EU's profile of DCAT"),)


class UnknownProfile(ValueError):
    """A ``_profile`` that names none of the profiles offered."""


def choose_profile(offered: Sequence[Profile], accept_profile: str | None, named: str | None) -> Profile:
    """The profile to answer in, the default (the first) unless one is asked for.

    ``named`` (``?_profile=``, a token or URI) wins over ``Accept-Profile``, whose best offered
    profile is chosen.

    >>> offered = document_profiles("https://w3id.org/bd4m/")
    >>> choose_profile(offered, '<https://schema.org/>;q=0.9, <urn:x>', None).token
    'schema'
    >>> choose_profile(offered, '<https://schema.org/>;q=0', None).token  # q=0: not wanted
    'bd4m'
    >>> choose_profile(offered, None, "schema").token
    'schema'
    """
    if named:
        found = next((p for p in offered if named in (p.token, p.uri)), None)
        if found is None:
            tokens = ", ".join([*(p.token for p in offered), ALT])
            raise UnknownProfile(f"_profile={named!r} is not offered here; use one of {tokens}")
        return found
    wanted = sorted(_accept_profile(accept_profile or ""), key=lambda pair: -pair[1])
    for uri, quality in wanted:
        found = next((p for p in offered if p.uri == uri), None)
        if found is not None and quality > 0:
            return found
    return offered[0]


def _accept_profile(header: str) -> list[tuple[str, float]]:
    """(URI, quality) of each entry of an ``Accept-Profile`` header; a malformed q counts as 1.

    >>> _accept_profile('<urn:a>;q=0.5, <urn:b>')
    [('urn:a', 0.5), ('urn:b', 1.0)]
    """
    entries = []
    for match in PROFILE_ENTRY.finditer(header):
        quality = 1.0
        for parameter in match.group(2).split(";"):
            name, _, value = parameter.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 1.0
        entries.append((match.group(1), quality))
    return entries


def in_schema_org(quads: Sequence[ox.Quad]) -> list[ox.Triple]:
    """A document's facts said in schema.org terms, those that have one.

    The topic's facts, its own nodes', and the names of what it links to.

    >>> label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    >>> x = ox.NamedNode("https://w3id.org/bd4m/id/project/x")
    >>> [str(t) for t in in_schema_org([ox.Quad(x, label, ox.Literal("X"))])]
    ['<https://w3id.org/bd4m/id/project/x> <https://schema.org/name> "X"']
    """
    triples: list[ox.Triple] = []
    for quad in quads:
        predicate = quad.predicate.value
        kind = quad.object.value if isinstance(quad.object, ox.NamedNode) else ""
        if predicate == RDF_TYPE and kind in SCHEMA_TYPES:
            schema_type = ox.NamedNode(SCHEMA + SCHEMA_TYPES[kind])
            triples.append(ox.Triple(quad.subject, quad.predicate, schema_type))
        elif predicate in SCHEMA_PROPERTIES:
            said = ox.NamedNode(SCHEMA + SCHEMA_PROPERTIES[predicate])
            triples.append(ox.Triple(quad.subject, said, quad.object))
    return list(dict.fromkeys(triples))


ALTR = "https://www.w3.org/ns/dx/conneg/altr#"
PROF = "http://www.w3.org/ns/dx/prof/"
DCTERMS = "http://purl.org/dc/terms/"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


def alternates_graph(
    server: str, document: str, representations: Sequence[tuple[Profile, str, str]]
) -> list[ox.Triple]:
    """The alternate representations of a document in W3C's ALTR vocabulary.

    For each, the profile it conforms to and its media type; the profiles with their tokens.
    ``representations`` are (profile, path, media type), the default first; ``server`` is this
    server's root URL.
    """
    doc = ox.NamedNode(server + document)
    triples: list[ox.Triple] = []
    for index, (profile, path, media_type) in enumerate(representations):
        node = ox.NamedNode(server + path)
        relation = "hasDefaultRepresentation" if index == 0 else "hasRepresentation"
        triples += [
            ox.Triple(doc, ox.NamedNode(ALTR + relation), node),
            ox.Triple(node, ox.NamedNode(RDF_TYPE), ox.NamedNode(ALTR + "Representation")),
            ox.Triple(node, ox.NamedNode(DCTERMS + "conformsTo"), ox.NamedNode(profile.uri)),
            ox.Triple(node, ox.NamedNode(DCTERMS + "format"), ox.Literal(media_type)),
        ]
    for profile in dict.fromkeys(p for p, _, _ in representations):
        node = ox.NamedNode(profile.uri)
        triples += [
            ox.Triple(node, ox.NamedNode(RDF_TYPE), ox.NamedNode(PROF + "Profile")),
            ox.Triple(node, ox.NamedNode(PROF + "hasToken"), ox.Literal(profile.token)),
            ox.Triple(node, ox.NamedNode(RDFS_LABEL), ox.Literal(profile.title, language="en")),
        ]
    return triples
