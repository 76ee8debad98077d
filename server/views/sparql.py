"""``/sparql``: the SPARQL 1.1 Protocol query operation and the Service Description."""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Flask, Response, current_app, request

from bd4m_kg.publishing.dumps import latest_manifest
from bd4m_kg.publishing.metadata import service_description
from bd4m_kg.publishing.self_description import DESCRIBED_PREFIXES, class_partitions, prefix_declarations
from bd4m_kg.rdf.formats import RDF_FORMATS
from bd4m_kg.rdf.negotiation import GRAPH_OFFERS
from bd4m_kg.server.http.answers import answer
from bd4m_kg.server.http.errors import ApiError, wants_html
from bd4m_kg.server.http.negotiation import negotiate_offer
from bd4m_kg.server.http.rdf_pages import rdf_answer, used_prefixes
from bd4m_kg.server.middleware.response_cache import cacheable
from bd4m_kg.server.middleware.store import current_stats, get_store
from bd4m_kg.server.views.harvest import refresh_in_background
from bd4m_kg.sparql.examples import examples
from bd4m_kg.sparql.named_queries import load_named_queries
from bd4m_kg.sparql.protocol import read_query_request

sparql = Blueprint("sparql", __name__)


@sparql.route("/sparql", methods=["GET", "POST"])
def query_endpoint() -> Response:
    """Answer a query; a GET without one describes the service, and a browser gets the query page.

    ---
    get:
      parameters: [query, default_graph_uri, named_graph_uri, format_results, timeout]
      responses:
        200: QueryAnswer
        400: BadRequest
        406: NotAcceptable
    post:
      parameters: [default_graph_uri, named_graph_uri, format_results, timeout]
      requestBody:
        required: true
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              required: [query]
              properties:
                query: {type: string}
                default-graph-uri: {type: string}
                named-graph-uri: {type: string}
          application/sparql-query:
            schema: {type: string}
      responses:
        200: QueryAnswer
        400: BadRequest
        406: NotAcceptable
        415: UnsupportedType
    """
    if request.method == "GET" and "update" in request.args:
        raise ApiError(400, "this is the query endpoint: send an update with POST to /update, never with GET")
    if request.method == "GET" and wants_html():
        from bd4m_kg.server.http.query_page import query_page

        return query_page()
    if request.method == "GET" and "query" not in request.args:
        return describe_service()
    operation = read_query_request(
        request.method, request.content_type, list(request.args.items(multi=True)), request.get_data()
    )
    return answer(operation.query, operation.default_graphs, operation.named_graphs)


def describe_service() -> Response:
    """The SPARQL 1.1 Service Description of this endpoint, in the negotiated RDF format.

    Besides the service, it says what query editors complete and list: our prefixes, the named
    queries as examples, and how the classes link (VoID partitions of the default graph).
    """
    offer = negotiate_offer(GRAPH_OFFERS)
    store = get_store()
    counted = latest_manifest(store)  # never waits for the dumps: clients fetch this first
    triples = service_description(request.base_url, current_stats(store).triples)
    if counted is not None:
        triples += class_partitions(ox.BlankNode("default-graph"), counted.classes, counted.links)
    triples += prefix_declarations(ox.NamedNode(request.base_url))
    triples += examples(load_named_queries().values(), request.host_url)
    rdf_format = RDF_FORMATS[offer.short].format
    body = ox.serialize(triples, format=rdf_format, prefixes=used_prefixes(triples, DESCRIBED_PREFIXES))
    described = Response(body, content_type=offer.content_type, headers={"Vary": "Accept"})
    if counted is not None and counted.generation == store.generation:
        return cacheable(described)
    if not store.state.writer_busy():  # count them now, for the next request (the dumps come along)
        refresh_in_background(store, current_app.logger)
    return described


@sparql.get("/.well-known/sparql-examples")
def sparql_examples() -> Response:
    """The named queries as SHACL SPARQL executables, with our prefixes, for query editors.

    ---
    get:
      parameters: [format_document]
      responses: {200: Document, 304: NotModified, 406: NotAcceptable}
    """
    about = (
        "The named queries as examples for query editors (sh:SPARQLExecutable), with the prefixes they use."
    )
    described = examples(load_named_queries().values(), request.host_url)
    return cacheable(rdf_answer(described, GRAPH_OFFERS, "SPARQL examples", about, DESCRIBED_PREFIXES))


def init_app(app: Flask) -> None:
    """Register /sparql."""
    from bd4m_kg.server.http.query_page import describe_url

    app.jinja_env.globals["describe_url"] = describe_url
    app.register_blueprint(sparql)
