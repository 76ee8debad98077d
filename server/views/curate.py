"""``/curate``: check a record before submitting it.

``POST /curate/validate`` takes one RDF document: a body with an RDF media type, a file upload, or
the page's form (text and format). It answers the validation report against the directory's
shapes as JSON, Turtle (the ``sh:ValidationReport``) or a page that shows each problem next to
its line, by content negotiation. It is validated as a submission is: with the live graph's
relevant part as context (the records it links to, those with the same name), so the page gives
the answer a submission of the same document would get. Nothing is stored; the document is parsed
by pyoxigraph, which never fetches a remote context or entity.
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Flask, Response, render_template, request

from bd4m_kg.curation.problem_report import Located, as_json, locate_in
from bd4m_kg.curation.validation import ValidationReport
from bd4m_kg.curation.validation_context import validate_against
from bd4m_kg.rdf.formats import RDF_FORMATS
from bd4m_kg.rdf.negotiation import HTML_OFFER, Offer
from bd4m_kg.rdf.rdf_io import RdfSyntaxError, located_error
from bd4m_kg.server.http.errors import ApiError, http_error
from bd4m_kg.server.http.negotiation import negotiate_offer
from bd4m_kg.server.http.uploads import FORM_FORMATS, readable, uploads
from bd4m_kg.server.middleware.metrics import VALIDATIONS
from bd4m_kg.server.middleware.store import get_store

curate = Blueprint("curate", __name__)
REPORT_OFFERS = (
    Offer("json", "application/json", ("application/json",)),
    Offer("ttl", "text/turtle; charset=utf-8", ("text/turtle",)),
    HTML_OFFER,
)
BASE_IRI = "urn:bd4m:submission"  # relative IRIs of a submission resolve against this


@curate.get("/curate")
def page() -> str:
    """The page to paste or upload a record and see its problems.

    ---
    get:
      responses: {200: Page}
    """
    return render_template("curate.html", formats=FORM_FORMATS, text="", chosen="ttl", result=None)


@curate.post("/curate/validate")
def check() -> Response | str:
    """Validate one document against the directory's shapes; the report in the negotiated format.

    ---
    post:
      parameters:
      - name: format
        in: query
        description: 'the report: json, ttl or html (wins over Accept)'
        schema:
          type: string
          enum: [json, ttl, html]
      requestBody: RdfDocument
      responses:
        200:
          description: the validation report (JSON, the sh:ValidationReport in Turtle, or a page)
          content:
            application/json:
              schema:
                type: object
                required: [conforms]
                properties:
                  conforms: {type: boolean}
            text/turtle:
              schema: {type: string}
            text/html:
              schema: {type: string}
        400: BadRequest
        406: NotAcceptable
        415: UnsupportedType
    """
    text, rdf_format, name = _document()
    offer = negotiate_offer(REPORT_OFFERS)
    report, located = _validate(text, rdf_format, name)
    VALIDATIONS.labels("conforms" if report.conforms else "does-not-conform").inc()
    if offer.short == "ttl":
        return Response(report.graph.serialize(format="turtle"), content_type=offer.content_type)
    if offer.short == "json":
        return Response(as_json(report.conforms, located), content_type="application/json")
    rows = {item.line: item for item in located if isinstance(item.line, int)}
    return render_template(
        "curate.html",
        formats=FORM_FORMATS,
        text=text,
        chosen=_short(rdf_format),
        result={"conforms": report.conforms, "located": located, "by_line": rows, "lines": text.splitlines()},
    )


def _document() -> tuple[str, ox.RdfFormat, str]:
    """The document to check: the form's text and format, else the body or the uploaded file."""
    if request.mimetype == "application/x-www-form-urlencoded":
        chosen = FORM_FORMATS.get(request.form.get("format", "ttl"))
        if chosen is None:
            raise ApiError(415, f"choose one of the formats {', '.join(FORM_FORMATS)}")
        text = request.form.get("data", "")
        readable(text.encode(), chosen.format, "the pasted text")
        return text, chosen.format, "the pasted text"
    upload = uploads()[0]
    try:
        return upload.data.decode("utf-8"), upload.format, upload.name
    except UnicodeDecodeError as error:
        raise ApiError(400, "the document is not UTF-8 text") from error


def _validate(text: str, rdf_format: ox.RdfFormat, name: str) -> tuple[ValidationReport, list[Located]]:
    try:
        quads = ox.parse(text.encode(), format=rdf_format, base_iri=BASE_IRI)
        triples = [quad.triple for quad in quads]
    except SyntaxError as error:
        VALIDATIONS.labels("unreadable").inc()
        message = located_error(error, text.encode())
        raise ApiError(400, f"{name} is not valid {rdf_format.name}: {message}") from error
    try:
        report = validate_against(get_store(), triples)
    except RdfSyntaxError as error:
        raise http_error(error, f"{name}: {error}") from error
    suffix = f".{next(f.extension for f in RDF_FORMATS.values() if f.format == rdf_format)}"
    return report, locate_in(report, {name: (text, suffix, BASE_IRI)})


def _short(rdf_format: ox.RdfFormat) -> str:
    return next((s for s, f in FORM_FORMATS.items() if f.format == rdf_format), "ttl")


def init_app(app: Flask) -> None:
    """Register /curate."""
    app.register_blueprint(curate)
