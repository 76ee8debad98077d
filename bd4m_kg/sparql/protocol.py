"""The SPARQL 1.1 Protocol's query operation, read from a request's parts (no web framework needed).

Three ways to send a query: GET with ``query=`` in the URL; POST of an HTML form
(``application/x-www-form-urlencoded``); POST of the query itself (``application/sparql-query``)
with the dataset parameters in the URL. ``default-graph-uri`` and ``named-graph-uri`` pick graphs
of the store (never fetched).

>>> read_query_request("GET", None, [("query", "ASK {}")], b"").query
'ASK {}'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import parse_qsl

import pyoxigraph as ox

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
DIRECT_UPDATE = "application/sparql-update"


class ProtocolError(ValueError):
    """A request the Protocol does not allow; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class QueryOperation:
    """A query and the dataset the request asks for (None: not given)."""

    query: str
    default_graphs: tuple[str, ...] | None
    named_graphs: tuple[str, ...] | None


def read_query_request(
    method: str, content_type: str | None, url_parameters: Sequence[tuple[str, str]], body: bytes
) -> QueryOperation:
    """Read a query operation from the method, Content-Type, URL parameters and body."""
    if method in {"GET", "HEAD"}:
        parameters = list(url_parameters)
        query = _one(parameters, "query")
    elif method == "POST":
        media_type = (content_type or "").split(";", 1)[0].strip().lower()
        text = _utf8(body)
        if media_type == FORM:
            parameters = parse_qsl(text, keep_blank_values=True)
            if [v for k, v in url_parameters if k == "query"]:
                raise ProtocolError(400, "send the query either in the form or in the URL, not both")
            if any(k == "update" for k, _ in parameters):
                raise ProtocolError(400, "this is the query endpoint; send updates to /update")
            query = _one(parameters, "query")
        elif media_type == DIRECT:
            parameters = list(url_parameters)
            if any(k == "query" for k, _ in parameters):
                raise ProtocolError(
                    400, "with application/sparql-query the body is the query: no query= in the URL"
                )
            query = text
        else:
            raise ProtocolError(
                415,
                f"POST a query as {DIRECT} or as {FORM}, not {content_type or 'a body without Content-Type'}",
            )
    else:
        raise ProtocolError(405, "query with GET or POST")
    return QueryOperation(
        query, _graphs(parameters, "default-graph-uri"), _graphs(parameters, "named-graph-uri")
    )


@dataclass(frozen=True)
class UpdateOperation:
    """An update and the dataset its WHERE clauses read, when the request names one."""

    update: str
    using_graphs: tuple[str, ...] | None
    using_named_graphs: tuple[str, ...] | None


def read_update_request(
    content_type: str | None, url_parameters: Sequence[tuple[str, str]], body: bytes
) -> UpdateOperation:
    """Read an update operation (always a POST): an HTML form, or the update itself as the body."""
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    text = _utf8(body)
    if media_type == FORM:
        parameters = parse_qsl(text, keep_blank_values=True)
        if any(k == "query" for k, _ in parameters):
            raise ProtocolError(400, "this is the update endpoint; send queries to /sparql")
        update = _one(parameters, "update")
    elif media_type == DIRECT_UPDATE:
        parameters = list(url_parameters)
        update = text
    else:
        raise ProtocolError(
            415,
            f"POST an update as {DIRECT_UPDATE} or as {FORM}, not {content_type or 'a body with no type'}",
        )
    return UpdateOperation(
        update, _graphs(parameters, "using-graph-uri"), _graphs(parameters, "using-named-graph-uri")
    )


def _one(parameters: Sequence[tuple[str, str]], name: str) -> str:
    values = [v for k, v in parameters if k == name]
    if not values:
        raise ProtocolError(400, f"the request has no {name} parameter")
    if len(values) > 1:
        raise ProtocolError(400, f"the request has {len(values)} {name} parameters; send exactly one")
    return values[0]


def _graphs(parameters: Sequence[tuple[str, str]], name: str) -> tuple[str, ...] | None:
    values = [v for k, v in parameters if k == name]
    for value in values:
        try:
            ox.NamedNode(value)
        except ValueError as error:
            raise ProtocolError(400, f"{name} must be an absolute IRI, not {value!r}") from error
    return tuple(values) if values else None


def _utf8(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ProtocolError(400, f"the request body is not UTF-8 (byte {error.start} is not)") from error
