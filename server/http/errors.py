"""One error shape for every failure: JSON ``{"ok": false, "status": …, "error": …}`` (HTML for browsers)."""

from __future__ import annotations

from flask import Flask, Response, g, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge


class ApiError(Exception):
    """An error a handler raises to answer with ``status`` and a message saying what to do."""

    def __init__(
        self, status: int, message: str, headers: dict[str, str] | None = None, **details: object
    ) -> None:
        super().__init__(message)
        self.status, self.message, self.details = status, message, details
        self.headers = headers or {}


def store_failure(error: Exception) -> ApiError:
    """The HTTP error for a store that failed: 503 (try again) when the outcome is unknown or it was slow."""
    from bd4m_kg.store import QueryTimeout, WriteInterrupted

    if isinstance(error, WriteInterrupted):
        return ApiError(503, f"{error}; it is finished before the next change", {"Retry-After": "5"})
    if isinstance(error, QueryTimeout):
        return ApiError(503, f"the store was too slow: {error}; try again", {"Retry-After": "5"})
    return ApiError(500, f"the store failed; nothing changed: {error}")


def payload() -> dict:
    """The request's fields: a JSON object's, or the form's (anything else gives no fields)."""
    found = request.get_json(silent=True) if request.is_json else request.form.to_dict()
    return found if isinstance(found, dict) else {}


def wants_html() -> bool:
    """True when the client prefers an HTML page (a browser) to JSON.

    ``?format=`` wins over ``Accept``: a browser following a download link gets the format it names.
    """
    asked = request.args.get("format", "").strip().lower()
    if asked:
        from bd4m_kg.rdf.negotiation import HTML_OFFER

        return asked in (HTML_OFFER.short, *HTML_OFFER.names, *HTML_OFFER.media_types)
    named = {value for value, quality in request.accept_mimetypes if quality > 0}
    return (
        "text/html" in named
        and request.accept_mimetypes.best_match(["application/json", "text/html"]) == "text/html"
    )


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
