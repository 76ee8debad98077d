"""``/reconcile``: the W3C Entity Reconciliation API 0.2 service, for OpenRefine and other clients.

One URL answers the manifest (no parameters), a batch of queries (``queries=``) and data
extension (``extend=``), by GET or form POST as OpenRefine sends them; suggest, previews, the
record page of an id and the properties of a type have their own paths (named in the manifest).
Matching and scores: :mod:`bd4m_kg.browse.reconciliation`.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, jsonify, redirect, render_template, request

from bd4m_kg.browse.reconciliation import read_json, reconcile
from bd4m_kg.browse.reconciliation_service import (
    extend,
    manifest,
    preview,
    propose_properties,
    suggest_entities,
    suggest_properties,
    suggest_types,
)
from bd4m_kg.rdf.iris import page_path
from bd4m_kg.server.http.errors import ApiError
from bd4m_kg.server.middleware.response_cache import cacheable
from bd4m_kg.server.middleware.store import get_store

reconcile_api = Blueprint("reconcile", __name__, url_prefix="/reconcile")
FRAMED_BY_ANYONE = (  # a preview is shown in a frame of the client's own page (OpenRefine's)
    "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; "
    "frame-ancestors *"
)


def _parameter(name: str) -> str | None:
    """A parameter from the query string or the POSTed form."""
    return request.values.get(name)


def _answer(body: object) -> Response:
    response = jsonify(body)
    return cacheable(response) if request.method == "GET" else response


@reconcile_api.route("", methods=["GET", "POST"])
def service() -> Response:
    """The reconciliation service: its manifest, a batch of queries (queries=), or data extension (extend=).

    ``queries`` is a JSON object of queries (``{"q0": {"query": "Flowminder", "type": ...,
    "properties": [{"pid": "country", "v": "Sweden"}], "limit": 5}}``); ``extend`` is
    ``{"ids": [...], "properties": [{"id": "country"}]}``. Both by GET or form POST.

    ---
    get:
      parameters:
      - name: queries
        in: query
        description: 'a batch of queries, a JSON object: {"q0": {"query": "Flowminder", "limit": 5}}'
        schema: {type: string}
      - name: extend
        in: query
        description: 'data extension, a JSON object: {"ids": [...], "properties": [{"id": "country"}]}'
        schema: {type: string}
      responses:
        200: Json
        304: NotModified
        400: BadRequest
    post:
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              properties:
                queries: {type: string, description: a batch of queries as a JSON object}
                extend: {type: string, description: data extension as a JSON object}
      responses:
        200: Json
        400: BadRequest
    """
    store = get_store()
    if (queries := _parameter("queries")) is not None:
        return _answer(reconcile(store, read_json(queries, "queries")))
    if (extension := _parameter("extend")) is not None:
        return _answer(extend(store, read_json(extension, "extend")))
    return _answer(manifest(request.host_url.rstrip("/"), store.base))


@reconcile_api.get("/suggest/entity")
def suggest_entity() -> Response:
    """Entities whose name starts with (or is close to) ?prefix=, of ?type= when given; ?cursor= pages.

    ---
    get:
      parameters:
      - reconcile_prefix
      - reconcile_type
      - {name: cursor, in: query, description: how many to skip, schema: {type: integer, minimum: 0}}
      responses: {200: Json, 304: NotModified, 400: BadRequest}
    """
    cursor = _parameter("cursor") or "0"
    if not cursor.isdigit():
        raise ApiError(400, "cursor must be a whole number")
    return _answer(suggest_entities(get_store(), _required("prefix"), _parameter("type"), int(cursor)))


@reconcile_api.get("/suggest/type")
def suggest_type() -> Response:
    """The types to reconcile against whose name starts with ?prefix= (kinds of record, vocabularies).

    ---
    get:
      parameters: [reconcile_prefix]
      responses: {200: Json, 304: NotModified, 400: BadRequest}
    """
    return _answer(suggest_types(get_store(), _required("prefix")))


@reconcile_api.get("/suggest/property")
def suggest_property() -> Response:
    """The properties whose id or name starts with ?prefix= (of ?type= when given).

    ---
    get:
      parameters: [reconcile_prefix, reconcile_type]
      responses: {200: Json, 304: NotModified, 400: BadRequest}
    """
    return _answer(suggest_properties(get_store(), _required("prefix"), _parameter("type")))


@reconcile_api.get("/properties")
def properties() -> Response:
    """The properties data extension gives for entities of ?type= (at most ?limit=).

    ---
    get:
      parameters:
      - {name: type, in: query, required: true, description: a type's id, schema: {type: string}}
      - {name: limit, in: query, description: at most this many, schema: {type: integer, minimum: 0}}
      responses: {200: Json, 304: NotModified, 400: BadRequest}
    """
    limit = _parameter("limit") or ""
    if limit and not limit.isdigit():
        raise ApiError(400, "limit must be a whole number")
    return _answer(propose_properties(get_store(), _required("type"), int(limit) if limit else None))


@reconcile_api.get("/preview")
def preview_card() -> Response:
    """A small HTML card of the entity ?id= (name, type, description, country ...), for a client's frame.

    ---
    get:
      parameters: [reconcile_id]
      responses: {200: Page, 304: NotModified, 400: BadRequest, 404: NotFound}
    """
    card = preview(get_store(), _required("id"))
    if card is None:
        raise ApiError(404, f"no entity {request.args['id']} here; ids are the IRIs reconciliation answers")
    response = Response(
        render_template("reconcile_preview.html", card=card), content_type="text/html; charset=utf-8"
    )
    response.headers["Content-Security-Policy"] = FRAMED_BY_ANYONE
    return cacheable(response)


@reconcile_api.get("/view")
def view() -> Response:
    """See Other: the page of the entity ?id= on this server (the manifest's view template).

    ---
    get:
      parameters: [reconcile_id]
      responses: {303: SeeOther, 400: BadRequest, 404: NotFound}
    """
    page = page_path(_required("id"), get_store().base)
    if page is None:
        raise ApiError(404, f"{request.args['id']} is not an IRI of this directory")
    return redirect(page, 303)


def _required(name: str) -> str:
    value = _parameter(name)
    if value is None:
        raise ApiError(400, f"{name}= is required")
    return value


def init_app(app: Flask) -> None:
    """Register /reconcile and its suggest, preview, view and properties paths."""
    app.register_blueprint(reconcile_api)
