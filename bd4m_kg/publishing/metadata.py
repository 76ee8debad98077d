"""Descriptions of the service and its data: Service Description, VoID and the DCAT-AP catalogue.

Identifiers (the dataset, its distributions, graphs) are canonical IRIs under the base; where to
fetch things (endpoint, dump files) are URLs of the server answering, given as ``server``.

The catalogue conforms to DCAT-AP 3.0.0 and 3.0.1 as the SEMIC shapes check it without background
knowledge: each value whose class a range shape checks (a licence, a media type, a theme …) says
its class, and controlled values are the EU authority tables' and ADMS's IRIs (named, never fetched).
"""

from __future__ import annotations

import pyoxigraph as ox

from bd4m_kg.linked_data.documents import LICENCE
from bd4m_kg.publishing.dumps import DumpFile, Manifest
from bd4m_kg.publishing.releases import Release
from bd4m_kg.publishing.self_description import class_partitions, prefix_declarations
from bd4m_kg.rdf.formats import RDF_FORMATS, RESULT_FORMATS
from bd4m_kg.store import Store

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


DCTERMS = "http://purl.org/dc/terms/"
DCAT = "http://www.w3.org/ns/dcat#"
OWL = "http://www.w3.org/2002/07/owl#"
FOAF = "http://xmlns.com/foaf/0.1/"
SPDX = "http://spdx.org/rdf/terms#"
XSD = "http://www.w3.org/2001/XMLSchema#"
IANA = "http://www.iana.org/assignments/media-types/"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCATAP = "http://data.europa.eu/r5r/"
GEOSPARQL = "http://www.opengis.net/ont/geosparql#"
EU = "http://publications.europa.eu/resource/authority/"
# the EU file-type table's entry for the RDF inside each dump, and the name a reader knows it by
FILE_TYPES = {
    "application/n-quads": ("RDF_N_QUADS", "N-Quads: every quad, with the named graph of its record"),
    "application/trig": ("RDF_TRIG", "TriG: every quad, grouped by the named graph of its record"),
    "text/turtle": ("RDF_TURTLE", "Turtle: the union of the record graphs, each triple once"),
}
THEME = EU + "data-theme/SOCI"  # Population and society
THEMES = EU + "data-theme"
LANGUAGE = EU + "language/ENG"
AVAILABILITY = EU + "planned-availability/AVAILABLE"  # the medium term: no longer-term promise is made
PUBLISHER_TYPE = "http://purl.org/adms/publishertype/SupraNationalAuthority"  # IOM: intergovernmental
LICENCE_TYPE = "http://purl.org/adms/licencetype/Attribution"  # CC BY 4.0 asks for attribution only
SPARQL_PROTOCOL = "https://www.w3.org/TR/sparql11-protocol/"
WORLD = "vocab/region/world"  # UN M49 001: records cover single countries up to the whole world
WHOLE_GLOBE = "POLYGON((-180 90, 180 90, 180 -90, -180 -90, -180 90))"
LABELS = {  # each concept's English label in its own table
    THEME: "Population and society",
    AVAILABILITY: "available",
    PUBLISHER_TYPE: "Supra-national authority",
    LICENCE_TYPE: "Attribution",
}
KEYWORDS = (
    "migration",
    "human mobility",
    "displacement",
    "big data",
    "data innovation",
    "data collaboratives",
    "mobile phone data",
    "social media data",
    "satellite imagery",
)
SERVICE_KEYWORDS = ("SPARQL", "linked data", "knowledge graph", "migration", "human mobility")
TITLE = "BD4M Data Innovation Directory knowledge graph"
DESCRIPTION = (
    "Projects that use new data sources to study migration and human mobility, the organisations "
    "that lead them, hold their data and use their results, and the data collaboratives that connect "
    "them: the Big Data for Migration Alliance's Data Innovation Directory as linked data, each fact "
    "with the web page it comes from."
)
VOCABULARIES = (
    "https://w3id.org/bd4m/ontology",
    "http://www.w3.org/ns/prov#",
    "http://www.w3.org/ns/org#",
    "http://www.w3.org/2004/02/skos/core#",
    "http://purl.org/dc/terms/",
    "http://www.w3.org/ns/dcat#",
    "http://xmlns.com/foaf/0.1/",
)
EXAMPLES = ("id/organisation/iom", "id/project/cameroon-refugee-mapping", "vocab/theme/health")


def _iri(value: str) -> ox.NamedNode:
    return ox.NamedNode(value)


