"""``/curate/submissions``: the inbox over HTTP (submit, list, review, preview, publish, reject).

Submitters send records and see their own submissions; curators see all of them, review the diff
against the live records and a preview of the resulting page, then publish or reject. Tokens
are sent as ``Authorization: Bearer``; the ``/curate`` page keeps one in the tab's session
storage and sends it with each request (no cookies, so no CSRF).
"""

from __future__ import annotations

from pathlib import PurePosixPath

from flask import Blueprint, Flask, Response, jsonify, render_template, request, url_for
from werkzeug.http import parse_options_header

from bd4m_kg.curation import submissions as curation
from bd4m_kg.curation.inbox import STATES, InboxError, Submission
from bd4m_kg.curation.preview import preview as preview_of
from bd4m_kg.curation.submissions import Conflict, NotConforming
from bd4m_kg.curation.tokens import Token
from bd4m_kg.linked_data.record_view import record_page
from bd4m_kg.rdf.iris import (
    graph_path,
    publication_graph,
    publication_iri,
)
from bd4m_kg.server.http.auth import needs
from bd4m_kg.server.http.converters import LARGEST
from bd4m_kg.server.http.errors import ApiError, http_error, payload
from bd4m_kg.server.http.listings import (
    Listing,
    checked_parameters,
    data_offer,
    listing_response,
    whole_number,
)
from bd4m_kg.server.http.uploads import FORM_FORMATS
from bd4m_kg.server.middleware.metrics import PUBLICATIONS, VALIDATIONS
from bd4m_kg.server.middleware.store import get_inbox, get_store

submissions = Blueprint("submissions", __name__, url_prefix="/curate/submissions")
PAGE = 100  # submissions per listing; "next_url" links to the older ones
LISTED = (
    "id", "received", "submitter", "filename", "media_type", "checksum", "state", "decided_by", "decided_at",
    "generation", "href",
)  # fmt: skip


@submissions.post("")
@needs("submitter")
def submit(token: Token) -> tuple[Response, int]:
    """Keep a submission exactly as received, then validate it; 201 with its id and report.

    ---
    post:
      requestBody: Submission
      responses:
        201: Submitted
        400: BadRequest
        415:
          description: kept as received, but not in an RDF syntax the server reads (the same JSON as 201)
          content:
            application/json:
              schema:
                type: object
                required: [ok, id]
                properties:
                  ok: {const: true}
        422: Unprocessable
    """
    body, media_type, filename = _received()
    number = curation.submit(get_store(), get_inbox(), body, media_type, token.name, filename)
    submission = get_inbox().get(number)
    location = url_for("submissions.show", number=number)
    answer = jsonify(ok=True, **_summary(submission, token), report=submission.report, location=location)
    answer.headers["Location"] = location
    if not curation.readable_type(media_type):
        return answer, 415  # kept all the same: nothing sent is lost
    VALIDATIONS.labels(
        {"valid": "conforms", "invalid": "does-not-conform"}.get(submission.state, "not-validated")
    ).inc()
    return answer, 201


def _received() -> tuple[bytes, str, str]:
    """The submitted bytes, media type and file name: the form's text, an uploaded file, or the body."""
    if request.mimetype == "application/x-www-form-urlencoded":
        chosen = FORM_FORMATS.get(request.form.get("format", "ttl"))
        if chosen is None:
            raise ApiError(415, f"choose one of the formats {', '.join(FORM_FORMATS)}")
        return request.form.get("data", "").encode("utf-8"), chosen.media_type, "the pasted text"
    if request.mimetype == "multipart/form-data":
        upload = next((f for f in request.files.values() if f.filename), None)
        if upload is None:
            raise ApiError(400, "the multipart request has no file")
        media_type = upload.mimetype or ""
        if not curation.readable_type(media_type):  # browsers send .ttl as application/octet-stream
            media_type = curation.media_type_of(upload.filename or "") or media_type
        return upload.read(), media_type, upload.filename or "upload"
    return request.get_data(), request.mimetype, _named_file() or "the request body"


def _named_file() -> str | None:
    """The base name of the file a raw body names in ``Content-Disposition`` (``bd4m-kg submit`` sends it)."""
    _, options = parse_options_header(request.headers.get("Content-Disposition", ""))
    name = PurePosixPath(str(options.get("filename", "")).replace("\\", "/")).name
    return name[:200] or None


@submissions.get("")
@needs("submitter")
def listing(token: Token, extension: str | None = None) -> Response:
    """Submissions, newest first, 100 a page: a submitter's own, or all for a curator (``?state=``).

    JSON unless CSV is asked for (``/curate/submissions.csv``); ``next_url`` leads to older ones.

    ---
    get:
      parameters:
      - submission_state
      - name: before
        in: query
        description: only submissions older than this id (next_url sets it)
        schema: {type: integer, minimum: 1}
      - format_data
      responses: {200: Submissions, 400: BadRequest, 406: NotAcceptable}
    """
    checked_parameters({"state", "before", "format"})
    offer = data_offer(extension)
    state = request.args.get("state") or None
    if state is not None and state not in STATES:
        raise ApiError(400, f"state must be one of {', '.join(STATES)}", parameter="state")
    own = None if token.allows("curator") else token.name
    before = whole_number("before", 0, LARGEST) or None
    found = get_inbox().list(submitter=own, state=state, limit=PAGE, before=before)
    older = {"state": state, "before": found[-1].id if found else 0, "format": request.args.get("format")}
    older |= {"extension": extension} if extension else {}
    following = url_for("submissions.listing", **older, _external=True) if len(found) == PAGE else None
    rows = [_with_links(s, token) for s in found]
    you = {"name": token.name, "role": token.role}
    return listing_response(Listing("submissions", LISTED, rows, None, following, extra={"you": you}), offer)


