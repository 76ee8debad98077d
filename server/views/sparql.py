"""``/sparql``: the SPARQL 1.1 Protocol query operation and the Service Description."""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Flask, Response, request

from bd4m_kg.publishing.metadata import service_description
from bd4m_kg.rdf.formats import RDF_FORMATS
from bd4m_kg.rdf.negotiation import GRAPH_OFFERS
from bd4m_kg.server.http.answers import answer
from bd4m_kg.server.http.errors import ApiError, wants_html
from bd4m_kg.server.http.negotiation import negotiate_offer
from bd4m_kg.server.middleware.response_cache import cacheable
from bd4m_kg.server.middleware.store import current_stats, get_store
from bd4m_kg.sparql.protocol import read_query_request

sparql = Blueprint("sparql", __name__)


@sparql.route("/sparql", methods=["GET", "POST"])
def query_endpoint() -> Response:
    """Answer a query; a GET without one describes the service, and a browser gets the query page."""
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
    """The SPARQL 1.1 Service Description of this endpoint, in the negotiated RDF format."""
    offer = negotiate_offer(GRAPH_OFFERS)
    triples = service_description(request.base_url, current_stats(get_store()).triples)
    rdf_format = RDF_FORMATS[offer.short].format
    body = ox.serialize(
        triples, format=rdf_format, prefixes={"sd": "http://www.w3.org/ns/sparql-service-description#"}
    )
    return cacheable(Response(body, content_type=offer.content_type, headers={"Vary": "Accept"}))


def init_app(app: Flask) -> None:
    """Register /sparql."""
    from bd4m_kg.server.http.query_page import describe_url

    app.jinja_env.globals["describe_url"] = describe_url
    app.register_blueprint(sparql)
