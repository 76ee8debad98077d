"""Where each IRI of the graph is published: things, their documents, and this server's own paths.

Things (``{base}id/{kind}/{slug}``, vocabulary concepts and schemes ``{base}vocab/…``) are not
documents: they answer 303 See Other to ``{base}doc/…``. The ontology (``{base}ontology``, terms
``#Term``) and graphs (``{base}graph/…``) are documents themselves. A server running elsewhere
(localhost, a mirror) maps its URL paths onto the canonical IRIs with :func:`document_of` and
back with :func:`page_path`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bd4m_kg.rdf.namespaces import BASE

EXTENSIONS = ("ttl", "nt", "rdf", "jsonld", "nq", "trig", "html")
SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~-]*")  # slugs, kinds and scheme names: nothing else


@dataclass(frozen=True)
class Document:
    """A document path (below the base, no extension) and the thing it is about."""

    path: str  # e.g. "doc/project/x", "ontology", "graph/project/x"
    topic: str  # the IRI the document is about, e.g. "{base}id/project/x"


def document_path(thing_path: str) -> str | None:
    """The document path for a thing's path below the base, or None when it is not a thing of ours.

    >>> document_path("id/project/flowminder-haiti")
    'doc/project/flowminder-haiti'
    >>> document_path("vocab/theme/displacement")
    'doc/vocab/theme/displacement'
    >>> document_path("id/project") is None
    True
    """
    parts = thing_path.split("/")
    if not _plain(parts):
        return None
    if parts[0] == "id" and len(parts) == 3 and all(parts):
        return f"doc/{parts[1]}/{parts[2]}"
    if parts[0] == "vocab" and len(parts) in (2, 3) and all(parts):
        return f"doc/{thing_path}"
    return None


def document_of(path: str, base: str = BASE) -> Document | None:
    """The document at ``path`` (below the base, without extension) and its topic, or None.

    >>> document_of("doc/organisation/iom").topic
    'https://w3id.org/bd4m/id/organisation/iom'
    >>> document_of("doc/vocab/role/lead").topic
    'https://w3id.org/bd4m/vocab/role/lead'
    >>> document_of("ontology").topic
    'https://w3id.org/bd4m/ontology'
    >>> document_of("doc/nothing") is None
    True
    """
    parts = path.split("/")
    if not _plain(parts):
        return None
    if path in ("ontology", "shapes"):
        return Document(path, f"{base}{path}")
    if parts[0] == "graph" and len(parts) in (2, 3) and all(parts):
        return Document(path, f"{base}{path}")
    if parts[0] != "doc" or not all(parts):
        return None
    if parts[1:2] == ["vocab"] and len(parts) in (3, 4):
        return Document(path, f"{base}{'/'.join(parts[1:])}")
    if len(parts) == 3 and parts[1] != "vocab":
        return Document(path, f"{base}id/{parts[1]}/{parts[2]}")
    return None


def shapes_document(base: str) -> str:
    """The IRI of the shapes' document (terms ``#Shape``), which holds every ``graph/shapes/…`` graph."""
    return f"{base}shapes"


def shapes_graphs_prefix(base: str) -> str:
    """What the IRI of every graph of SHACL shapes starts with."""
    return f"{base}graph/shapes/"


def posted_graph(base: str, identifier: str) -> str:
    """The IRI minted for a graph created by a Graph Store POST that names none.

    >>> posted_graph("https://w3id.org/bd4m/", "ab12")
    'https://w3id.org/bd4m/graph/posted/ab12'
    """
    return f"{base}graph/posted/{identifier}"


DESCRIBED_AT = {"dataset": "/.well-known/void", "catalog": "/catalog", "sparql-service": "/sparql"}


def described_at(path: str) -> str | None:
    """Where this server describes one of the dataset's own IRIs (a 303 target), or None.

    The dataset (VoID), its distributions and the catalogue (DCAT), the SPARQL service (its
    Service Description), and a version IRI of the ontology (the ontology).

    >>> described_at("dataset"), described_at("dataset/bd4m.nq.gz"), described_at("ontology/0.1.0")
    ('/.well-known/void', '/catalog', '/ontology')
    >>> described_at("dataset/x/y") is None
    True
    """
    parts = path.split("/")
    if not _plain(parts):
        return None
    if path in DESCRIBED_AT:
        return DESCRIBED_AT[path]
    if parts[0] == "dataset" and len(parts) == 2:
        return "/catalog"
    if parts[0] == "ontology" and len(parts) == 2:
        return "/ontology"
    return None


def _plain(parts: list[str]) -> bool:
    """Whether every path segment is a plain name (so it can go into an IRI and a query as is).

    >>> _plain(["doc", "project", "x"]), _plain(["doc", "project", "x> } SERVICE <http:"])
    (True, False)
    """
    return all(SEGMENT.fullmatch(part) for part in parts)


def split_extension(path: str) -> tuple[str, str | None]:
    """A document path and its format extension, when it ends in one we serve.

    >>> split_extension("doc/project/x.ttl")
    ('doc/project/x', 'ttl')
    >>> split_extension("doc/project/x")
    ('doc/project/x', None)
    """
    stem, dot, extension = path.rpartition(".")
    if dot and "/" not in extension and extension in EXTENSIONS:
        return stem, extension
    return path, None


def page_path(iri: str, base: str = BASE) -> str | None:
    """Where a person reads about an IRI of ours on this server (``/doc/…``, ``/ontology#…``), else None.

    >>> page_path("https://w3id.org/bd4m/id/organisation/iom")
    '/doc/organisation/iom'
    >>> page_path("https://w3id.org/bd4m/id/project/x#lead-iom")
    '/doc/project/x#lead-iom'
    >>> page_path("https://w3id.org/bd4m/ontology#Project")
    '/ontology#Project'
    >>> page_path("https://example.org/") is None
    True
    """
    if not iri.startswith(base):
        return None
    path, hash_, fragment = iri[len(base) :].partition("#")
    anchor = f"#{fragment}" if hash_ else ""
    if path in ("ontology", "shapes") or path.startswith("graph/"):
        return f"/{path}{anchor}"
    document = document_path(path)
    return f"/{document}{anchor}" if document else None
