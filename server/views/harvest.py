"""For harvesters and search engines: dumps, VoID, the DCAT catalogue, sitemap.xml and robots.txt.

Dumps are written once per generation (``bd4m_kg.publishing.dumps``): after each write the server starts
writing them in the background, and a request that finds them missing writes them first. They are
sent as files, with ETag, Last-Modified, Content-Length, ranges and 304s.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime
from xml.sax.saxutils import escape

import pyoxigraph as ox
from flask import Blueprint, Flask, Response, current_app, g, jsonify, request, send_file, url_for

from bd4m_kg.linked_data.profiles import ALT, catalogue_profiles, choose_profile
from bd4m_kg.publishing.dumps import Manifest, current_dumps, dumps_folder, waited_dumps
from bd4m_kg.publishing.metadata import (
    catalogue,
    earliest_year,
    first_change,
    publisher,
    release_descriptions,
    void_description,
)
from bd4m_kg.publishing.releases import list_releases
from bd4m_kg.rdf.iris import LISTED_KINDS, page_path, record_path, version_of
from bd4m_kg.rdf.namespaces import PREFIXES
from bd4m_kg.rdf.negotiation import GRAPH_OFFERS
from bd4m_kg.server.http.errors import ApiError
from bd4m_kg.server.http.rdf_pages import rdf_answer
from bd4m_kg.server.middleware.response_cache import cacheable, conditional
from bd4m_kg.server.middleware.store import get_store
from bd4m_kg.store import Store

harvest = Blueprint("harvest", __name__)
NOT_FOR_CRAWLERS = ("/sparql", "/queries/", "/graph-store", "/update")
WRITES = frozenset({"POST", "PUT", "DELETE", "PATCH"})


def refresh_in_background(store: Store, logger: logging.Logger) -> None:
    """Start writing the dumps of the store's new generation, so the first download need not wait.

    A failure is logged, not raised: the next request for a dump writes it (or says why it cannot).
    """

    def write() -> None:
        try:
            current_dumps(store)
        except Exception as error:  # the store went away, or a query failed: try again on demand
            logger.warning("the dumps of generation %s were not written: %s", store.generation, error)

    threading.Thread(target=write, name="dumps", daemon=True).start()


def manifest() -> Manifest:
    """The current generation's dumps and counts, once written (see :func:`waited_dumps`)."""
    return waited_dumps(get_store())


@harvest.get("/dumps/<name>")
def dump(name: str) -> Response:
    """One dump file of the current generation, as a gzip download.

    ---
    get:
      responses:
        200: Gzip
        206: PartialContent
        304: NotModified
        404: NotFound
        416: RangeNotSatisfiable
    """
    written = manifest()
    if written.file(name) is None:
        offered = ", ".join(f.name for f in written.files)
        raise ApiError(404, f"there is no dump {name!r}; the dumps are {offered}")
    path = dumps_folder(get_store()) / str(written.generation) / name
    modified = datetime.fromisoformat(written.time) if written.time else None
    response = send_file(
        path, mimetype="application/gzip", as_attachment=True, download_name=name, last_modified=modified
    )
    response.headers["Link"] = f'<{request.host_url}changes>; rel="next"'  # the feed continues the dump
    return response


@harvest.get("/.well-known/void")
def void() -> Response:
    """The VoID description of the dataset, in the negotiated RDF format.

    ---
    get:
      parameters: [format_document]
      responses: {200: Document, 304: NotModified, 406: NotAcceptable}
    """
    store = get_store()
    described = void_description(manifest(), store.base, request.host_url)
    about = "What the dataset holds, where its dumps and SPARQL endpoint are, and its releases (VoID)."
    described += release_descriptions(list_releases(store), store.base, request.host_url)
    return _rdf(described, "VoID description of the dataset", about)


