"""The parts of ``/openapi.json`` operations share: parameters, request bodies, responses and schemas.

A view describes its own operation in its docstring, as YAML after a ``---`` line (the apispec
convention), next to the code that reads each parameter; it names these shared parts by their
key (``parameters: [format_graph, page]``, ``responses: {200: Graph, 404: NotFound}``) and
apispec turns the names into ``$ref``s. Media types come from the negotiation tables, so a format
offered is a format documented.
"""

from __future__ import annotations

from typing import Any

from bd4m_kg.browse.search import KINDS
from bd4m_kg.curation.inbox import STATES
from bd4m_kg.rdf.negotiation import DOCUMENT_OFFERS, GRAPH_OFFERS, HTML_OFFER, RESULT_OFFERS, Offer
from bd4m_kg.server.http.listings import CSV_OFFER, MAX_SIZE
from bd4m_kg.server.http.uploads import FORM_FORMATS

Json = dict[str, Any]
FORMAT_LISTING: Json = {"type": "string", "enum": ["html", "json", "csv"]}
TEXT: Json = {"type": "string"}
NULLABLE_TEXT: Json = {"type": ["string", "null"]}
WHOLE: Json = {"type": "integer", "minimum": 1}


def _ref(kind: str, name: str) -> Json:
    return {"$ref": f"#/components/{kind}/{name}"}


def media_types(offers: tuple[Offer, ...]) -> Json:
    """The ``content`` of an answer in each offered format, its media type without parameters.

    Text, or any JSON value for a JSON syntax (JSON-LD, SPARQL results).

    >>> media_types(GRAPH_OFFERS)["application/ld+json"], media_types(GRAPH_OFFERS)["text/turtle"]
    ({'schema': {}}, {'schema': {'type': 'string'}})
    """
    return {o.media_type: {"schema": {} if o.media_type.endswith("json") else TEXT} for o in offers}


def _shorts(offers: tuple[Offer, ...]) -> list[str]:
    return [offer.short for offer in offers]


def _format(offers: tuple[Offer, ...], what: str) -> Json:
    return {
        "name": "format",
        "in": "query",
        "description": f"{what}; wins over Accept (a format's media type or other names work too)",
        "schema": {"type": "string", "enum": _shorts(offers)},
    }


def _query(name: str, description: str, schema: Json | None = None, required: bool = False) -> Json:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": schema or TEXT,
    }


PARAMETERS: dict[str, Json] = {
    "format_graph": _format(GRAPH_OFFERS, "the RDF format of the answer"),
    "format_document": _format(DOCUMENT_OFFERS, "the RDF format of the document, or html for its page"),
    "format_results": _format(
        (*RESULT_OFFERS, *GRAPH_OFFERS),
        "the answer's format: SPARQL results for SELECT and ASK, RDF for CONSTRUCT and DESCRIBE",
    ),
    "format_listing": _query(
        "format", "html (the page), json or csv; an extension in the path wins", FORMAT_LISTING
    ),
    "format_data": _query("format", "json (the default) or csv", {"type": "string", "enum": ["json", "csv"]}),
    "format_feed": _query(
        "format",
        "the RDF format of the page, or html; wins over Accept",
        {"type": "string", "enum": ["trig", "nq", "jsonld", "ttl", "html"]},
    ),
    "format_page_or_json": _query(
        "format", "html for the page, else JSON", {"type": "string", "enum": ["html", "json"]}
    ),
    "q": _query("q", "words to search for, case and accents ignored (the first 200 characters count)"),
    "page": _query("page", "the page of the listing, from 1", WHOLE),
    "size": _query(
        "size",
        f"rows a page (20 on the page, 100 as data, at most {MAX_SIZE})",
        WHOLE | {"maximum": MAX_SIZE},
    ),
    "timeout": _query(
        "timeout",
        "seconds the read may take (from 0.1; the server's QUERY_DEADLINE at most)",
        {"type": "number", "minimum": 0.1},
    ),
    "query": _query("query", "the SPARQL query (SELECT, ASK, CONSTRUCT or DESCRIBE)"),
    "default_graph_uri": _query(
        "default-graph-uri", "a graph of the store to read as the default graph (repeatable)"
    ),
    "named_graph_uri": _query(
        "named-graph-uri", "a graph of the store to read as a named graph (repeatable)"
    ),
    "graph": _query("graph", "the graph's absolute IRI (or ?default for the union of the record graphs)"),
    "default": {
        "name": "default",
        "in": "query",
        "description": "the default graph: the union of the record graphs (no value)",
        "schema": {"type": "string", "enum": [""]},
        "allowEmptyValue": True,
    },
    "accept_datetime": {
        "name": "Accept-Datetime",
        "in": "header",
        "description": "Memento (RFC 7089): a record's document answers 302 to its version current then",
        "schema": {"type": "string", "examples": ["Mon, 07 Dec 2026 09:30:00 GMT"]},
    },
    "reconcile_prefix": _query("prefix", "what the name or id starts with", required=True),
    "reconcile_type": _query("type", "a type's id, as the manifest or suggest/type gives it"),
    "reconcile_id": _query("id", "an entity's IRI, as reconciliation answers it", required=True),
    "submission_state": _query(
        "state", "only the submissions in this state", {"type": "string", "enum": list(STATES)}
    ),
    "skosmos_uri": _query("uri", "a concept's IRI, as /rest/v1/search gives it", required=True),
}
for _kind in KINDS.values():
    for _facet in _kind.facets:
        PARAMETERS.setdefault(
            f"facet_{_facet}",
            _query(_facet, "a facet value: keep the records that have it (repeatable)"),
        )

