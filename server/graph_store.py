"""``/graph-store``: the SPARQL 1.1 Graph Store HTTP Protocol (``?graph=<iri>`` or ``?default``).

GET and HEAD are public, with content negotiation; PUT, POST (also ``multipart/form-data``) and
DELETE need an admin token and go through the one write path.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pyoxigraph as ox
from flask import Blueprint, Flask, Response, request

from bd4m_kg.complexity import TooComplex, check_json
from bd4m_kg.formats import RDF_FORMATS, rdf_format_for_media_type, rdf_format_for_path
from bd4m_kg.graph_store import (
    DEFAULT_GRAPH_WRITE,
    GraphNotFound,
    GraphWriteError,
    Upload,
    delete_graph,
    read_graph,
    write_graph,
)
from bd4m_kg.negotiation import GRAPH_OFFERS
from bd4m_kg.server.auth import needs
from bd4m_kg.server.errors import ApiError
from bd4m_kg.server.sparql import negotiate_offer, read_ahead, request_deadline, respond
from bd4m_kg.server.store import get_store
from bd4m_kg.store import QueryTimeout, StoreError, WriteInterrupted
from bd4m_kg.tokens import Token

graph_store = Blueprint("graph_store", __name__)


def target_graph() -> str | None:
    """The graph a request addresses: an IRI, or None for ``?default``; a 400 otherwise."""
    graph, default = request.args.getlist("graph"), "default" in request.args
    if default == bool(graph) or len(graph) > 1:
        raise ApiError(400, "name exactly one graph: ?graph=<absolute IRI> or ?default")
    if default:
        return None
    try:
        return ox.NamedNode(graph[0]).value
    except ValueError as error:
        raise ApiError(400, f"?graph= must be an absolute IRI, not {graph[0]!r}") from error


@graph_store.get("/graph-store")
def get_graph() -> Response:
    """A graph (or the union, for ``?default``) in the negotiated RDF format; 404 when it does not exist."""
    graph = target_graph()
    offer = negotiate_offer(GRAPH_OFFERS)
    try:
        answer = read_graph(get_store(), graph, offer.short, request_deadline())
        head, finished = read_ahead(answer.chunks)
    except GraphNotFound as error:
        raise ApiError(404, str(error)) from error
    except QueryTimeout as error:
        raise ApiError(503, str(error)) from error
    return respond(answer, offer, head, finished, cap=None)


@graph_store.route("/graph-store", methods=["PUT", "POST"])
@needs("admin")
def put_or_post_graph(token: Token) -> tuple[Response, int] | Response:
    """Replace (PUT) or add to (POST) a named graph: 201 when it is created, 204 otherwise."""
    graph = target_graph()
    if graph is None:
        raise ApiError(400, DEFAULT_GRAPH_WRITE)
    try:
        _, created = write_graph(
            get_store(), graph, uploads(), f"token:{token.name}", merge=request.method == "POST"
        )
    except GraphWriteError as error:
        raise ApiError(400, f"{error}; nothing was written") from error
    except WriteInterrupted as error:
        raise ApiError(503, f"{error}", {"Retry-After": "5"}) from error
    except StoreError as error:
        raise ApiError(500, f"the store failed; nothing was written: {error}") from error
    return Response(status=201 if created else 204)


@graph_store.delete("/graph-store")
@needs("admin")
def delete(token: Token) -> Response:
    """Drop a named graph: 204, or 404 when it does not exist."""
    graph = target_graph()
    if graph is None:
        raise ApiError(400, DEFAULT_GRAPH_WRITE)
    try:
        delete_graph(get_store(), graph, f"token:{token.name}")
    except GraphNotFound as error:
        raise ApiError(404, str(error)) from error
    return Response(status=204)


def uploads() -> list[Upload]:
    """The request's RDF documents: its body, or each file of a ``multipart/form-data`` POST."""
    if request.mimetype == "multipart/form-data":
        files = [f for f in request.files.values() if f.filename or f.mimetype]
        if not files:
            raise ApiError(400, "the multipart request has no files")
        found = [Upload(f.read(), _format(f.mimetype, f.filename), f.filename or "upload") for f in files]
    else:
        found = [Upload(request.get_data(), _format(request.mimetype, None), "the request body")]
    for upload in found:
        readable(upload.data, upload.format, upload.name)
    return found


def readable(data: bytes, rdf_format: ox.RdfFormat, name: str) -> None:
    """Refuse (400) a JSON-LD document nested deeper than its parser survives."""
    if rdf_format == ox.RdfFormat.JSON_LD:
        try:
            check_json(data, name)
        except TooComplex as error:
            raise ApiError(400, str(error)) from error


def _format(media_type: str | None, filename: str | None) -> ox.RdfFormat:
    """The RDF format of a document from its media type, else its file name; a 415 when neither tells."""
    found = rdf_format_for_media_type(media_type or "")
    if found is None and filename:
        with contextlib.suppress(ValueError):
            found = rdf_format_for_path(Path(filename))
    if found is None:
        offered = ", ".join(f.media_type for f in RDF_FORMATS.values())
        raise ApiError(
            415, f"send RDF as one of {offered}, not {media_type or 'a body without Content-Type'}"
        )
    return found.format


def init_app(app: Flask) -> None:
    """Register /graph-store."""
    app.register_blueprint(graph_store)