def _number(value: int, datatype: str = "integer") -> ox.Literal:
    return ox.Literal(str(value), datatype=_iri(XSD + datatype))


def _text(value: str) -> ox.Literal:
    return ox.Literal(value, language="en")


PUBLISHER = (
    "SELECT ?agent ?name WHERE { ?catalog a <http://www.w3.org/ns/dcat#Catalog> ; "
    "<http://purl.org/dc/terms/publisher> ?agent . "
    "?agent <http://www.w3.org/2000/01/rdf-schema#label> ?name } ORDER BY ?agent LIMIT 1"
)


def publisher(store: Store) -> tuple[str, str] | None:
    """The (IRI, name) of the directory's publisher, from its catalogue record; None without one."""
    rows = store.select(PUBLISHER)
    return (rows[0]["agent"].value, rows[0]["name"].value) if rows else None


EARLIEST = (
    "SELECT DISTINCT ?start WHERE { ?described <http://purl.org/dc/terms/temporal> ?period . "
    "?period <http://www.w3.org/ns/dcat#startDate> ?start }"
)


def first_change(store: Store) -> str:
    """When the store's change log begins (its oldest committed change, ISO 8601 UTC); '' with none."""
    changes = store.state.changes(after=0, with_graphs=False)
    return changes[0].time if changes else ""


def earliest_year(store: Store) -> str:
    """The earliest year any period in the records starts (a project's, a data source's); '' with none.

    Years only: the records give years, months or days, and engines order these types differently.
    """
    years = [row["start"].value[:4] for row in store.select(EARLIEST)]
    return min((y for y in years if y.isdigit() and len(y) == 4), default="")


def void_description(manifest: Manifest, base: str, server: str) -> list[ox.Triple]:
    """The VoID description of the dataset at one generation, from the counts its dumps were written with."""
    dataset = _iri(f"{base}dataset")

    def void(term: str) -> ox.NamedNode:
        return _iri(VOID + term)

    triples = [
        ox.Triple(dataset, RDF_TYPE, void("Dataset")),
        ox.Triple(dataset, _iri(DCTERMS + "title"), _text(TITLE)),
        ox.Triple(dataset, _iri(DCTERMS + "description"), _text(DESCRIPTION)),
        ox.Triple(dataset, _iri(DCTERMS + "license"), _iri(LICENCE)),
        ox.Triple(dataset, void("triples"), _number(manifest.triples)),
        ox.Triple(dataset, void("entities"), _number(manifest.entities)),
        ox.Triple(dataset, void("classes"), _number(len(manifest.classes))),
        ox.Triple(dataset, void("properties"), _number(len(manifest.properties))),
        ox.Triple(dataset, void("sparqlEndpoint"), _iri(f"{server}sparql")),
        ox.Triple(dataset, void("uriSpace"), ox.Literal(base)),
    ]
    if manifest.time:
        when = ox.Literal(manifest.time, datatype=_iri(XSD + "dateTime"))
        triples.append(ox.Triple(dataset, _iri(DCTERMS + "modified"), when))
    triples += [ox.Triple(dataset, void("dataDump"), _iri(f"{server}dumps/{f.name}")) for f in manifest.files]
    triples += [ox.Triple(dataset, void("exampleResource"), _iri(base + path)) for path in EXAMPLES]
    triples += [ox.Triple(dataset, void("vocabulary"), _iri(v)) for v in VOCABULARIES]
    triples += class_partitions(dataset, manifest.classes, manifest.links)
    triples += prefix_declarations(dataset)
    triples += _partitions(dataset, "propertyPartition", "property", "triples", manifest.properties)
    triples += interfaces(dataset, server)
    for graph, count in sorted(manifest.graphs.items()):
        subset = _iri(graph)
        triples += [
            ox.Triple(dataset, void("subset"), subset),
            ox.Triple(subset, RDF_TYPE, void("Dataset")),
            ox.Triple(subset, void("triples"), _number(count)),
            ox.Triple(subset, _iri(SD + "name"), subset),
        ]
    return triples


HYDRA = "http://www.w3.org/ns/hydra/core#"
LDES = "https://w3id.org/ldes#"
RDFS_SEE_ALSO = "http://www.w3.org/2000/01/rdf-schema#seeAlso"


