"""The SPARQL 1.1 Graph Store HTTP Protocol, indirect and direct.

Indirect: ``/graph-store?graph=<iri>`` or ``?default``; a POST naming no graph creates one (201
and ``Location``). Direct: the request URL is the graph IRI, under ``/graph-store/…`` (any graph)
and ``/graph/<kind>/<slug>`` (our graphs, whose GET is their linked-data document). GET and HEAD
are public, with content negotiation; PUT, POST (also ``multipart/form-data``) and DELETE need an
admin token and go through the one write path. Writing the default graph is refused (400): it is
the union of the record graphs.
"""

from __future__ import annotations

import uuid

import pyoxigraph as ox
from flask import Blueprint, Flask, Response, request

from bd4m_kg.curation.tokens import Token
from bd4m_kg.rdf.iris import document_of, page_path, posted_graph
from bd4m_kg.rdf.negotiation import GRAPH_OFFERS
from bd4m_kg.server.http.answers import read_ahead, request_deadline, respond
from bd4m_kg.server.http.auth import needs
from bd4m_kg.server.http.errors import ApiError, http_error
from bd4m_kg.server.http.negotiation import negotiate_offer
from bd4m_kg.server.http.uploads import uploads
from bd4m_kg.server.middleware.store import get_store
from bd4m_kg.sparql.graph_store import (
    DEFAULT_GRAPH_WRITE,
    delete_graph,
    read_graph,
    write_graph,
)
from bd4m_kg.store import StoreError

graph_store = Blueprint("graph_store", __name__)


def target_graph() -> str | None:
    """The graph an indirect request addresses: an IRI, or None for ``?default``; a 400 otherwise.

    An IRI under this server's own ``/graph/`` path is the canonical graph IRI it shows.
    """
    graph, default = request.args.getlist("graph"), "default" in request.args
    if default == bool(graph) or len(graph) > 1:
        raise ApiError(400, "name exactly one graph: ?graph=<absolute IRI> or ?default")
    if default:
        return None
    try:
        named = ox.NamedNode(graph[0]).value
    except ValueError as error:
        raise ApiError(400, f"?graph= must be an absolute IRI, not {graph[0]!r}") from error
    return canonical_graph(named)


def canonical_graph(iri: str) -> str:
    """``http://this-server/graph/k/s`` is ``{base}graph/k/s``; any other IRI is itself."""
    local = f"{request.host_url}graph/"
    if iri.startswith(local):
        found = document_of(f"graph/{iri.removeprefix(local)}", get_store().base)
        if found is not None:
            return found.topic
    return iri


@graph_store.get("/graph-store")
def get_graph() -> Response:
    """A graph (or the union, for ``?default``) in the negotiated RDF format; 404 when it does not exist.

    ---
    get:
      parameters: [graph, default, format_graph, timeout]
      responses: {200: Graph, 400: BadRequest, 404: NotFound, 406: NotAcceptable}
    """
    return _read(target_graph())


@graph_store.get("/graph-store/<path:rest>")
def get_direct(rest: str) -> Response:
    """Direct identification: the graph whose IRI is this URL.

    ---
    get:
      parameters: [format_graph, timeout]
      responses: {200: Graph, 404: NotFound, 406: NotAcceptable}
    """
    return _read(direct_graph())


def direct_graph() -> str:
    """The graph IRI a direct request names (its URL), or a 404 when the URL is not an IRI."""
    try:
        return ox.NamedNode(request.base_url).value
    except ValueError as error:
        raise ApiError(404, f"there is no graph {request.path!r}: its URL is not an IRI") from error


def _read(graph: str | None) -> Response:
    offer = negotiate_offer(GRAPH_OFFERS)
    answer = read_graph(get_store(), graph, offer.short, request_deadline())
    head, finished = read_ahead(answer.chunks)
    return respond(answer, offer, head, finished, cap=None)


