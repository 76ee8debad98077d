"""One error shape for every failure: JSON ``{"ok": false, "status": …, "error": …}`` (HTML for browsers).

One table, :data:`ERRORS`, gives each kind of core error its status, wording and headers. A view
lets a core error rise and the table answers it; a view that knows more about the failure says
so with :func:`http_error` (same status and headers, its own words).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, Response, g, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from bd4m_kg.browse.reconciliation import ReconciliationError
from bd4m_kg.curation.history import NoSuchRecord, Refused
from bd4m_kg.curation.inbox import NoSuchSubmission, WrongState
from bd4m_kg.curation.preview import NotInSubmission
from bd4m_kg.curation.submissions import Conflict, NotConforming, SubmissionError
from bd4m_kg.linked_data.profiles import UnknownProfile
from bd4m_kg.linked_data.resolution import NotKnown, Retired
from bd4m_kg.rdf.complexity import TooComplex
from bd4m_kg.rdf.negotiation import NotAcceptable, prefers_html
from bd4m_kg.rdf.rdf_io import RdfSyntaxError
from bd4m_kg.sparql.graph_store import GraphNotFound, GraphWriteError
from bd4m_kg.sparql.named_queries import NamedQueryError
from bd4m_kg.sparql.policy import QueryParseError, QueryRefused
from bd4m_kg.sparql.protocol import ProtocolError
from bd4m_kg.store import QuerySyntaxError, StoreError, UpdateError, WriteInterrupted


class ApiError(Exception):
    """An error a handler raises to answer with ``status`` and a message saying what to do."""

    def __init__(
        self, status: int, message: str, headers: dict[str, str] | None = None, **details: object
    ) -> None:
        super().__init__(message)
        self.status, self.message, self.details = status, message, details
        self.headers = headers or {}


@dataclass(frozen=True)
class Rule:
    """How one kind of core error answers: its status, how the message reads, and whether to retry."""

    status: int
    wording: str = "{error}"  # {error}: the exception's own message
    retry: bool = False  # a 503 the client may simply repeat: Retry-After

    def answer(self, error: Exception, message: str | None = None) -> ApiError:
        """The :class:`ApiError` for ``error``; ``message`` replaces the wording where a view knows more."""
        headers = {"Retry-After": RETRY_AFTER} if self.retry else {}
        text = message if message is not None else self.wording.format(error=error)
        status = error.status if isinstance(error, ProtocolError) else self.status
        return ApiError(status, text, headers, **details_of(error))


RETRY_AFTER = "5"
ERRORS: tuple[tuple[type[Exception], Rule], ...] = (  # the first class an error is an instance of decides
    (WriteInterrupted, Rule(503, "{error}; it is finished before the next change", retry=True)),
    (StoreError, Rule(500, "the store failed; nothing changed: {error}")),
    (TimeoutError, Rule(503, "the store was too slow: {error}; try again", retry=True)),  # QueryTimeout too
    (UpdateError, Rule(400, "the update failed and changed nothing: {error}")),
    (QuerySyntaxError, Rule(400)),
    (NotAcceptable, Rule(406)),
    (ProtocolError, Rule(400)),  # its own status: 400, 405 or 415
    (QueryRefused, Rule(400)),
    (QueryParseError, Rule(400)),
    (TooComplex, Rule(400)),
    (NamedQueryError, Rule(400)),
    (UnknownProfile, Rule(400)),
    (RdfSyntaxError, Rule(400)),
    (ReconciliationError, Rule(400)),
    (GraphWriteError, Rule(400, "{error}; nothing was written")),
    (GraphNotFound, Rule(404)),
    (NotKnown, Rule(404)),
    (Retired, Rule(410)),
    (NoSuchRecord, Rule(404)),
    (NoSuchSubmission, Rule(404)),
    (NotInSubmission, Rule(404)),
    (WrongState, Rule(409)),
    (Refused, Rule(409)),
    (Conflict, Rule(409)),
    (NotConforming, Rule(422)),
    (SubmissionError, Rule(422)),
)


def http_error(error: Exception, message: str | None = None) -> ApiError:
    """The answer the table gives a core error (``message``: the view's own words for it)."""
    for kind, rule in ERRORS:
        if isinstance(error, kind):
            return rule.answer(error, message)
    raise TypeError(f"{type(error).__name__} has no rule in the error table") from error


def details_of(error: Exception) -> dict[str, object]:
    """What an error adds to the JSON shape: the offered types, a conflict's diff, a report."""
    if isinstance(error, NotAcceptable):
        return {"offered": error.offered}
    if isinstance(error, Conflict):
        return {"changed": error.changed, "diff": error.diff}
    if isinstance(error, NotConforming):
        return {"report": error.assessment.as_dict()}
    return {}


def payload() -> dict:
    """The request's fields: a JSON object's, or the form's (anything else gives no fields)."""
    found = request.get_json(silent=True) if request.is_json else request.form.to_dict()
    return found if isinstance(found, dict) else {}


def wants_html() -> bool:
    """True when the client prefers an HTML page (a browser) to JSON; ``?format=`` wins over ``Accept``."""
    return prefers_html(request.headers.get("Accept"), request.args.get("format"))


def error_response(status: int, message: str, **details: object) -> Response:
    """The error as JSON, or as a page for a browser."""
    if wants_html():
        response = Response(render_template("error.html", status=status, message=message), status=status)
    else:
        response = jsonify(ok=False, status=status, error=message, **details)
        response.status_code = status
    response.headers["Vary"] = "Accept"
    return response


def init_app(app: Flask) -> None:
    """Answer every HTTP error and every :class:`ApiError` in the one shape."""

    @app.errorhandler(ApiError)
    def api_error(error: ApiError) -> Response:
        response = error_response(error.status, error.message, **error.details)
        response.headers.update(error.headers)
        if "Retry-After" in error.headers:
            g.retry_after = error.headers["Retry-After"]  # kept over the rate limiter's window
        return response

    for kind, rule in ERRORS:
        app.register_error_handler(kind, lambda error, rule=rule: api_error(rule.answer(error)))

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(error: RequestEntityTooLarge) -> Response:
        limit = app.config["MAX_CONTENT_LENGTH"]
        return error_response(
            413,
            f"the request body is over this server's limit of {limit:,} bytes (UPLOAD_LIMIT); "
            "send it in parts, e.g. one graph or a few records per request",
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        response = error_response(error.code or 500, error.description or error.name)
        for name in ("Allow", "Retry-After"):
            if error.get_response().headers.get(name):
                response.headers[name] = error.get_response().headers[name]
        return response
