"""``/update``: SPARQL 1.1 Update for admins, through the one write path."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, jsonify, request

from bd4m_kg.curation.tokens import Token
from bd4m_kg.server.http.answers import syntax_error
from bd4m_kg.server.http.auth import needs
from bd4m_kg.server.http.errors import ApiError, http_error
from bd4m_kg.server.middleware.store import get_store
from bd4m_kg.sparql.policy import QueryParseError
from bd4m_kg.sparql.protocol import read_update_request
from bd4m_kg.sparql.updates import apply_update, inspect_update
from bd4m_kg.store import QuerySyntaxError

updates = Blueprint("updates", __name__)


@updates.post("/update")
@needs("admin")
def update_endpoint(token: Token) -> Response:
    """Check an update, run it as one change, and say which generation it made.

    ---
    post:
      parameters:
      - name: using-graph-uri
        in: query
        description: a graph the update's WHERE reads as default (repeatable)
        schema: {type: string}
      - name: using-named-graph-uri
        in: query
        description: a graph the update's WHERE reads as named (repeatable)
        schema: {type: string}
      requestBody:
        required: true
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              required: [update]
              properties:
                update: {type: string}
                using-graph-uri: {type: string}
                using-named-graph-uri: {type: string}
          application/sparql-update:
            schema: {type: string}
      responses: {200: Changed, 400: BadRequest, 415: UnsupportedType}
    """
    try:
        operation = read_update_request(
            request.content_type, list(request.args.items(multi=True)), request.get_data()
        )
        inspected = inspect_update(operation.update)
    except QueryParseError as error:
        raise syntax_error("update", operation.update, str(error), error.problem) from error
    protocol_dataset = operation.using_graphs is not None or operation.using_named_graphs is not None
    if protocol_dataset and inspected.names_dataset:
        raise ApiError(400, "using-graph-uri / using-named-graph-uri cannot be combined with USING or WITH")
    try:
        result = apply_update(
            get_store(),
            inspected,
            f"token:{token.name}",
            operation.using_graphs,
            operation.using_named_graphs,
            base_iri=request.base_url,
        )
    except QuerySyntaxError as error:
        raise http_error(error, f"the update failed and changed nothing: {error}") from error
    return jsonify(ok=True, status=200, generation=result.generation, graphs=list(result.replaced))


def init_app(app: Flask) -> None:
    """Register /update."""
    app.register_blueprint(updates)