def interfaces(dataset: ox.NamedNode, server: str) -> list[ox.Triple]:
    """Where clients find the interfaces beyond SPARQL and the dumps.

    A URI lookup and the Hydra search form of the Triple Pattern Fragments, and the change feed
    (a Linked Data Event Stream).

    >>> triples = interfaces(ox.NamedNode("https://w3id.org/bd4m/dataset"), "http://127.0.0.1:8080/")
    >>> [t.object.value for t in triples if t.predicate.value.endswith("uriLookupEndpoint")]
    ['http://127.0.0.1:8080/fragments?subject=']
    """
    form, feed = ox.BlankNode(), _iri(f"{server}changes")

    def hydra(term: str) -> ox.NamedNode:
        return _iri(HYDRA + term)

    triples = [
        ox.Triple(dataset, _iri(VOID + "uriLookupEndpoint"), _iri(f"{server}fragments?subject=")),
        ox.Triple(dataset, hydra("search"), form),
        ox.Triple(form, RDF_TYPE, hydra("IriTemplate")),
        ox.Triple(form, hydra("template"), ox.Literal(f"{server}fragments{{?subject,predicate,object}}")),
        ox.Triple(form, hydra("variableRepresentation"), hydra("ExplicitRepresentation")),
        ox.Triple(dataset, _iri(RDFS_SEE_ALSO), feed),
        ox.Triple(feed, RDF_TYPE, _iri(LDES + "EventStream")),
    ]
    for variable in ("subject", "predicate", "object"):
        mapping = ox.BlankNode()
        triples += [
            ox.Triple(form, hydra("mapping"), mapping),
            ox.Triple(mapping, hydra("variable"), ox.Literal(variable)),
            ox.Triple(
                mapping, hydra("property"), _iri(f"http://www.w3.org/1999/02/22-rdf-syntax-ns#{variable}")
            ),
        ]
    return triples


def _partitions(
    dataset: ox.NamedNode, link: str, key: str, measure: str, counts: dict[str, int]
) -> list[ox.Triple]:
    triples = []
    for name, count in sorted(counts.items()):
        partition = ox.BlankNode()
        triples += [
            ox.Triple(dataset, _iri(VOID + link), partition),
            ox.Triple(partition, _iri(VOID + key), _iri(name)),
            ox.Triple(partition, _iri(VOID + measure), _number(count)),
        ]
    return triples


def catalogue(
    manifest: Manifest,
    base: str,
    server: str,
    publisher: tuple[str, str],
    issued: str = "",
    since: str = "",
) -> list[ox.Triple]:
    """The DCAT-AP 3 catalogue: the dataset, a distribution per dump, the SPARQL endpoint as a service.

    ``publisher`` is the (IRI, name) of the organisation that publishes the directory; ``issued``
    when the store's change log begins (:func:`first_change`) and ``since`` the earliest year its
    records' periods start (:func:`earliest_year`), each left out when ''.

    No contact point: the directory names no public contact for itself (a harvester reaches the
    publisher through its home page).
    """
    catalog, dataset, service = _iri(f"{base}catalog"), _iri(f"{base}dataset"), _iri(f"{base}sparql-service")
    agent, world, home = _iri(publisher[0]), _iri(base + WORLD), _iri(server)

    def dcat(term: str) -> ox.NamedNode:
        return _iri(DCAT + term)

    def dc(term: str) -> ox.NamedNode:
        return _iri(DCTERMS + term)

    triples = [
        ox.Triple(catalog, RDF_TYPE, dcat("Catalog")),
        ox.Triple(catalog, dc("title"), _text("BD4M Data Innovation Directory")),
        ox.Triple(catalog, dc("description"), _text(DESCRIPTION)),
        ox.Triple(catalog, dc("publisher"), agent),
        ox.Triple(catalog, dc("language"), _iri(LANGUAGE)),
        ox.Triple(catalog, dc("license"), _iri(LICENCE)),
        ox.Triple(catalog, dc("spatial"), world),
        ox.Triple(catalog, dcat("themeTaxonomy"), _iri(THEMES)),
        ox.Triple(catalog, _iri(FOAF + "homepage"), home),
        ox.Triple(catalog, dcat("dataset"), dataset),
        ox.Triple(catalog, dcat("service"), service),
        ox.Triple(agent, RDF_TYPE, _iri(FOAF + "Agent")),
        ox.Triple(agent, _iri(FOAF + "name"), _text(publisher[1])),
        ox.Triple(agent, dc("type"), _iri(PUBLISHER_TYPE)),
        ox.Triple(dataset, RDF_TYPE, dcat("Dataset")),
        ox.Triple(dataset, dc("title"), _text(TITLE)),
        ox.Triple(dataset, dc("description"), _text(DESCRIPTION)),
        ox.Triple(dataset, dc("publisher"), agent),
        ox.Triple(dataset, dc("license"), _iri(LICENCE)),
        ox.Triple(dataset, dc("language"), _iri(LANGUAGE)),
        ox.Triple(dataset, dc("spatial"), world),
        ox.Triple(dataset, dcat("theme"), _iri(THEME)),
        ox.Triple(dataset, dcat("landingPage"), home),
        ox.Triple(service, RDF_TYPE, dcat("DataService")),
        ox.Triple(service, dc("title"), _text("SPARQL 1.1 endpoint of the BD4M Data Innovation Directory")),
        ox.Triple(service, dc("publisher"), agent),
        ox.Triple(service, dc("conformsTo"), _iri(SPARQL_PROTOCOL)),
        ox.Triple(service, dcat("endpointURL"), _iri(f"{server}sparql")),
        ox.Triple(service, dcat("endpointDescription"), _iri(f"{server}sparql")),
        ox.Triple(service, dcat("servesDataset"), dataset),
        ox.Triple(service, dcat("theme"), _iri(THEME)),
        ox.Triple(service, dc("license"), _iri(LICENCE)),
    ]
    triples += [ox.Triple(dataset, dcat("keyword"), _text(word)) for word in KEYWORDS]
    triples += [ox.Triple(service, dcat("keyword"), _text(word)) for word in SERVICE_KEYWORDS]
    if issued:
        triples.append(ox.Triple(catalog, dc("issued"), ox.Literal(issued, datatype=_iri(XSD + "dateTime"))))
    if manifest.time:
        modified = ox.Literal(manifest.time, datatype=_iri(XSD + "dateTime"))
        triples += [
            ox.Triple(catalog, dc("modified"), modified),
            ox.Triple(dataset, dc("modified"), modified),
        ]
    if since:
        period = ox.BlankNode()
        triples += [
            ox.Triple(dataset, dc("temporal"), period),
            ox.Triple(period, RDF_TYPE, dc("PeriodOfTime")),
            ox.Triple(period, dcat("startDate"), ox.Literal(since, datatype=_iri(XSD + "gYear"))),
        ]
    for dump in manifest.files:
        triples += _distribution(dataset, f"{base}dataset/{dump.name}", f"{server}dumps/{dump.name}", dump)
    triples += _classes(base, server)
    return triples


