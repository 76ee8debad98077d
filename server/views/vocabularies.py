"""The vocabularies for people and for programs.

``/vocabularies`` lists them; a page per scheme shows its concept tree and its concepts A to Z,
with search. ``/rest/v1/…`` is the part of Skosmos' REST API that vocabulary clients use, answered
as Skosmos answers (JSON with an ``@context``; RDF for ``data``).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Response, jsonify, render_template, request

from bd4m_kg.browse.vocabularies import Concept, Scheme, Vocabularies, folded, vocabularies
from bd4m_kg.linked_data.documents import about_document, last_modified, serialize_document
from bd4m_kg.linked_data.resolution import find_document, read_document
from bd4m_kg.rdf.iris import document_path, page_path
from bd4m_kg.rdf.negotiation import GRAPH_OFFERS
from bd4m_kg.server.http.answers import request_deadline
from bd4m_kg.server.http.errors import ApiError
from bd4m_kg.server.http.listings import whole_number
from bd4m_kg.server.http.negotiation import negotiate_offer
from bd4m_kg.server.middleware.response_cache import cacheable
from bd4m_kg.server.middleware.store import get_store

vocabulary_pages = Blueprint("vocabularies", __name__)
LANG = "en"  # every label of our vocabularies is in English
CONTEXT = {
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "uri": "@id",
    "type": "@type",
    "results": {"@id": "onki:results", "@container": "@list"},
    "prefLabel": "skos:prefLabel",
    "altLabel": "skos:altLabel",
    "broader": "skos:broader",
    "narrower": "skos:narrower",
    "related": "skos:related",
    "topconcepts": "skos:hasTopConcept",
    "onki": "http://schema.onki.fi/onki#",
    "@language": LANG,
}


@vocabulary_pages.get("/vocabularies")
def schemes_page() -> Response:
    """Every vocabulary: its title, what it holds and how many concepts.

    ---
    get:
      responses: {200: Page, 304: NotModified}
    """
    found = vocabularies(get_store())
    counts = {s.id: len(found.in_scheme(s)) for s in found.schemes.values()}
    return _page(render_template("vocabularies.html", schemes=found.schemes.values(), counts=counts))


@vocabulary_pages.get("/vocabularies/<vocid>")
def scheme_page(vocid: str) -> Response:
    """One vocabulary: its concept tree, and its concepts A to Z, or those a search (``?q=``) finds.

    ---
    get:
      parameters: [q]
      responses: {200: Page, 304: NotModified, 404: NotFound}
    """
    found = vocabularies(get_store())
    scheme = _scheme(found, vocid)
    words = request.args.get("q", "").strip()[:200]
    listed = [m.concept for m in found.search(f"*{words}*", scheme)] if words else found.in_scheme(scheme)
    letters: dict[str, list[Concept]] = {}
    for concept in listed:
        letters.setdefault((folded(concept.label)[:1] or "#").upper(), []).append(concept)
    body = render_template(
        "vocabulary.html",
        scheme=scheme,
        tree=found.tree(scheme),
        letters=letters,
        words=words,
        total=len(found.in_scheme(scheme)),
        page_of=lambda iri: page_path(iri, get_store().base),
    )
    return _page(body)


@vocabulary_pages.get("/rest/v1/vocabularies")
def rest_vocabularies() -> Response:
    """Skosmos: the vocabularies, with id, URI and title.

    ---
    get:
      responses: {200: Skosmos, 304: NotModified}
    """
    found = vocabularies(get_store())
    shown = [{"uri": s.iri, "id": s.id, "title": s.title} for s in found.schemes.values()]
    return _json({"uri": "", "vocabularies": shown})


@vocabulary_pages.get("/rest/v1/search")
@vocabulary_pages.get("/rest/v1/<vocid>/search")
def rest_search(vocid: str | None = None) -> Response:
    """Skosmos: concepts whose labels match ``query`` (``*`` for any text), in ``vocab`` (ids).

    ---
    get:
      parameters:
      - name: query
        in: query
        required: true
        description: a label, * for any text (migr*)
        schema: {type: string, minLength: 1}
      - name: vocab
        in: query
        description: "vocabulary ids, separated by spaces (the path's wins)"
        schema: {type: string}
      - name: maxhits
        in: query
        description: at most this many results (100)
        schema: {type: integer, minimum: 1}
      - name: offset
        in: query
        description: results to skip
        schema: {type: integer, minimum: 0}
      responses: {200: Skosmos, 304: NotModified, 400: BadRequest, 404: NotFound}
    """
    query = request.args.get("query", "").strip()
    if not query:
        raise ApiError(
            400, "query is required: a label, with * for any text (e.g. query=migr*)", parameter="query"
        )
    found = vocabularies(get_store())
    chosen = (vocid or request.args.get("vocab", "")).split()
    schemes = [_scheme(found, v) for v in chosen] or [None]
    matches = [m for scheme in schemes for m in found.search(query, scheme)]
    offset, most = _offset(), whole_number("maxhits", 100)
    results = []
    for match in matches[offset : offset + most]:
        result = _concept_summary(found, match.concept)
        if match.matched_label:
            result["altLabel"] = match.matched_label
        results.append(result)
    return _json({"uri": "", "results": results})


@vocabulary_pages.get("/rest/v1/<vocid>/")
def rest_vocabulary(vocid: str) -> Response:
    """Skosmos: what a vocabulary is (id, title, its concept scheme, languages).

    ---
    get:
      responses: {200: Skosmos, 304: NotModified, 404: NotFound}
    """
    scheme = _scheme(vocabularies(get_store()), vocid)
    return _json(
        {
            "uri": "",
            "id": scheme.id,
            "title": scheme.title,
            "defaultLanguage": LANG,
            "languages": [LANG],
            "conceptschemes": [
                {
                    "uri": scheme.iri,
                    "type": "skos:ConceptScheme",
                    "prefLabel": scheme.title,
                    "title": scheme.title,
                }
            ],
        }
    )


@vocabulary_pages.get("/rest/v1/<vocid>/topConcepts")
def rest_top_concepts(vocid: str) -> Response:
    """Skosmos: the top concepts of a vocabulary, each saying whether it has narrower ones.

    ---
    get:
      responses: {200: Skosmos, 304: NotModified, 404: NotFound}
    """
    found = vocabularies(get_store())
    scheme = _scheme(found, vocid)
    top = [
        {
            "uri": branch.concept.iri,
            "label": branch.concept.label,
            "hasChildren": bool(branch.children),
            "topConceptOf": scheme.iri,
            **({"notation": branch.concept.notation} if branch.concept.notation else {}),
        }
        for branch in found.tree(scheme)
    ]
    return _json({"uri": scheme.iri, "topconcepts": top})


@vocabulary_pages.get("/rest/v1/<vocid>/lookup")
def rest_lookup(vocid: str) -> Response:
    """Skosmos: the concepts a label names exactly (case and accents aside), preferred labels first.

    ---
    get:
      parameters:
      - {name: label, in: query, required: true, description: the label, schema: {type: string, minLength: 1}}
      responses: {200: Skosmos, 304: NotModified, 400: BadRequest, 404: NotFound}
    """
    label = request.args.get("label", "").strip()
    if not label:
        raise ApiError(400, "label is required", parameter="label")
    found = vocabularies(get_store())
    matches = found.search(label.replace("*", ""), _scheme(found, vocid))
    if not matches:
        raise ApiError(
            404, f"no concept of {vocid} is labelled {label!r}; /rest/v1/search?query= finds near ones"
        )
    ordered = sorted(matches, key=lambda m: m.matched_label is not None)
    return _json({"uri": "", "result": [_concept_summary(found, m.concept) for m in ordered]})


@vocabulary_pages.get("/rest/v1/<vocid>/label")
@vocabulary_pages.get("/rest/v1/<vocid>/broader", defaults={"relation": "broader"})
@vocabulary_pages.get("/rest/v1/<vocid>/narrower", defaults={"relation": "narrower"})
@vocabulary_pages.get("/rest/v1/<vocid>/related", defaults={"relation": "related"})
def rest_concept(vocid: str, relation: str | None = None) -> Response:
    """Skosmos: a concept's label, or the concepts broader, narrower or related to it (``?uri=``).

    ---
    get:
      parameters: [skosmos_uri]
      responses: {200: Skosmos, 304: NotModified, 400: BadRequest, 404: NotFound}
    """
    found = vocabularies(get_store())
    concept = _concept(found, _scheme(found, vocid))
    if relation is None:
        return _json({"uri": concept.iri, "prefLabel": concept.label})
    linked = [{"uri": iri, "prefLabel": found.label_of(iri)} for iri in getattr(concept, relation)]
    return _json({"uri": concept.iri, relation: linked})


@vocabulary_pages.get("/rest/v1/data")
@vocabulary_pages.get("/rest/v1/<vocid>/data")
def rest_data(vocid: str | None = None) -> Response:
    """Skosmos: a concept's (or a vocabulary's) RDF, in ``format`` (a media type) or as ``Accept`` asks.

    ---
    get:
      parameters:
      - skosmos_uri
      - name: format
        in: query
        description: an RDF media type or format name; wins over Accept
        schema: {type: string}
      responses: {200: Graph, 304: NotModified, 400: BadRequest, 404: NotFound, 406: NotAcceptable}
    """
    store = get_store()
    found = vocabularies(store)
    uri = _uri()
    scheme = _scheme(found, vocid) if vocid else None
    if (uri not in found.concepts and found.scheme_of(uri) is None) or (
        scheme and found.scheme_of(uri) != scheme
    ):
        raise ApiError(404, f"{uri!r} is not a concept of our vocabularies; /rest/v1/search finds them")
    offer = negotiate_offer(GRAPH_OFFERS)
    path = document_path(uri.removeprefix(store.base)) or ""
    resolved = read_document(store, find_document(store, path), request_deadline())
    about = about_document(f"{store.base}{path}", uri, store.base, last_modified(resolved.versions))
    body = serialize_document(resolved.description, about, offer.short)
    return cacheable(Response(body, content_type=offer.content_type))


def _uri() -> str:
    """The concept asked about (``?uri=``), which Skosmos requires."""
    uri = request.args.get("uri", "").strip()
    if not uri:
        raise ApiError(400, "uri is required: a concept's IRI, as /rest/v1/search gives it", parameter="uri")
    return uri


def _offset() -> int:
    """Skosmos' ``offset``: how many results to skip, from 0."""
    text = request.args.get("offset", "0")
    if not text.isdigit():
        raise ApiError(400, f"offset must be a whole number from 0, not {text!r}", parameter="offset")
    return int(text)


