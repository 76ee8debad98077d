"""The RDF a request carries (its body or the files of a form) with each format; 400 or 415 if unreadable."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pyoxigraph as ox
from flask import request

from bd4m_kg.rdf.complexity import check_json
from bd4m_kg.rdf.formats import RDF_FORMATS, rdf_format_for_media_type, rdf_format_for_path
from bd4m_kg.server.http.errors import ApiError
from bd4m_kg.sparql.graph_store import (
    Upload,
)


def uploads() -> list[Upload]:
    """The request's RDF documents: its body, or each file of a ``multipart/form-data`` POST."""
    if request.mimetype == "multipart/form-data":
        files = [f for f in request.files.values() if f.filename or f.mimetype]
        if not files:
            raise ApiError(400, "the multipart request has no files")
        found = [Upload(f.read(), _format(f.mimetype, f.filename), f.filename or "upload") for f in files]
    else:
        found = [Upload(request.get_data(), _format(request.mimetype, None), "the request body")]
    for upload in found:
        readable(upload.data, upload.format, upload.name)
    return found


def readable(data: bytes, rdf_format: ox.RdfFormat, name: str) -> None:
    """Refuse (400) a JSON-LD document nested deeper than its parser survives."""
    if rdf_format == ox.RdfFormat.JSON_LD:
        check_json(data, name)


def _format(media_type: str | None, filename: str | None) -> ox.RdfFormat:
    """The RDF format of a document from its media type, else its file name; a 415 when neither tells."""
    found = rdf_format_for_media_type(media_type or "")
    if found is None and filename:
        with contextlib.suppress(ValueError):
            found = rdf_format_for_path(Path(filename))
    if found is None:
        offered = ", ".join(f.media_type for f in RDF_FORMATS.values())
        raise ApiError(
            415, f"send RDF as one of {offered}, not {media_type or 'a body without Content-Type'}"
        )
    return found.format


FORM_FORMATS = {f.short: f for f in RDF_FORMATS.values() if f.short in ("ttl", "nt", "rdf", "jsonld")}
