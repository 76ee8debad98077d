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
    # annotation properties
    directoryPage: URIRef
    result: URIRef
    userGroup: URIRef
    coverageNote: URIRef
