"""Resolving a path of ours to what answers it: a thing to its document, a document to its description.

``id/…`` and ``vocab/…`` name things, which are not documents: :func:`document_for_thing` gives
the document about one (a 303 on the web). :func:`find_document` and :func:`read_document` find
what a document holds, or say why there is nothing: unknown (404), retired without a replacement
(410), or replaced by another record (``moved_to``, a 301).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from bd4m_kg.linked_data.describe import Description, describe
from bd4m_kg.rdf.formats import RDF_FORMATS
from bd4m_kg.rdf.iris import Document, document_of, document_path, page_path, record_path, thing_iri
from bd4m_kg.store import Store
from bd4m_kg.store.state import GraphVersion

REPLACED_BY = "http://purl.org/dc/terms/isReplacedBy"
DEPRECATED = "http://www.w3.org/2002/07/owl#deprecated"


class NotKnown(LookupError):
    """Nothing of ours answers at a path (a 404); the message says where to look instead."""


class Retired(LookupError):
    """A record retired from the directory with no replacement (a 410 Gone)."""


@dataclass(frozen=True)
class Resolved:
    """A document, what it holds, and where its record went when it was replaced (else None).

    ``versions`` are those of the graphs the description was read from.
    """

    document: Document
    description: Description
    versions: dict[str, GraphVersion]
    moved_to: str | None = None


def document_for_thing(store: Store, path: str) -> str:
    """The document path for the thing at ``path`` (below the base, e.g. ``id/project/x``)."""
    document = document_path(path)
    if document is None or not _exists(store, f"{store.base}{path}"):
        raise NotKnown(f"nothing is known as /{path}; the home page links to every record")
    return document


def find_document(store: Store, path: str) -> Document:
    """The document at ``path`` (below the base, without extension): what it is about."""
    found = document_of(path, store.base)
    if found is None:
        raise NotKnown(f"there is no document /{path}")
    return found


def read_document(store: Store, found: Document, deadline: float | None = None) -> Resolved:
    """What a document holds, or why it holds nothing.

    The versions are those the description was read at: when a change lands between the two
    reads, the description is read again, so that an ETag never names content it was not built from.
    """
    for _ in range(3):
        try:
            description = describe(store, found.topic, deadline)
        except ValueError as error:
            raise NotKnown(f"there is no document about {found.topic!r}") from error
        versions = store.state.graph_versions(description.graphs)
        if all(v.generation <= description.generation for v in versions.values()):
            break
    if not description:
        raise NotKnown(f"the graph knows nothing of {found.topic}")
    return Resolved(found, description, versions, _replacement(description, store.base))


def _replacement(description: Description, base: str) -> str | None:
    """Where a retired record's replacement is read; raises :class:`Retired` for one without."""
    topic = ox.NamedNode(description.topic)
    said = {(q.predicate.value, q.object) for q in description.quads if q.subject == topic}
    replacement = next((o for p, o in said if p == REPLACED_BY and isinstance(o, ox.NamedNode)), None)
    if replacement is not None:
        return page_path(replacement.value, base) or replacement.value
    if any(
        p == DEPRECATED and isinstance(o, ox.Literal) and o.value in {"true", "1"} for p, o in said
    ):  # both spell xsd:boolean true
        raise Retired(f"{description.topic} was retired from the directory and has no replacement")
    return None


def _exists(store: Store, topic: str) -> bool:
    """Whether the graph says anything about ``topic`` (as a subject, in any graph)."""
    try:
        subject = ox.NamedNode(topic)
    except ValueError:
        return False
    with store.lookups() as view:
        if view.quads is not None:
            return next(iter(view.quads.quads_for_pattern(subject, None, None, None)), None) is not None
    return bool(store.select(f"SELECT ?p WHERE {{ {subject} ?p ?o }} LIMIT 1"))


def history_href(topic: str, base: str) -> str | None:
    """The history page of a record (``{base}id/kind/slug``); None for anything else."""
    record = record_path(topic, base) if topic.startswith(thing_iri(base, "")) else None
    return f"/doc/{record}/history" if record else None


def alternates(found: Document) -> list[tuple[str, str, str]]:
    """(href, media type, format name) of every alternate of a document, HTML last."""
    formats = [(f"/{found.path}.{f.extension}", f.media_type, f.name) for f in RDF_FORMATS.values()]
    return [*formats, (f"/{found.path}.html", "text/html", "HTML")]