@harvest.get("/catalog")
def catalog() -> Response:
    """The DCAT-AP catalogue: the dataset, its distributions and the SPARQL endpoint.

    Its one profile is DCAT-AP (``Content-Profile``; ``?_profile=`` may name it).

    ---
    get:
      parameters: [format_document]
      responses: {200: Document, 304: NotModified, 406: NotAcceptable}
    """
    store = get_store()
    if request.args.get("_profile") == ALT:
        profiles = [{"token": p.token, "uri": p.uri, "title": p.title} for p in catalogue_profiles()]
        formats = [o.media_type for o in GRAPH_OFFERS]
        default = profiles[0]["uri"]
        return jsonify(document="/catalog", default_profile=default, profiles=profiles, formats=formats)
    asked = request.headers.get("Accept-Profile"), request.args.get("_profile")
    profile = choose_profile(catalogue_profiles(), *asked)
    found = publisher(store)
    if found is None:
        raise ApiError(503, "the directory's catalogue record (data/catalogue/) is missing from the store")
    described = catalogue(
        manifest(), store.base, request.host_url, found, first_change(store), earliest_year(store)
    )
    described += release_descriptions(list_releases(store), store.base, request.host_url, found[0])
    about = "The directory as a DCAT-AP catalogue: the dataset, its distributions and the SPARQL endpoint."
    answer = _rdf(described, "Data catalogue", about)
    answer.headers["Content-Profile"] = f"<{profile.uri}>"
    answer.headers.add("Link", f'<{profile.uri}>; rel="profile"')
    answer.headers["Vary"] = "Accept, Accept-Profile"
    return answer


@harvest.get("/sitemap.xml")
def sitemap() -> Response:
    """Every record page, with the time its graph last changed.

    ---
    get:
      responses:
        200:
          description: the sitemap
          content: {application/xml: {schema: {type: string}}}
        304: NotModified
    """
    store = get_store()
    graphs = [g for g in store.graph_names() if record_path(g, store.base, LISTED_KINDS)]
    versions = store.state.graph_versions(set(graphs))
    pages = ["", "projects", "organisations", "collaboratives", "studios", "stats"]
    entries = [(f"{request.host_url}{path}", None) for path in pages]
    for graph in graphs:
        path = page_path(version_of(store.base, graph), store.base)
        entries.append((request.host_url.rstrip("/") + str(path), versions.get(graph)))
    body = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for location, version in entries:
        modified = f"<lastmod>{version.time[:10]}</lastmod>" if version else ""
        body.append(f"  <url><loc>{escape(location)}</loc>{modified}</url>")
    body.append("</urlset>")
    return cacheable(Response("\n".join(body) + "\n", content_type="application/xml; charset=utf-8"))


@harvest.get("/robots.txt")
def robots() -> Response:
    """Crawl the pages, not the query endpoints; the sitemap lists every page.

    ---
    get:
      responses:
        200:
          description: robots.txt
          content: {text/plain: {schema: {type: string}}}
    """
    lines = ["User-agent: *", *[f"Disallow: {path}" for path in NOT_FOR_CRAWLERS]]
    lines.append(f"Sitemap: {url_for('harvest.sitemap', _external=True)}")
    return Response("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def _rdf(triples: list[ox.Triple], title: str, about: str) -> Response:
    prefixes = {**PREFIXES, "void": "http://rdfs.org/ns/void#", "spdx": "http://spdx.org/rdf/terms#"}
    # not kept by the answer cache: a release changes them without a new generation
    return conditional(rdf_answer(triples, GRAPH_OFFERS, title, about, prefixes))


def init_app(app: Flask) -> None:
    """Register the harvesting routes, and refresh the dumps after every request that changed the store."""

    @app.before_request
    def note_generation() -> None:
        if request.method in WRITES:
            g.generation_before = get_store().generation

    @app.after_request
    def refresh_after_write(response: Response) -> Response:
        before = g.get("generation_before")
        if before is not None and get_store().generation != before:
            refresh_in_background(get_store(), current_app.logger)
        return response

    app.register_blueprint(harvest)