def _summary(submission: Submission, token: Token) -> dict[str, object]:
    """What the token's holder may read of a submission: curators' token names only for curators."""
    summary = submission.summary()
    if not token.allows("curator"):
        summary.pop("decided_by")
    return summary


def _with_links(submission: Submission, token: Token) -> dict[str, object]:
    return {**_summary(submission, token), "href": url_for("submissions.show", number=submission.id)}


@submissions.get("/<int:number>")
@needs("submitter")
def show(number: int, token: Token) -> Response:
    """One submission: its report, and for open ones the diff against the live records and previews.

    ---
    get:
      responses:
        200:
          description: the submission, its report, and for open ones the diff and previews
          content:
            application/json:
              schema:
                type: object
                required: [ok, id, state, report]
                properties:
                  ok: {const: true}
        404: NotFound
        422: Unprocessable
    """
    submission = _visible(number, token)
    details: dict[str, object] = {**_with_links(submission, token), "report": submission.report}
    details["reason"] = submission.reason
    details["body"] = url_for("submissions.body", number=number)
    if submission.state in ("valid", "invalid") and not (submission.report or {}).get("error"):
        store = get_store()
        body = get_inbox().body(number)
        with curation.read_submission(body, submission.media_type, submission.filename, store.base) as staged:
            details["diff"] = curation.diff(store, staged)
        details["changed_since_submitted"] = curation.changed_since(store, submission.based_on or {})
        details["previews"] = [
            url_for("submissions.preview", number=number, record=graph_path(g, store.base))
            for g in (submission.report or {}).get("records", [])
        ]
    return jsonify(ok=True, **details)


@submissions.get("/<int:number>/body")
@needs("submitter")
def body(number: int, token: Token) -> Response:
    """The submission's bytes exactly as received, with the media type it was sent with.

    ---
    get:
      responses:
        200:
          description: the bytes as received, with the media type they were sent with
          content: {'*/*': {schema: {type: string, format: binary}}}
        404: NotFound
    """
    submission = _visible(number, token)
    media_type = submission.media_type or "application/octet-stream"
    answer = Response(get_inbox().body(number), content_type=media_type)
    answer.headers["Content-Disposition"] = f'attachment; filename="submission-{number}"'
    answer.headers["X-Content-Type-Options"] = "nosniff"
    return answer


@submissions.get("/<int:number>/preview/<path:record>")
@needs("submitter")
def preview(number: int, record: str, token: Token) -> str:
    """The page a record of the submission would have once published.

    ---
    get:
      responses: {200: Page, 404: NotFound, 422: Unprocessable}
    """
    submission = _visible(number, token)
    store = get_store()
    try:
        description = preview_of(store, submission, get_inbox().body(number), record)
    except curation.SubmissionError as error:
        raise _unreadable(number, error) from error
    page = record_page(description, store.base)
    return render_template("record.html", page=page, alternates=[], preview=number)


@submissions.post("/<int:number>/publish")
@needs("curator")
def publish(number: int, token: Token) -> Response:
    """Publish a submission (curator): 200, or 422 with the report, or 409 with what changed.

    ---
    post:
      responses: {200: Changed, 404: NotFound, 409: Conflict, 422: Unprocessable}
    """
    try:
        result = curation.publish(get_store(), get_inbox(), number, token.name)
    except NotConforming:
        PUBLICATIONS.labels("not-conforming").inc()
        raise
    except Conflict:
        PUBLICATIONS.labels("conflict").inc()
        raise
    except curation.SubmissionError as error:
        raise _unreadable(number, error) from error
    PUBLICATIONS.labels("published").inc()
    base = get_store().base
    return jsonify(
        ok=True,
        id=number,
        state="published",
        generation=result.generation,
        records=[g for g in result.replaced if g != publication_graph(base, number)],
        provenance=publication_iri(base, number),
    )


@submissions.post("/<int:number>/reject")
@needs("curator")
def reject(number: int, token: Token) -> Response:
    """Reject a submission (curator) with a reason the submitter reads.

    ---
    post:
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [reason]
              properties:
                reason: {type: string}
          application/x-www-form-urlencoded:
            schema:
              type: object
              required: [reason]
              properties:
                reason: {type: string}
      responses:
        200:
          description: rejected
          content:
            application/json:
              schema:
                type: object
                required: [ok, id, state, reason]
                properties:
                  ok: {const: true}
        400: BadRequest
        404: NotFound
        409: Conflict
    """
    reason = str(payload().get("reason", "")).strip()
    if not reason:
        raise ApiError(400, "say why the submission is rejected: send a reason")
    submission = curation.reject(get_inbox(), number, token.name, reason)
    return jsonify(ok=True, **_with_links(submission, token), reason=submission.reason)


def _visible(number: int, token: Token) -> Submission:
    """The submission, when the token's holder may see it (its submitter, or a curator)."""
    try:
        submission = get_inbox().get(number)
    except InboxError as error:
        raise ApiError(404, str(error)) from error
    if submission.submitter != token.name and not token.allows("curator"):
        raise ApiError(404, f"there is no submission {number} of {token.name}")
    return submission


def _unreadable(number: int, error: curation.SubmissionError) -> ApiError:
    """422 for a submission kept as received that cannot be read as records."""
    return http_error(
        error,
        f"submission {number} cannot be read as records, so there is nothing to show or publish: {error}",
    )


def init_app(app: Flask) -> None:
    """Register /curate/submissions (and the listing as /curate/submissions.json or .csv)."""
    app.register_blueprint(submissions)
    app.add_url_rule(
        "/curate/submissions.<any(json, csv):extension>",
        "submissions.listing",
        app.view_functions["submissions.listing"],
    )