def _concept_summary(found: Vocabularies, concept: Concept) -> dict[str, Any]:
    scheme = found.scheme_of(concept.iri)
    return {
        "uri": concept.iri,
        "type": ["skos:Concept"],
        "prefLabel": concept.label,
        "lang": LANG,
        "vocab": scheme.id if scheme else "",
        "localname": concept.iri.rstrip("/").rsplit("/", 1)[-1],
        **({"notation": concept.notation} if concept.notation else {}),
    }


def _scheme(found: Vocabularies, vocid: str) -> Scheme:
    scheme = found.schemes.get(vocid)
    if scheme is None:
        known = ", ".join(found.schemes)
        raise ApiError(404, f"there is no vocabulary {vocid!r}; the vocabularies are {known}")
    return scheme


def _concept(found: Vocabularies, scheme: Scheme) -> Concept:
    uri = _uri()
    concept = found.concepts.get(uri)
    if concept is None or concept.scheme != scheme.iri:
        raise ApiError(404, f"{uri!r} is not a concept of {scheme.id}", parameter="uri")
    return concept


def _json(body: dict[str, Any]) -> Response:
    return cacheable(jsonify({"@context": CONTEXT, **body}))


def _page(body: str) -> Response:
    return cacheable(Response(body, content_type="text/html; charset=utf-8"))


def init_app(app: Flask) -> None:
    """The vocabulary pages and the Skosmos REST subset."""
    app.register_blueprint(vocabulary_pages)