def _classes(base: str, server: str) -> list[ox.Triple]:
    """The class of each value a DCAT-AP range shape checks, and what the recommended shapes ask of them.

    A concept gets its label, a licence its ADMS type, the world its bounding box. The IRIs are
    named, not fetched.
    """
    named = {
        LICENCE: DCTERMS + "LicenseDocument",
        LANGUAGE: DCTERMS + "LinguisticSystem",
        THEMES: SKOS + "ConceptScheme",
        THEME: SKOS + "Concept",
        PUBLISHER_TYPE: SKOS + "Concept",
        LICENCE_TYPE: SKOS + "Concept",
        AVAILABILITY: SKOS + "Concept",
        SPARQL_PROTOCOL: DCTERMS + "Standard",
        base + WORLD: DCTERMS + "Location",
        server: FOAF + "Document",
        f"{server}sparql": RDFS + "Resource",  # 3.0.1's ranges ask it of endpointURL and endpointDescription
        SPDX + "checksumAlgorithm_sha256": SPDX + "ChecksumAlgorithm",
        IANA + "application/gzip": DCTERMS + "MediaType",
    }
    for media_type, (file_type, _) in FILE_TYPES.items():
        named[IANA + media_type] = DCTERMS + "MediaType"
        named[EU + "file-type/" + file_type] = DCTERMS + "MediaTypeOrExtent"
    globe = ox.Literal(WHOLE_GLOBE, datatype=_iri(GEOSPARQL + "wktLiteral"))
    return [
        *(ox.Triple(_iri(value), RDF_TYPE, _iri(kind)) for value, kind in named.items()),
        *(
            ox.Triple(_iri(concept), _iri(SKOS + "prefLabel"), _text(label))
            for concept, label in LABELS.items()
        ),
        ox.Triple(_iri(THEMES), _iri(DCTERMS + "title"), _text("Data theme")),
        ox.Triple(_iri(LICENCE), _iri(DCTERMS + "type"), _iri(LICENCE_TYPE)),
        ox.Triple(_iri(base + WORLD), _iri(DCAT + "bbox"), globe),
    ]


