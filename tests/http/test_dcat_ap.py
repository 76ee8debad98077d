"""``/catalog`` as a DCAT-AP 3 harvester checks it: SEMIC's shapes, run by pySHACL without
inference and without the vocabularies (the EU validator's "without background knowledge" types).

- DCAT-AP 3.0.0 base + ranges (``html/shacl/shapes.ttl`` + ``range.ttl``): no violation but
  :data:`VIOLATIONS_300`, the byte size 3.0.0 wants as ``xsd:decimal``. 3.0.1 corrected it to
  ``xsd:nonNegativeInteger`` (DCAT 3's own range); each shape set allows one byte size per
  distribution, so no catalogue satisfies both, and ours follows the correction.
- DCAT-AP 3.0.0 recommended (``shapes_recommended.ttl``): warnings, only those of :data:`WARNINGS`,
  each with the reason it stays.
- DCAT-AP 3.0.1 (``shacl/dcat-ap-SHACL.ttl`` + ``shacl/ranges.ttl``): no violation. The files name
  five property shapes in ``sh:property`` that neither defines (3.0.0's ``sh:class rdfs:Resource``
  ranges of accessURL, downloadURL, relation, isReferencedBy and Relationship's relation, dropped
  in 3.0.1 but still listed), which pySHACL refuses as not well-formed; see :func:`shapes_301`.

The suites are read from ``../shared/testsuites/dcat-ap`` (never copied); without them the tests skip.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urljoin

import pyoxigraph as ox
import pyshacl
import pytest
import requests
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from bd4m_kg.publishing.dumps import DumpFile, Manifest
from bd4m_kg.publishing.metadata import catalogue, release_descriptions
from bd4m_kg.publishing.releases import Release
from conftest import CHECKOUT, require_shared

SUITE = CHECKOUT.parent / "shared" / "testsuites" / "dcat-ap"
MISSING = "SEMIC's DCAT-AP shapes (../shared/testsuites/dcat-ap)"
DCAT = "http://www.w3.org/ns/dcat#"
BASE = "https://w3id.org/bd4m/"
DISTRIBUTIONS = ("bd4m.nq.gz", "bd4m.trig.gz", "bd4m.ttl.gz")

# (focus node, path, constraint component) of each result; a blank node's focus is "_:period"
Result = tuple[str, str, str]

VIOLATIONS_300: set[Result] = {
    # xsd:nonNegativeInteger, as DCAT 3 and DCAT-AP 3.0.1 say, where 3.0.0 asked xsd:decimal
    (f"{BASE}dataset/{name}", f"{DCAT}byteSize", "DatatypeConstraintComponent")
    for name in DISTRIBUTIONS
}

WARNINGS: dict[Result, str] = {
    (f"{BASE}dataset", f"{DCAT}contactPoint", "MinCountConstraintComponent"): (
        "No contact point: the directory publishes no contact of its own (../shared/domain names "
        "only the 2017 workshop's organisers), and none is invented."
    ),
    (f"{BASE}sparql-service", f"{DCAT}contactPoint", "MinCountConstraintComponent"): (
        "No contact point for the endpoint either, for the same reason."
    ),
    ("_:period", f"{DCAT}endDate", "MinCountConstraintComponent"): (
        "The temporal coverage starts with the earliest period in the records and has no end: "
        "projects run on, many without an end date."
    ),
    (f"{BASE}vocab/region/world", f"{DCAT}centroid", "MinCountConstraintComponent"): (
        "The coverage is the world (UN M49 001), given with its bounding box; a centroid of the "
        "whole globe would mean nothing."
    ),
}


@pytest.fixture(scope="module")
def url(served) -> str:
    return served[0]


def suite_graph(*paths: str) -> Graph:
    require_shared(SUITE, MISSING)
    graph = Graph()
    for path in paths:
        graph.parse(SUITE / path, format="turtle")
    return graph


def shapes_300() -> Graph:
    return suite_graph("3.0.0/html/shacl/shapes.ttl", "3.0.0/html/shacl/range.ttl")


def shapes_recommended() -> Graph:
    return suite_graph("3.0.0/html/shacl/shapes_recommended.ttl")


def shapes_301() -> Graph:
    """DCAT-AP 3.0.1, adapted in memory (the files stay as SEMIC published them).

    Its node shapes list five property shapes in ``sh:property`` that have no triple at all, not
    even an ``sh:path``: pySHACL stops on them ("exists but is not a well-formed SHACL
    PropertyShape"), and adding ``a sh:PropertyShape`` does not help (a property shape needs its
    path). An empty shape constrains nothing, so its ``sh:property`` link is dropped; the test
    checks these are exactly the five, so a corrected release shows up here.
    """
    graph = suite_graph("3.0.1/shacl/dcat-ap-SHACL.ttl", "3.0.1/shacl/ranges.ttl")
    empty = [
        (node, shape) for node, shape in graph.subject_objects(SH.property) if not graph.value(shape, SH.path)
    ]
    assert not [shape for _, shape in empty if any(graph.predicate_objects(shape))]
    assert sorted(str(shape).rsplit("#", 1)[1].split("/")[0] for _, shape in empty) == [
        "dcat:DatasetShape",
        "dcat:DatasetShape",
        "dcat:DistributionShape",
        "dcat:DistributionShape",
        "dcat:RelationshipShape",
    ]
    for node, shape in empty:
        graph.remove((node, SH.property, shape))
    return graph


def results(data: Graph, shapes: Graph) -> dict[str, set[Result]]:
    """The validation results by severity (Violation, Warning, Info)."""
    _, report, _ = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", advanced=False, allow_warnings=True
    )
    found: dict[str, set[Result]] = {}
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        key = (
            str(focus) if isinstance(focus, URIRef) else "_:period",
            str(report.value(result, SH.resultPath)),
            str(report.value(result, SH.sourceConstraintComponent)).rsplit("#", 1)[1],
        )
        found.setdefault(str(report.value(result, SH.resultSeverity)).rsplit("#", 1)[1], set()).add(key)
    return found


def fetched(url: str, media_type: str, rdflib_format: str) -> Graph:
    response = requests.get(urljoin(url, "/catalog"), headers={"Accept": media_type}, timeout=60)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith(media_type)
    return Graph().parse(data=response.content, format=rdflib_format)


@pytest.mark.parametrize(
    ("media_type", "rdflib_format"), [("text/turtle", "turtle"), ("application/ld+json", "json-ld")]
)
def test_the_served_catalogue_conforms_to_dcat_ap_3(url, media_type, rdflib_format):
    catalog = fetched(url, media_type, rdflib_format)
    assert results(catalog, shapes_301()) == {}
    assert results(catalog, shapes_300()) == {"Violation": VIOLATIONS_300}
    assert results(catalog, shapes_recommended()) == {"Warning": set(WARNINGS)}


def test_the_catalogue_says_what_a_portal_filters_on(url):
    """Themes, language, formats and dates a portal such as data.europa.eu facets by, from the
    store itself: issued is the store's first change, modified its current generation."""
    catalog = fetched(url, "text/turtle", "turtle")
    eu = "http://publications.europa.eu/resource/authority/"
    root, dataset = URIRef(f"{BASE}catalog"), URIRef(f"{BASE}dataset")
    dct = "http://purl.org/dc/terms/"
    assert catalog.value(dataset, URIRef(f"{DCAT}theme")) == URIRef(f"{eu}data-theme/SOCI")
    assert catalog.value(root, URIRef(f"{dct}language")) == URIRef(f"{eu}language/ENG")
    assert catalog.value(root, URIRef("http://xmlns.com/foaf/0.1/homepage")) == URIRef(f"{url}/")
    formats = {
        str(catalog.value(d, URIRef(f"{dct}format")))
        for d in catalog.objects(dataset, URIRef(f"{DCAT}distribution"))
    }
    assert formats == {f"{eu}file-type/{t}" for t in ("RDF_N_QUADS", "RDF_TRIG", "RDF_TURTLE")}
    issued, modified = (
        catalog.value(root, URIRef(f"{dct}issued")),
        catalog.value(root, URIRef(f"{dct}modified")),
    )
    assert issued is not None and modified is not None and issued.toPython() <= modified.toPython()
    health = requests.get(f"{url}/health", timeout=30).json()
    assert modified.toPython() == datetime.fromisoformat(health["last_change"]["time"])
    period = catalog.value(dataset, URIRef(f"{dct}temporal"))
    assert int(str(catalog.value(period, URIRef(f"{DCAT}startDate")))) <= 2012


