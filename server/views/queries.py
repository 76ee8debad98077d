"""Named queries as an API.

``/queries`` lists them (HTML or JSON); ``/queries/<name>`` runs one with its parameters bound
as RDF terms (never pasted into the query text), in any format.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Flask, Response, jsonify, render_template, request, url_for

from bd4m_kg.server.http.errors import ApiError, wants_html
from bd4m_kg.sparql.named_queries import NamedQuery, load_named_queries

queries = Blueprint("queries", __name__)
NOT_PARAMETERS = {"format", "timeout"}


@queries.get("/queries")
def list_queries() -> Response | str:
    """Every named query: title, description, parameters and where to run it.

    ---
    get:
      parameters: [format_page_or_json]
      responses:
        200:
          description: the named queries, as JSON or a page
          content:
            application/json:
              schema: {type: object, required: [queries], properties: {queries: {type: array}}}
            text/html: {schema: {type: string}}
    """
    named = load_named_queries().values()
    if wants_html():
        return render_template("queries.html", queries=named, page_url=_page_url)
    return jsonify(queries=[_summary(q) for q in named])


@queries.get("/queries/<name>")
def run_query(name: str) -> Response | tuple[str, int]:
    """Run one named query; a browser gets the query page with it, loaded and run.

    ---
    get:
      parameters:
      - format_results
      - timeout
      - name: bindings
        in: query
        description: the query's parameters by name (/queries lists them), each bound as an RDF term
        style: form
        explode: true
        schema: {type: object, additionalProperties: {type: string}}
      responses:
        200: QueryAnswer
        400: BadRequest
        404: NotFound
        406: NotAcceptable
    """
    named = load_named_queries().get(name)
    if named is None:
        raise ApiError(404, f"there is no named query {name!r}; /queries lists them")
    values = {k: v for k, v in request.args.items() if k not in NOT_PARAMETERS}
    bindings = named.bindings(values)
    if wants_html():
        from bd4m_kg.server.http.query_page import render_query

        return render_query(named.standalone(values), named, values)
    from bd4m_kg.server.http.answers import answer

    return answer(named.sparql, substitutions=bindings)


def _summary(named: NamedQuery) -> dict[str, object]:
    return {
        "name": named.name,
        "title": named.title,
        "description": named.description,
        "parameters": [
            {"name": p.name, "description": p.description, "default": p.default} for p in named.parameters
        ],
        "url": url_for("queries.run_query", name=named.name, _external=True),
        "sparql": named.sparql,
    }


def _page_url(named: NamedQuery) -> str:
    return "/sparql?" + urlencode({"query": named.standalone()})


def init_app(app: Flask) -> None:
    """Register the named-query routes."""
    app.register_blueprint(queries)