ERROR: Json = {
    "type": "object",
    "required": ["ok", "status", "error"],
    "properties": {
        "ok": {"type": "boolean", "const": False},
        "status": {"type": "integer"},
        "error": {"type": "string", "description": "what went wrong and what to do"},
        "parameter": {"type": "string", "description": "the parameter at fault"},
        "offered": {"type": "array", "items": TEXT, "description": "the media types offered (406)"},
    },
}
LISTING: Json = {
    "type": "object",
    "required": ["ok", "columns", "total", "truncated", "next_url", "previous_url"],
    "properties": {
        "ok": {"type": "boolean", "const": True},
        "columns": {"type": "array", "items": TEXT},
        "total": {"type": ["integer", "null"], "description": "rows that match, when known"},
        "truncated": {"type": "boolean", "description": "more rows match: follow next_url"},
        "next_url": NULLABLE_TEXT,
        "previous_url": NULLABLE_TEXT,
    },
}


def _rows(noun: str, more: Json | None = None) -> Json:
    """The listing shape with its rows under ``noun``."""
    return {
        "allOf": [
            _ref("schemas", "Listing"),
            {
                "type": "object",
                "required": [noun, *(more or {})],
                "properties": {noun: {"type": "array", "items": {"type": "object"}}, **(more or {})},
            },
        ]
    }


def _object(required: list[str], properties: Json | None = None) -> Json:
    found = {name: {} for name in required} | (properties or {})
    return {"type": "object", "required": required, "properties": found}


SCHEMAS: dict[str, Json] = {
    "Error": ERROR,
    "Listing": LISTING,
    "Records": _rows("records", {"page": WHOLE, "pages": {"type": "integer"}, "facets": {"type": "object"}}),
    "Versions": _rows("versions", {"record": TEXT, "graph": TEXT}),
    "Submissions": _rows("submissions", {"you": _object(["name", "role"])}),
    "Releases": _rows("releases"),
    "Results": _rows("results", {"page": WHOLE, "pages": {"type": "integer"}, "q": TEXT}),
    "SparqlResults": _object(["head"], {"head": {"type": "object"}, "boolean": {"type": "boolean"}}),
    "Skosmos": _object(["@context"]),
}
JSON_ONLY = ("application/json",)


def _error(description: str) -> Json:
    return {
        "description": description,
        "content": {
            "application/json": {"schema": _ref("schemas", "Error")},
            HTML_OFFER.media_type: {"schema": TEXT},
        },
    }


def _listing(schema: str, page: bool) -> Json:
    content = {
        "application/json": {"schema": _ref("schemas", schema)},
        CSV_OFFER.media_type: {"schema": TEXT},
    }
    if page:
        content = {HTML_OFFER.media_type: {"schema": TEXT}, **content}
    headers = {
        "Link": {"description": 'the next and previous pages (rel="next", rel="prev")', "schema": TEXT},
        "X-Total-Count": {"description": "rows that match (CSV readers)", "schema": {"type": "integer"}},
    }
    return {
        "description": "the listing: its page, or its rows as JSON or CSV",
        "content": content,
        "headers": headers,
    }


def _redirect(description: str) -> Json:
    return {"description": description, "headers": {"Location": {"schema": TEXT}}}


def _json(description: str, schema: Json | None = None) -> Json:
    return {
        "description": description,
        "content": {"application/json": {"schema": schema or {"type": "object"}}},
    }


