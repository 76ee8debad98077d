"""``/releases``: the frozen, citable releases of the directory and their dump files."""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, Flask, Response, jsonify, send_file, url_for

from bd4m_kg.publishing.releases import list_releases, release_file
from bd4m_kg.server.http.errors import ApiError
from bd4m_kg.server.http.listings import Listing, checked_parameters, data_offer, listing_response
from bd4m_kg.server.middleware.store import get_store

releases = Blueprint("releases", __name__)
COLUMNS = ("version", "date", "time", "generation", "triples", "url")  # the files: in JSON, or at url


@releases.get("/releases")
@releases.get("/releases.<any(json, csv):extension>")
def listing(extension: str | None = None) -> Response:
    """Every release, oldest first: version, date, generation, size and dump files (JSON or CSV).

    ---
    get:
      parameters: [format_data]
      responses: {200: Releases, 400: BadRequest, 406: NotAcceptable}
    """
    checked_parameters({"format"})
    rows: list[dict[str, object]] = [
        {**asdict(r), "url": url_for("releases.release", version=r.version, _external=True)}
        for r in list_releases(get_store())
    ]
    found = Listing("releases", COLUMNS, rows, len(rows))
    return listing_response(found, data_offer(extension))


@releases.get("/releases/<version>")
def release(version: str) -> Response:
    """One release: its version, date, generation and dump files with their checksums.

    ---
    get:
      responses:
        200:
          description: the release
          content:
            application/json:
              schema: {type: object, required: [ok, version, generation], properties: {ok: {const: true}}}
        404: NotFound
    """
    found = next((r for r in list_releases(get_store()) if r.version == version), None)
    if found is None:
        raise ApiError(404, f"there is no release {version!r}; /releases lists them")
    return jsonify(ok=True, **asdict(found))


@releases.get("/releases/<version>/<name>")
def release_dump(version: str, name: str) -> Response:
    """A dump file of a release, unchanged since the release was made.

    ---
    get:
      responses:
        200: Gzip
        206: PartialContent
        304: NotModified
        404: NotFound
        416: RangeNotSatisfiable
    """
    path = release_file(get_store(), version, name)
    if path is None:
        raise ApiError(404, f"release {version!r} has no file {name!r}; /releases lists them")
    response = send_file(
        path, mimetype="application/gzip", as_attachment=True, download_name=f"{version}-{name}"
    )
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


def init_app(app: Flask) -> None:
    """Register /releases."""
    app.register_blueprint(releases)
