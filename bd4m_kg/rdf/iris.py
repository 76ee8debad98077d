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
RECORD_KINDS = ("project", "organisation", "collaborative", "studio", "catalogue")  # {base}id/{kind}/{slug}
LISTED_KINDS = RECORD_KINDS[:4]  # browsed and in the sitemap; the catalogue record describes the dataset


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


def record_graph(subject: str, base: str = BASE) -> str | None:
    """The named graph a subject's triples belong to, or None when it is no record of ours.

    >>> record_graph("https://w3id.org/bd4m/id/project/flowminder-haiti#lead-flowminder")
    'https://w3id.org/bd4m/graph/project/flowminder-haiti'
    >>> record_graph("https://w3id.org/bd4m/vocab/theme/displacement")
    'https://w3id.org/bd4m/graph/vocab/theme'
    >>> record_graph("https://w3id.org/bd4m/ontology#Project")
    'https://w3id.org/bd4m/graph/ontology'
    >>> record_graph("https://example.org/x") is None
    True
    """
    if not subject.startswith(base):
        return None
    path = subject[len(base) :].split("#", 1)[0]
    kind, *rest = path.split("/")
    if kind == "id" and len(rest) >= 2 and all(rest):
        return f"{base}graph/{rest[0]}/{rest[1]}"
    if kind == "vocab" and rest and rest[0]:
        return f"{base}graph/vocab/{rest[0]}"
    if kind == "ontology" and not rest:
        return f"{base}graph/ontology"
    return None


def owned_graph(topic: str, base: str) -> str | None:
    """The graph whose whole content a topic's document holds (None: a concept, described by subject).

    >>> owned_graph("https://w3id.org/bd4m/id/project/x", "https://w3id.org/bd4m/")
    'https://w3id.org/bd4m/graph/project/x'
    >>> owned_graph("https://w3id.org/bd4m/vocab/theme", "https://w3id.org/bd4m/")
    'https://w3id.org/bd4m/graph/vocab/theme'
    >>> owned_graph("https://w3id.org/bd4m/vocab/theme/health", "https://w3id.org/bd4m/") is None
    True
    """
    path = topic[len(base) :] if topic.startswith(base) else ""
    parts = path.split("/")
    if path == "ontology" or (parts[0] == "graph" and len(parts) > 1):
        return f"{base}graph/ontology" if path == "ontology" else topic
    if parts[0] == "id" and len(parts) == 3:
        return f"{base}graph/{parts[1]}/{parts[2]}"
    if parts[0] == "vocab" and len(parts) == 2:
        return f"{base}graph/vocab/{parts[1]}"
    return None


def member_iri(base: str, generation: int, graph: str) -> str:
    """The IRI of a member: ``{base}version/{generation}/{graph path below graph/}``.

    >>> member_iri("https://w3id.org/bd4m/", 7, "https://w3id.org/bd4m/graph/project/x")
    'https://w3id.org/bd4m/version/7/project/x'
    """
    return f"{base}version/{generation}/{graph.removeprefix(f'{base}graph/')}"


def version_of(base: str, graph: str) -> str:
    """What a graph is the record of: ``graph/{kind}/{slug}`` → ``id/{kind}/{slug}`` and so on.

    >>> version_of("https://w3id.org/bd4m/", "https://w3id.org/bd4m/graph/vocab/theme")
    'https://w3id.org/bd4m/vocab/theme'
    """
    path = graph.removeprefix(f"{base}graph/")
    if path.startswith("vocab/") or path == "ontology":
        return f"{base}{path}"
    if path.startswith(tuple(f"{kind}/" for kind in RECORD_KINDS)):
        return f"{base}id/{path}"
    return graph


def metadata_graph(base: str) -> str:
    """The graph holding the dataset's own description, including the generation it is at."""
    return f"{base}graph/metadata"


def publication_graph(base: str, number: int) -> str:
    """The graph holding the provenance of submission ``number``'s publication."""
    return f"{base}graph/publication/{number}"


def thing_iri(base: str, path: str) -> str:
    """The IRI of a record's thing from its path ``kind/slug``.

    >>> thing_iri("https://w3id.org/bd4m/", "project/x")
    'https://w3id.org/bd4m/id/project/x'
    """
    return f"{base}id/{path}"


def graph_iri(base: str, path: str) -> str:
    """The IRI of the graph at ``path`` below ``graph/`` (``project/x``, ``vocab/theme``, ``ontology``)."""
    return f"{base}graph/{path}"


def ontology_graph(base: str) -> str:
    """The graph holding the ontology."""
    return graph_iri(base, "ontology")


def graph_path(graph: str, base: str) -> str | None:
    """A graph's path below ``{base}graph/``, or None for a graph outside it.

    >>> graph_path("https://w3id.org/bd4m/graph/project/x", "https://w3id.org/bd4m/")
    'project/x'
    >>> graph_path("urn:x:g", "https://w3id.org/bd4m/") is None
    True
    """
    prefix = graph_iri(base, "")
    return graph[len(prefix) :] if graph.startswith(prefix) else None


def record_path(iri: str, base: str, kinds: tuple[str, ...] = RECORD_KINDS) -> str | None:
    """``kind/slug`` of a record's thing or graph (``id/kind/slug``, ``graph/kind/slug``), else None.

    >>> record_path("https://w3id.org/bd4m/graph/project/x", "https://w3id.org/bd4m/")
    'project/x'
    >>> record_path("https://w3id.org/bd4m/id/project/x#lead", "https://w3id.org/bd4m/") is None
    True
    >>> record_path("https://w3id.org/bd4m/graph/vocab/theme", "https://w3id.org/bd4m/") is None
    True
    """
    for prefix in (thing_iri(base, ""), graph_iri(base, "")):
        if iri.startswith(prefix):
            kind, _, slug = iri[len(prefix) :].partition("/")
            return f"{kind}/{slug}" if kind in kinds and SEGMENT.fullmatch(slug) else None
    return None


def publication_iri(base: str, number: int) -> str:
    """The PROV-O activity of publishing submission ``number``."""
    return thing_iri(base, f"publication/{number}")


def pseudonym_iri(base: str, digest: str) -> str:
    """A curator's pseudonymous IRI from the keyed hash of their name."""
    return thing_iri(base, f"curator/{digest}")


def is_curator(iri: str, base: str) -> bool:
    """Whether an IRI is a curator's pseudonymous one."""
    return iri.startswith(pseudonym_iri(base, ""))
