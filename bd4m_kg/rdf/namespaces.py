"""IRIs of the graph: the canonical base, our ontology's terms and the vocabulary schemes."""

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

BASE = "https://w3id.org/bd4m/"
ONTOLOGY_IRI = f"{BASE}ontology"

ID = Namespace(f"{BASE}id/")
VOCAB = Namespace(f"{BASE}vocab/")
GRAPH = Namespace(f"{BASE}graph/")

ROLE = Namespace(f"{VOCAB}role/")
EVIDENCE = Namespace(f"{VOCAB}evidence/")
DATA_SOURCE_TYPE = Namespace(f"{VOCAB}data-source-type/")
POLICY_NEED = Namespace(f"{VOCAB}policy-need/")
THEME = Namespace(f"{VOCAB}theme/")
COLLABORATIVE_TYPE = Namespace(f"{VOCAB}collaborative-type/")
ORGANISATION_TYPE = Namespace(f"{VOCAB}organisation-type/")
CHALLENGE = Namespace(f"{VOCAB}challenge/")
REGION = Namespace(f"{VOCAB}region/")
COUNTRY = Namespace(f"{VOCAB}country/")


class BD4M(DefinedNamespace):
    """The terms minted in ``ontology/bd4m.ttl``; a misspelt term raises (a test keeps them in sync)."""

    _fail = True
    _NS = Namespace(f"{ONTOLOGY_IRI}#")

    # classes
    Project: URIRef
    Involvement: URIRef
    DataSource: URIRef
    DataCollaborative: URIRef
    Output: URIRef
    Publication: URIRef
    Dashboard: URIRef
    Tool: URIRef
    PublishedDataset: URIRef
    Studio: URIRef
    StudioParticipation: URIRef
    DatasetNeed: URIRef
    QuestionsInitiative: URIRef
    HoldingsReport: URIRef
    # object properties
    involvement: URIRef
    dataSource: URIRef
    usesDataSource: URIRef
    sourceType: URIRef
    heldBy: URIRef
    policyNeed: URIRef
    output: URIRef
    forProject: URIRef
    collaborativeType: URIRef
    evidence: URIRef
    listedIn: URIRef
    basedIn: URIRef
    challenge: URIRef
    participant: URIRef
    neededDataset: URIRef
    neededSourceType: URIRef
    fittingCollaborativeType: URIRef
    questionsFrom: URIRef
    organiser: URIRef
    funder: URIRef
    areaOfWork: URIRef
    pillar: URIRef
    principle: URIRef
    holdingsReport: URIRef
    # datatype properties
    locationBased: URIRef
    timeBased: URIRef
    structured: URIRef
    personalData: URIRef
    contributorCount: URIRef
    questionCount: URIRef
    projectCount: URIRef
    organisationsMoreThan: URIRef
    covidProjectCount: URIRef
    # annotation properties
    directoryPage: URIRef
    result: URIRef
    userGroup: URIRef
    coverageNote: URIRef
    keyQuestion: URIRef
    context: URIRef
    incentive: URIRef
    enablingCondition: URIRef
    capacityNeed: URIRef
    allianceSupport: URIRef
    sourcingMethod: URIRef
    validationMethod: URIRef


PREFIXES: dict[str, str] = {
    "bd4m": f"{ONTOLOGY_IRI}#",
    "project": f"{ID}project/",
    "orgs": f"{ID}organisation/",
    "collaborative": f"{ID}collaborative/",
    "studio": f"{ID}studio/",
    "role": str(ROLE),
    "dst": str(DATA_SOURCE_TYPE),
    "need": str(POLICY_NEED),
    "theme": str(THEME),
    "colltype": str(COLLABORATIVE_TYPE),
    "orgtype": str(ORGANISATION_TYPE),
    "challenge": str(CHALLENGE),
    "evidence": str(EVIDENCE),
    "region": str(REGION),
    "country": str(COUNTRY),
    "dcat": "http://www.w3.org/ns/dcat#",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "org": "http://www.w3.org/ns/org#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "https://schema.org/",
    "sh": "http://www.w3.org/ns/shacl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "vann": "http://purl.org/vocab/vann/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
"""Prefixes for output people read (tables, exported Turtle), longest namespace matched first."""


def compact(iri: str) -> str:
    """Shorten an IRI with :data:`PREFIXES` when one fits, else wrap it in angle brackets.

    >>> compact("https://w3id.org/bd4m/vocab/theme/displacement")
    'theme:displacement'
    >>> compact("https://example.org/x")
    '<https://example.org/x>'
    """
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda item: -len(item[1])):
        local = iri[len(namespace) :]
        if iri.startswith(namespace) and local and all(c.isalnum() or c in "-_." for c in local):
            return f"{prefix}:{local}"
    return f"<{iri}>"