def test_release_versions_in_the_catalogue_conform_too():
    """A release adds a dated version with its own dumps (none on the served store, which tests
    only read): built here from a made-up release, its violations and warnings are the catalogue's own."""
    files = [
        DumpFile(name, media, 1000, "0" * 64)
        for name, media in zip(
            DISTRIBUTIONS, ("application/n-quads", "application/trig", "text/turtle"), strict=True
        )
    ]
    manifest = Manifest(3, "2026-12-01T10:00:00+00:00", files, triples=10, quads=10, entities=2)
    release = Release("1.0", "2026-12-01", "2026-12-01T10:00:00+00:00", 3, 10, files)
    publisher = (f"{BASE}id/organisation/iom", "International Organization for Migration")
    server = "http://127.0.0.1:8080/"
    triples = catalogue(manifest, BASE, server, publisher, "2026-11-30T09:00:00+00:00", "2009")
    triples += release_descriptions([release], BASE, server, publisher[0])
    data = Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
    version = f"{BASE}releases/1.0"
    assert results(data, shapes_301()) == {}
    assert results(data, shapes_300()) == {
        "Violation": VIOLATIONS_300
        | {(f"{version}/{name}", f"{DCAT}byteSize", "DatatypeConstraintComponent") for name in DISTRIBUTIONS}
    }
    expected = set(WARNINGS) | {
        # a release is a version of the dataset: no contact for the same reason, no own coverage period
        (version, f"{DCAT}contactPoint", "MinCountConstraintComponent"),
        (version, "http://purl.org/dc/terms/temporal", "MinCountConstraintComponent"),
    }
    assert results(data, shapes_recommended()) == {"Warning": expected}
    assert data.value(URIRef(version), URIRef("http://purl.org/dc/terms/description")) == Literal(
        str(data.value(URIRef(f"{BASE}dataset"), URIRef("http://purl.org/dc/terms/description")))
        + " As released on 2026-12-01.",
        lang="en",
    )
