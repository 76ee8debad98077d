"""Answering a query over HTTP: the policy's verdict, the fair share, the deadline, the cap, streaming."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

from flask import Response, current_app, request

from bd4m_kg.rdf.negotiation import GRAPH_OFFERS, RESULT_OFFERS, Offer
from bd4m_kg.server.http.auth import require
from bd4m_kg.server.http.errors import ApiError, http_error
from bd4m_kg.server.http.fair_share import Admission, ChargedChunks
from bd4m_kg.server.http.negotiation import negotiate_offer
from bd4m_kg.server.middleware.metrics import observe_query
from bd4m_kg.server.middleware.rate_limits import client_key
from bd4m_kg.server.middleware.response_cache import cacheable, conditional
from bd4m_kg.server.middleware.store import get_store
from bd4m_kg.sparql.policy import (
    InspectedQuery,
    QueryParseError,
    QueryRefused,
    inspect_query,
)
from bd4m_kg.sparql.query_request import query_request
from bd4m_kg.sparql.syntax_errors import SyntaxProblem, engine_problem
from bd4m_kg.store import Answer, QueryRequest, QuerySyntaxError, QueryTimeout, StoreError
from bd4m_kg.store.result_cap import mark_cut

READ_AHEAD = 1024 * 1024


VOLATILE = re.compile(r"\b(now|rand|uuid|struuid|bnode)\s*\(", re.IGNORECASE)  # answers that change alone


def answer(
    text: str,
    default_graphs: tuple[str, ...] | None = None,
    named_graphs: tuple[str, ...] | None = None,
    substitutions: dict[str, str] | None = None,
) -> Response:
    """Check a query against the policy, run it within the deadline and answer in the negotiated format."""
    inspected = inspect(text)
    offer = negotiate_offer(GRAPH_OFFERS if inspected.answers_with_graph else RESULT_OFFERS)
    cap = result_cap()
    query = query_request(
        inspected,
        text,
        offer.short,
        default_graphs=default_graphs,
        named_graphs=named_graphs,
        substitutions=substitutions,
        cap=cap,
        base_iri=request.base_url,
    )
    answer, head, finished = run(query)
    return respond(answer, offer, head, finished, cap, fixed=not VOLATILE.search(text))


def respond(
    answer: Answer, offer: Offer, head: bytes, finished: bool, cap: int | None, fixed: bool = True
) -> Response:
    """The HTTP response for an answer whose start was read: whole when complete, else streamed.

    ``fixed``: the answer stays the same until the store changes, so the answer cache may keep it.
    """
    headers = {"Vary": "Accept", "Result-Truncated": "true" if answer.truncated else "false"}
    if answer.kind != "boolean" and cap is not None:
        headers["Result-Cap"] = str(cap)
    if answer.truncated and cap is not None:
        head = mark_cut(head, offer.short, cap)
    if finished:
        whole = Response(head, content_type=offer.content_type, headers=headers)
        return cacheable(whole) if fixed else conditional(whole)
    response = Response(_chain(head, answer.chunks), content_type=offer.content_type, headers=headers)
    response.call_on_close(answer.close)
    return cacheable(response) if fixed else response


def inspect(text: str) -> InspectedQuery:
    """The policy's verdict on a query, as a 400 when it is refused or unreadable."""
    try:
        return inspect_query(text)
    except QueryParseError as error:
        raise syntax_error("query", text, str(error), error.problem) from error
    except QueryRefused as error:
        raise http_error(error) from error


def syntax_error(what: str, text: str, message: str, problem: SyntaxProblem | None) -> ApiError:
    """The 400 for a query or update that is not SPARQL: where, what was expected, the line marked."""
    if problem is None:
        return ApiError(400, f"the {what} is not valid SPARQL: {message}")
    return ApiError(
        400,
        f"the {what} is not valid SPARQL: {problem}",
        line=problem.line,
        column=problem.column,
        excerpt=problem.excerpt,
    )


def run(query: QueryRequest) -> tuple[Answer, bytes, bool]:
    """Run a query within the request's deadline and read the start of its answer (see read_ahead).

    The client's fair share admits it first (or answers 429) and counts it as finished when
    its answer is complete, or later, when a streamed answer ends or is closed.
    """
    admission = Admission(client_key())
    try:
        answer, head, finished = _start(query, admission)
    except BaseException:
        admission.finish()
        raise
    if finished:
        admission.finish()
    return answer, head, finished


def _start(query: QueryRequest, admission: Admission) -> tuple[Answer, bytes, bool]:
    """Run the query and read the start of its answer; errors and a deadline passing become statuses."""
    started = time.perf_counter()
    try:
        answer = get_store().query(query, deadline=request_deadline())
        answer.chunks = ChargedChunks(answer.chunks, admission)
        head, finished = read_ahead(answer.chunks)
    except QueryTimeout as error:
        observe_query(query.query, time.perf_counter() - started, timed_out=True)
        raise http_error(
            error, f"{error} ({request_deadline():g} s); narrow the query or ask for fewer rows"
        ) from error
    except QuerySyntaxError as error:
        raise syntax_error(
            "query", query.query, str(error), engine_problem(query.query, str(error))
        ) from error
    except StoreError as error:
        raise http_error(error, f"the store failed: {error}") from error
    observe_query(query.query, time.perf_counter() - started)
    return answer, head, finished


def result_cap() -> int | None:
    """The most rows (or triples) a public answer has; None for a request with a valid token.

    Any role may stream a whole answer; a wrong or revoked token gets a 401 rather than the cap.
    """
    if "Authorization" in request.headers:
        require("submitter")
        return None
    return int(current_app.config["RESULT_CAP"])


MINIMUM_TIMEOUT = 0.1  # seconds: less than this lets nothing finish


def request_deadline() -> float:
    """The configured deadline, or less when the request asks for less (``timeout=`` seconds)."""
    limit = float(current_app.config["QUERY_DEADLINE"])
    asked = request.args.get("timeout", type=float)
    if asked is not None and not asked >= MINIMUM_TIMEOUT:
        raise ApiError(400, f"timeout is in seconds, at least {MINIMUM_TIMEOUT:g}", parameter="timeout")
    return min(limit, asked) if asked else limit


def read_ahead(chunks: Iterator[bytes]) -> tuple[bytes, bool]:
    """Read up to READ_AHEAD bytes before answering; True when that is the whole answer.

    Errors and timeouts within them still get a status, and a small answer is sent whole.
    """
    head = bytearray()
    for chunk in chunks:
        head += chunk
        if len(head) >= READ_AHEAD:
            return bytes(head), False
    return bytes(head), True


def _chain(head: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    """The rest of a long answer as it is produced; a deadline passing now drops the connection."""
    yield head
    yield from rest