@graph_store.route("/graph-store", methods=["PUT", "POST"])
@needs("admin")
def put_or_post_graph(token: Token) -> tuple[Response, int] | Response:
    """Replace (PUT) or add to (POST) a named graph: 201 when it is created, 204 otherwise.

    A POST that names no graph creates one with an IRI of ours: 201 with its ``Location``.

    ---
    put:
      parameters: [graph, default]
      requestBody: Rdf
      responses: {201: Created, 204: NoContent, 400: BadRequest, 415: UnsupportedType}
    post:
      parameters: [graph, default]
      requestBody: Rdf
      responses: {201: Created, 204: NoContent, 400: BadRequest, 415: UnsupportedType}
    """
    if request.method == "POST" and not request.args.getlist("graph") and "default" not in request.args:
        graph = posted_graph(get_store().base, uuid.uuid4().hex)
        _write(graph, token)
        response = Response(status=201)
        response.headers["Location"] = request.host_url.rstrip("/") + str(page_path(graph, get_store().base))
        return response
    return _write(target_graph(), token)


@graph_store.route("/graph-store/<path:rest>", methods=["PUT", "POST"])
@needs("admin")
def put_or_post_direct(rest: str, token: Token) -> Response:
    """Direct identification: replace (PUT) or add to (POST) the graph whose IRI is this URL.

    ---
    put:
      requestBody: Rdf
      responses: {201: Created, 204: NoContent, 400: BadRequest, 404: NotFound, 415: UnsupportedType}
    post:
      requestBody: Rdf
      responses: {201: Created, 204: NoContent, 400: BadRequest, 404: NotFound, 415: UnsupportedType}
    """
    return _write(direct_graph(), token)


@graph_store.route("/graph/<path:rest>", methods=["PUT", "POST"])
@needs("admin")
def put_or_post_ours(rest: str, token: Token) -> Response:
    """Direct identification of one of our graphs, ``/graph/<kind>/<slug>``.

    ---
    put:
      requestBody: Rdf
      responses: {201: Created, 204: NoContent, 400: BadRequest, 404: NotFound, 415: UnsupportedType}
    post:
      requestBody: Rdf
      responses: {201: Created, 204: NoContent, 400: BadRequest, 404: NotFound, 415: UnsupportedType}
    """
    return _write(_our_graph(rest), token)


def _write(graph: str | None, token: Token) -> Response:
    if graph is None:
        raise ApiError(400, DEFAULT_GRAPH_WRITE)
    try:
        _, created = write_graph(
            get_store(), graph, uploads(), f"token:{token.name}", merge=request.method == "POST"
        )
    except StoreError as error:
        raise http_error(error, f"the store failed; nothing was written: {error}") from error
    return Response(status=201 if created else 204)


@graph_store.delete("/graph-store")
@needs("admin")
def delete(token: Token) -> Response:
    """Drop a named graph: 204, or 404 when it does not exist.

    ---
    delete:
      parameters: [graph, default]
      responses: {204: NoContent, 400: BadRequest, 404: NotFound}
    """
    return _delete(target_graph(), token)


@graph_store.delete("/graph-store/<path:rest>")
@needs("admin")
def delete_direct(rest: str, token: Token) -> Response:
    """Direct identification: drop the graph whose IRI is this URL.

    ---
    delete:
      responses: {204: NoContent, 404: NotFound}
    """
    return _delete(direct_graph(), token)


@graph_store.delete("/graph/<path:rest>")
@needs("admin")
def delete_ours(rest: str, token: Token) -> Response:
    """Direct identification of one of our graphs: drop it.

    ---
    delete:
      responses: {204: NoContent, 404: NotFound}
    """
    return _delete(_our_graph(rest), token)


def _delete(graph: str | None, token: Token) -> Response:
    if graph is None:
        raise ApiError(400, DEFAULT_GRAPH_WRITE)
    delete_graph(get_store(), graph, f"token:{token.name}")
    return Response(status=204)


def _our_graph(rest: str) -> str:
    found = document_of(f"graph/{rest}", get_store().base)
    if found is None:
        raise ApiError(404, f"/graph/{rest} is not a graph IRI of ours: /graph/<kind>/<slug>")
    return found.topic


def init_app(app: Flask) -> None:
    """Register /graph-store."""
    app.register_blueprint(graph_store)
