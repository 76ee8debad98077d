"""``/fragments``: Triple Pattern Fragments of the directory, for Comunica and other TPF clients.

``?subject=&predicate=&object=`` (and ``graph=`` for a quad pattern over the named graphs), a page of
100 matches at a time (``page=``), with the Hydra search form, counts and paging links that let a
client find every other fragment (:mod:`bd4m_kg.linked_data.fragments`). Every answer is fixed until
the store changes, so the answer cache keeps it for the generation.
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Flask, Response, current_app, request

from bd4m_kg.linked_data.fragments import (
    POSITIONS,
    PREFIXES,
    Addresses,
    BadParameter,
    fragment_url,
    page_statements,
    parse_pattern,
    read_fragment,
)
from bd4m_kg.rdf.formats import RDF_FORMATS
from bd4m_kg.rdf.namespaces import PREFIXES as OUR_PREFIXES
from bd4m_kg.rdf.negotiation import GRAPH_OFFERS, HTML_OFFER, Offer
from bd4m_kg.server.http.errors import ApiError
from bd4m_kg.server.http.negotiation import negotiate_offer
from bd4m_kg.server.http.rdf_pages import rdf_answer
from bd4m_kg.server.middleware.cors import public_read_headers
from bd4m_kg.server.middleware.response_cache import cacheable
from bd4m_kg.server.middleware.store import get_store

fragments = Blueprint("fragments", __name__)
PARAMETERS = frozenset({*POSITIONS, "page", "format"})
TRIPLE_OFFERS = tuple(
    next(o for o in GRAPH_OFFERS if o.short == s) for s in ("trig", "ttl", "jsonld", "nq", "nt")
)
QUAD_OFFERS = tuple(o for o in TRIPLE_OFFERS if RDF_FORMATS[o.short].format.supports_datasets)
ABOUT = (
    "Triple Pattern Fragments of the directory: the triples that match a pattern, 100 a page, with the "
    "form to ask for any other pattern. A TPF client such as Comunica answers SPARQL queries with them."
)


@fragments.get("/fragments")
def fragment() -> Response:
    """One page of the fragment of the request's pattern, in the negotiated format.

    ---
    get:
      parameters:
      - name: subject
        in: query
        description: an IRI, or a variable (empty or ?name); TPF syntax
        schema: {type: string}
      - name: predicate
        in: query
        description: an IRI, or a variable (empty or ?name); TPF syntax
        schema: {type: string}
      - name: object
        in: query
        description: an IRI, a literal ("text"@en, "7"^^<datatype>), or a variable (empty or ?name)
        schema: {type: string}
      - name: graph
        in: query
        description: present, the pattern is a quad pattern over the named graphs (an IRI or a variable)
        schema: {type: string}
      - name: page
        in: query
        description: the page, 100 matches each, from 1
        schema: {type: integer, minimum: 1}
      - name: format
        in: query
        description: the RDF format of the page, or html; wins over Accept
        schema: {type: string, enum: [trig, ttl, jsonld, nq, nt, html]}
      responses:
        200:
          description: the page's matches, counts (void:triples, hydra:totalItems) and Hydra controls
          content:
            application/trig: {schema: {type: string}}
            text/turtle: {schema: {type: string}}
            application/ld+json: {schema: {}}
            application/n-quads: {schema: {type: string}}
            application/n-triples: {schema: {type: string}}
            text/html: {schema: {type: string}}
        304: NotModified
        400: BadRequest
        406: NotAcceptable
    """
    unknown = sorted(set(request.args) - PARAMETERS)
    if unknown:
        raise ApiError(
            400,
            f"/fragments takes no parameter {unknown[0]!r}; it takes {', '.join(sorted(PARAMETERS))}",
            parameter=unknown[0],
        )
    try:
        pattern = parse_pattern({name: request.args[name] for name in POSITIONS if name in request.args})
    except BadParameter as error:
        raise ApiError(400, str(error), parameter=error.parameter) from error
    number = _page()
    offers: tuple[Offer, ...] = QUAD_OFFERS if pattern.quads else TRIPLE_OFFERS
    offer = negotiate_offer((*offers, HTML_OFFER))
    store = get_store()
    found = read_fragment(store, pattern, number, deadline=float(current_app.config["QUERY_DEADLINE"]))
    endpoint = f"{request.host_url}fragments"
    at = Addresses(
        endpoint, _requested(endpoint, fragment_url(endpoint, pattern, number)), f"{store.base}dataset"
    )
    graphs = offer is HTML_OFFER or RDF_FORMATS[offer.short].format.supports_datasets
    statements = page_statements(found, at, graphs)
    title = "Triple Pattern Fragment" + (f", page {number}" if number > 1 else "")
    return cacheable(rdf_answer(statements, offers, title, ABOUT, {**OUR_PREFIXES, **PREFIXES}))


@fragments.after_request
def any_origin(response: Response) -> Response:
    """Every answer of /fragments, errors too, may be read from any origin (as TPF asks)."""
    for name, value in public_read_headers():
        response.headers.setdefault(name, value)
    return response


def _page() -> int:
    """The ``page`` parameter: a whole number from 1 (1 when absent)."""
    given = request.args.get("page", "1")
    if not given.isdigit() or int(given) < 1:
        raise ApiError(400, f"page must be a whole number from 1, not {given!r}", parameter="page")
    return int(given)


def _requested(endpoint: str, canonical: str) -> str:
    """The URL the page was asked by, exactly, as TPF names a page by it.

    Its canonical URL instead when the request's query string is not a valid part of an IRI.
    """
    query = request.query_string.decode("utf-8", "replace")
    asked = endpoint + ("?" + query if query else "")
    try:
        ox.NamedNode(asked)
    except ValueError:
        return canonical
    return asked


def init_app(app: Flask) -> None:
    """Register /fragments."""
    app.register_blueprint(fragments)
