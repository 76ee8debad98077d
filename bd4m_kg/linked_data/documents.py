"""A description as a linked-data document: its triples (or quads) plus what the document says of itself.

Every document names its topic (``foaf:primaryTopic``), its licence and the dataset it belongs to
(``void:inDataset``), and when it last changed. Triple formats (and JSON-LD) merge the graphs;
N-Quads and TriG keep each quad in the graph it lives in, the document's own statements in the
default graph.
"""

from __future__ import annotations

import hashlib

import pyoxigraph as ox

from bd4m_kg.linked_data.describe import Description
from bd4m_kg.rdf.formats import RDF_FORMATS
from bd4m_kg.rdf.namespaces import PREFIXES
from bd4m_kg.store.state import GraphVersion

LICENCE = "https://creativecommons.org/licenses/by/4.0/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
FOAF = "http://xmlns.com/foaf/0.1/"
DCTERMS = "http://purl.org/dc/terms/"
VOID = "http://rdfs.org/ns/void#"
QUAD_FORMATS = {"nq", "trig"}  # JSON-LD could carry graphs too, but its readers expect one graph
XSD_DATETIME = ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")


def about_document(
    document: str, topic: str, base: str, modified: str | None, profile: str | None = None
) -> list[ox.Quad]:
    """What a document says about itself: topic, licence, dataset and last change.

    With a profile, also that it conforms to it (``dcterms:conformsTo``).
    """
    doc = ox.NamedNode(document)
    quads = [
        ox.Quad(doc, RDF_TYPE, ox.NamedNode(f"{FOAF}Document")),
        ox.Quad(doc, ox.NamedNode(f"{FOAF}primaryTopic"), ox.NamedNode(topic)),
        ox.Quad(doc, ox.NamedNode(f"{DCTERMS}license"), ox.NamedNode(LICENCE)),
        ox.Quad(doc, ox.NamedNode(f"{VOID}inDataset"), ox.NamedNode(f"{base}dataset")),
    ]
    if modified:
        when = ox.Literal(modified, datatype=XSD_DATETIME)
        quads.append(ox.Quad(doc, ox.NamedNode(f"{DCTERMS}modified"), when))
    if profile:
        quads.append(ox.Quad(doc, ox.NamedNode(f"{DCTERMS}conformsTo"), ox.NamedNode(profile)))
    return quads


def serialize_document(description: Description, about: list[ox.Quad], short: str) -> bytes:
    """The document's bytes in an RDF format of :data:`RDF_FORMATS` (by short name)."""
    rdf_format = RDF_FORMATS[short]
    quads = [*about, *description.quads]
    if short in QUAD_FORMATS:
        return ox.serialize(quads, format=rdf_format.format, prefixes=_prefixes(short))  # type: ignore[return-value]  # serialize without an output returns bytes
    triples = list(dict.fromkeys(q.triple for q in quads))
    return ox.serialize(triples, format=rdf_format.format, prefixes=_prefixes(short))  # type: ignore[return-value]  # serialize without an output returns bytes


def document_etag(short: str, versions: dict[str, GraphVersion]) -> str:
    """A strong ETag from the format and the version of every graph the document was built from.

    >>> document_etag("ttl", {"g": GraphVersion(3, "t")}) == document_etag("ttl", {"g": GraphVersion(3, "t")})
    True
    >>> document_etag("ttl", {"g": GraphVersion(3, "t")}) == document_etag("nt", {"g": GraphVersion(3, "t")})
    False
    """
    key = short + "".join(f"\n{graph} {version.generation}" for graph, version in sorted(versions.items()))
    return hashlib.blake2b(key.encode(), digest_size=16).hexdigest()


def last_modified(versions: dict[str, GraphVersion]) -> str | None:
    """The latest change among the graphs a document was built from."""
    return max((v.time for v in versions.values()), default=None)


def _prefixes(short: str) -> dict[str, str] | None:
    return dict(PREFIXES) if short in {"ttl", "trig", "rdf"} else None