RESPONSES: dict[str, Json] = {
    "Graph": {"description": "RDF in the negotiated format", "content": media_types(GRAPH_OFFERS)},
    "Document": {
        "description": "the document: RDF in the negotiated format, or its page",
        "content": media_types(DOCUMENT_OFFERS),
    },
    "QueryAnswer": {
        "description": "SPARQL results (SELECT, ASK) or RDF (CONSTRUCT, DESCRIBE) in the negotiated format",
        "content": {
            **media_types(RESULT_OFFERS),
            "application/sparql-results+json": {"schema": _ref("schemas", "SparqlResults")},
            **media_types(GRAPH_OFFERS),
            HTML_OFFER.media_type: {"schema": TEXT},  # the query page, for a browser
        },
    },
    "History": {
        "description": "the versions: as data (JSON, CSV), as RDF, or a page",
        "content": {
            "application/json": {"schema": _ref("schemas", "Versions")},
            CSV_OFFER.media_type: {"schema": TEXT},
            **media_types(DOCUMENT_OFFERS),
        },
    },
    "FeedPage": {
        "description": "a page of the change feed, with the stream's description, in the negotiated format",
        "content": {
            "application/trig": {"schema": TEXT},
            "application/n-quads": {"schema": TEXT},
            "application/ld+json": {"schema": {}},
            "text/turtle": {"schema": TEXT},
            HTML_OFFER.media_type: {"schema": TEXT},
        },
    },
    "Page": {"description": "a page", "content": {HTML_OFFER.media_type: {"schema": TEXT}}},
    "PageOrJson": {
        "description": "JSON, or a page for a browser",
        "content": {
            "application/json": {"schema": {"type": "object"}},
            HTML_OFFER.media_type: {"schema": TEXT},
        },
    },
    "Json": _json("the answer, as JSON"),
    "Skosmos": _json("the answer as Skosmos gives it: JSON with an @context", _ref("schemas", "Skosmos")),
    "Gzip": {
        "description": "the file, gzipped; ranges and conditional requests are answered",
        "content": {"application/gzip": {"schema": {"type": "string", "format": "binary"}}},
    },
    "Records": _listing("Records", page=True),
    "Versions": _listing("Versions", page=False),
    "Submissions": _listing("Submissions", page=False),
    "Releases": _listing("Releases", page=False),
    "Results": _listing("Results", page=True),
    "Suggestions": _json(
        "OpenSearch suggestions: [what was typed, names, what each is, their pages]", {"type": "array"}
    ),
    "Changed": _json("the change was made: the generation it made and what it touched"),
    "Submitted": {
        "description": "kept and validated: its id, state and report; Location is its URL",
        "headers": {"Location": {"schema": TEXT}},
        "content": {
            "application/json": {"schema": _object(["ok", "id", "state", "report", "location"])},
        },
    },
    "Created": _redirect("created; a POST naming no graph says its IRI in Location"),
    "NoContent": {"description": "done; nothing to say"},
    "PartialContent": {"description": "the range asked for (Range)"},
    "SeeOther": _redirect("See Other: the document about it, or where it is described"),
    "Found": _redirect("Found: the version current at Accept-Datetime"),
    "MovedPermanently": _redirect("the record was merged into another: its document"),
    "NotModified": {"description": "not modified since the ETag or date the request names"},
    "BadRequest": _error("the request is malformed: the error says which parameter or line"),
    "Unauthorized": _error("no token, or an unknown or revoked one"),
    "NotFound": _error("nothing here by that name"),
    "NotAcceptable": _error("no offered format fits Accept or ?format=; the error lists them"),
    "Conflict": _error("the state does not allow it, or the records changed since"),
    "Gone": _error("retired, or deleted by that change"),
    "RangeNotSatisfiable": _error("the Range asks for bytes the file does not have"),
    "TooLarge": _error("the body is over the server's UPLOAD_LIMIT"),
    "UnsupportedType": _error("the body's media type is not one this takes"),
    "Unprocessable": _error("the records do not conform to the shapes: the report says why"),
    "TooManyRequests": _error("over this client's share or rate limit; Retry-After says when to come back"),
    "Unavailable": _error("the store is busy or too slow; Retry-After says when to try again"),
}
RDF_BODY: Json = {
    "description": "RDF in any syntax the server reads (or multipart/form-data with RDF files)",
    "required": True,
    "content": {
        **media_types(GRAPH_OFFERS),
        "multipart/form-data": {"schema": {"type": "object"}},
    },
}
PASTED: Json = {
    "type": "object",
    "properties": {
        "data": {"type": "string", "description": "the document's text"},
        "format": {"type": "string", "enum": list(FORM_FORMATS), "description": "its syntax (ttl)"},
    },
}
REQUEST_BODIES: dict[str, Json] = {
    "Rdf": RDF_BODY,
    "RdfDocument": {  # one document to check or submit: the body, an uploaded file, or the page's form
        **RDF_BODY,
        "content": {**RDF_BODY["content"], "application/x-www-form-urlencoded": {"schema": PASTED}},
    },
}
REQUEST_BODIES["Submission"] = REQUEST_BODIES["RdfDocument"]


def listing_parameters(facets: tuple[str, ...]) -> list[str]:
    """A browse listing's parameters, as ``checked_parameters`` takes them: search, facets, paging, format."""
    return ["q", *(f"facet_{facet}" for facet in facets), "page", "size", "format_listing"]


def built_operations() -> dict[str, Json]:
    """Operations whose view is made in code, by endpoint: the browse listing of each kind."""
    return {
        f"browse.{kind.path}": {
            "get": {
                "parameters": listing_parameters(kind.facets),
                "responses": {
                    "200": "Records",
                    "304": "NotModified",
                    "400": "BadRequest",
                    "406": "NotAcceptable",
                },
            }
        }
        for kind in KINDS.values()
    }


def forbidden(role: str) -> Json:
    """The 403 of an operation that needs ``role``."""
    response = _error(f"the token's role is below {role}")
    return response