def _distribution(dataset: ox.NamedNode, iri: str, url: str, dump: DumpFile) -> list[ox.Triple]:
    """A DCAT distribution of ``dataset``: one gzipped dump file, its size and SHA-256.

    The size is an ``xsd:nonNegativeInteger``, as DCAT 3 and DCAT-AP 3.0.1 say (3.0.0's shapes asked
    for ``xsd:decimal``, which 3.0.1 corrected; no one literal satisfies both).
    """
    distribution, checksum = _iri(iri), ox.BlankNode()
    file_type, about = FILE_TYPES[dump.media_type]

    def dcat(term: str) -> ox.NamedNode:
        return _iri(DCAT + term)

    return [
        ox.Triple(dataset, dcat("distribution"), distribution),
        ox.Triple(distribution, RDF_TYPE, dcat("Distribution")),
        ox.Triple(distribution, _iri(DCTERMS + "title"), _text(f"Whole graph as {dump.name}")),
        ox.Triple(distribution, _iri(DCTERMS + "description"), _text(f"The whole graph, gzipped {about}.")),
        ox.Triple(distribution, dcat("accessURL"), _iri(url)),
        ox.Triple(distribution, dcat("downloadURL"), _iri(url)),
        ox.Triple(distribution, _iri(DCTERMS + "format"), _iri(EU + "file-type/" + file_type)),
        ox.Triple(distribution, dcat("mediaType"), _iri(IANA + dump.media_type)),
        ox.Triple(distribution, dcat("compressFormat"), _iri(IANA + "application/gzip")),
        ox.Triple(distribution, dcat("byteSize"), _number(dump.bytes, "nonNegativeInteger")),
        ox.Triple(distribution, _iri(DCTERMS + "license"), _iri(LICENCE)),
        ox.Triple(distribution, _iri(DCATAP + "availability"), _iri(AVAILABILITY)),
        ox.Triple(distribution, _iri(SPDX + "checksum"), checksum),
        ox.Triple(checksum, RDF_TYPE, _iri(SPDX + "Checksum")),
        ox.Triple(checksum, _iri(SPDX + "algorithm"), _iri(SPDX + "checksumAlgorithm_sha256")),
        ox.Triple(
            checksum, _iri(SPDX + "checksumValue"), ox.Literal(dump.sha256, datatype=_iri(XSD + "hexBinary"))
        ),
    ]


def release_descriptions(
    releases: list[Release], base: str, server: str, publisher: str = ""
) -> list[ox.Triple]:
    """Each release as a dated version of the dataset, in DCAT and VoID terms, with its frozen dumps.

    ``publisher`` is the IRI of the directory's publisher (left out when '').
    """
    dataset = _iri(f"{base}dataset")
    triples = []
    for release in releases:
        node = _iri(f"{base}releases/{release.version}")
        triples += [
            ox.Triple(dataset, _iri(DCAT + "hasVersion"), node),
            ox.Triple(node, RDF_TYPE, _iri(DCAT + "Dataset")),
            ox.Triple(node, RDF_TYPE, _iri(VOID + "Dataset")),
            ox.Triple(node, _iri(DCTERMS + "isVersionOf"), dataset),
            ox.Triple(node, _iri(DCAT + "version"), ox.Literal(release.version)),
            ox.Triple(node, _iri(OWL + "versionInfo"), ox.Literal(release.version)),
            ox.Triple(node, _iri(DCTERMS + "title"), _text(f"{TITLE}, version {release.version}")),
            ox.Triple(
                node, _iri(DCTERMS + "description"), _text(f"{DESCRIPTION} As released on {release.date}.")
            ),
            ox.Triple(node, _iri(DCTERMS + "issued"), ox.Literal(release.date, datatype=_iri(XSD + "date"))),
            ox.Triple(node, _iri(DCTERMS + "license"), _iri(LICENCE)),
            ox.Triple(node, _iri(VOID + "triples"), _number(release.triples)),
            ox.Triple(node, _iri(DCTERMS + "language"), _iri(LANGUAGE)),
            ox.Triple(node, _iri(DCTERMS + "spatial"), _iri(base + WORLD)),
            ox.Triple(node, _iri(DCAT + "theme"), _iri(THEME)),
        ]
        triples += [ox.Triple(node, _iri(DCAT + "keyword"), _text(word)) for word in KEYWORDS]
        if publisher:
            triples.append(ox.Triple(node, _iri(DCTERMS + "publisher"), _iri(publisher)))
        for dump in release.files:
            url = f"{server}releases/{release.version}/{dump.name}"
            triples.append(ox.Triple(node, _iri(VOID + "dataDump"), _iri(url)))
            triples += _distribution(node, f"{base}releases/{release.version}/{dump.name}", url, dump)
    return triples
