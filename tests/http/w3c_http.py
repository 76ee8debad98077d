"""A runner for the W3C SPARQL 1.1 Protocol and Graph Store HTTP Protocol test manifests.

A manifest (``ht:``/``mf:`` terms, read with rdflib) becomes a list of :class:`Case`: each an ordered
list of :class:`HttpRequest` with what its response must look like, plus the ``ut:graphData`` files
a protocol case expects loaded into named graphs. :func:`run_case` sends one case's requests with
``requests`` to a base URL, mapping the manifests' paths to ours (``/sparql/`` becomes ``/sparql`` for
queries and ``/update`` for updates; the Graph Store ``/gsp`` becomes ``/graph-store``, so a direct
graph path such as ``/gsp/person/1.ttl`` is ``/graph-store/person/1.ttl``), and gives a :class:`Verdict`.

Two designed behaviours of our server that the manifests do not assume: the default graph of a
query is the union of all graphs, and writes to the default graph (Graph Store PUT/POST/DELETE
``?default``) are refused with 400, so ``put_get_default`` fails on purpose.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from email.message import Message
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from urllib.request import url2pathname

import requests
from rdflib import RDFS, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic
from rdflib.query import Result
from rdflib.term import Node

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")

# The hts: terms the manifests use (and their neighbours), by local name.
STATUS_CODES = {
    "OK": 200,
    "Created": 201,
    "Accepted": 202,
    "NoContent": 204,
    "MovedPermanently": 301,
    "Found": 302,
    "SeeOther": 303,
    "NotModified": 304,
    "BadRequest": 400,
    "Unauthorized": 401,
    "Forbidden": 403,
    "NotFound": 404,
    "MethodNotAllowed": 405,
    "NotAcceptable": 406,
    "Conflict": 409,
    "UnsupportedMediaType": 415,
    "InternalServerError": 500,
}
STATUS_CLASS = re.compile(r"StatusCode([1-5])xx")

RESULT_FORMATS = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
RDF_FORMATS = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/n-triples": "nt",
    "text/plain": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
    "text/n3": "n3",
    "application/n-quads": "nquads",
    "application/trig": "trig",
}
QUAD_FORMATS = {"nquads", "trig"}
EXCERPT = 160


# -- what a manifest says -----------------------------------------------------------------------


@dataclass(frozen=True)
class Expected:
    """What a response must be: status (hts: local names), format, boolean, headers, body, Location."""

    statuses: tuple[str, ...] = ()
    result_format: str | None = None
    boolean: bool | None = None
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes | None = None
    location_variable: str | None = None


@dataclass(frozen=True)
class HttpRequest:
    """One ``ht:Request``: method, the manifest's absolute path, headers and body bytes."""

    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: bytes | None
    expected: Expected

    def header(self, name: str) -> str | None:
        """The value of a request header, matched case-insensitively."""
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    def describe(self) -> str:
        """``METHOD path`` for messages."""
        return f"{self.method} {self.path}"


@dataclass(frozen=True)
class GraphData:
    """A ``ut:graphData``: a data file to load into the named graph of its ``rdfs:label``."""

    file: Path
    graph: str


@dataclass(frozen=True)
class Case:
    """A manifest entry: its local name, title, manifest, requests, setup data and requirements."""

    name: str
    title: str
    manifest: str
    requests: tuple[HttpRequest, ...]
    graph_data: tuple[GraphData, ...] = ()
    requires: tuple[str, ...] = ()


@dataclass(frozen=True)
class Verdict:
    """Passed, or failed with a one-line reason."""

    passed: bool
    reason: str = ""


def local_name(node: Node) -> str:
    """The part of an IRI after its last ``#`` or ``/``."""
    return re.split(r"[#/]", str(node))[-1]


def rdf_list(graph: Graph, head: Node | None) -> list[Node]:
    """The members of an RDF collection (empty when ``head`` is None)."""
    return [] if head is None else list(Collection(graph, head))


def file_path(iri: Node | None) -> Path:
    """The local file a ``file:`` IRI names."""
    return Path(url2pathname(urlsplit(str(iri)).path))


def manifest_graph(path: Path) -> Graph:
    """A manifest file parsed with its own file IRI as base, so ``<data1.nt>`` names a file beside it."""
    return Graph().parse(path, format="turtle", publicID=path.resolve().as_uri())


def load_manifest(path: Path) -> list[Case]:
    """The entries of a manifest in order, and those of the manifests it includes (``mf:include``)."""
    graph = manifest_graph(path)
    manifest = URIRef(path.resolve().as_uri())
    cases = [
        parse_case(graph, entry, path.name) for entry in rdf_list(graph, graph.value(manifest, MF.entries))
    ]
    for included in rdf_list(graph, graph.value(manifest, MF.include)):
        cases += load_manifest(file_path(included))
    return cases


def parse_case(graph: Graph, entry: Node, manifest: str) -> Case:
    """One manifest entry as a :class:`Case`."""
    action = graph.value(entry, MF.action)
    requests_ = tuple(
        parse_request(graph, node) for node in rdf_list(graph, graph.value(action, HT.requests))
    )
    data = tuple(
        GraphData(file_path(graph.value(d, UT.graph)), str(graph.value(d, RDFS.label)))
        for d in graph.objects(entry, UT.graphData)
    )
    return Case(
        name=local_name(entry),
        title=str(graph.value(entry, MF.name) or ""),
        manifest=manifest,
        requests=requests_,
        graph_data=tuple(sorted(data, key=lambda d: d.graph)),
        requires=tuple(sorted(local_name(r) for r in graph.objects(entry, MF.requires))),
    )


def parse_request(graph: Graph, node: Node) -> HttpRequest:
    """One ``ht:Request`` and the ``ht:resp`` it expects."""
    return HttpRequest(
        method=str(graph.value(node, HT.methodName)),
        path=str(graph.value(node, HT.absolutePath)),
        headers=parse_headers(graph, node),
        body=parse_body(graph, graph.value(node, HT.body)),
        expected=parse_response(graph, graph.value(node, HT.resp)),
    )


def parse_headers(graph: Graph, node: Node | None) -> tuple[tuple[str, str], ...]:
    """The ``(fieldName, fieldValue)`` pairs of a request's or response's ``ht:headers`` list."""
    return tuple(
        (str(graph.value(h, HT.fieldName)), str(graph.value(h, HT.fieldValue)))
        for h in rdf_list(graph, graph.value(node, HT.headers))
    )


def parse_body(graph: Graph, body: Node | None) -> bytes | None:
    """A ``cnt:ContentAsText`` body as bytes: its ``cnt:chars`` in its ``cnt:characterEncoding``.

    ``bad_query_non_utf8`` states UTF-16, so its ``ASK {}`` is sent as UTF-16 (with a byte order mark).
    """
    if body is None:
        return None
    chars = graph.value(body, CNT.chars)
    if chars is None:
        raise ValueError(f"a body without cnt:chars: {body}")
    encoding = str(graph.value(body, CNT.characterEncoding) or "UTF-8")
    return str(chars).encode(encoding)


def parse_response(graph: Graph, response: Node | None) -> Expected:
    """The ``ht:Response`` a request expects."""
    if response is None:
        return Expected()
    statuses = tuple(sorted(local_name(s) for s in graph.objects(response, MF.expectedStatus)))
    for status in statuses:
        status_matcher(status)  # an unknown term is a runner bug, not a pass
    boolean = graph.value(response, MF.expectedBoolean)
    location = graph.value(response, MF.expectedLocation)
    result_format = graph.value(response, MF.expectedFormat)
    return Expected(
        statuses=statuses,
        result_format=str(result_format) if result_format is not None else None,
        boolean=bool(boolean.toPython()) if isinstance(boolean, Literal) else None,
        headers=parse_headers(graph, response),
        body=parse_body(graph, graph.value(response, HT.body)),
        location_variable=str(location) if location is not None else None,
    )


def status_matcher(status: str) -> Callable[[int], bool]:
    """Whether a code matches an hts: term: a class (``StatusCode4xx``) or a code (``Created``)."""
    if found := STATUS_CLASS.fullmatch(status):
        first = int(found.group(1))
        return lambda code: code // 100 == first
    if status in STATUS_CODES:
        return lambda code: code == STATUS_CODES[status]
    raise ValueError(f"unknown hts: status {status}")


def status_text(statuses: Iterable[str]) -> str:
    """``201 or 204`` for messages."""
    return " or ".join(
        sorted(
            s[len("StatusCode") :] if s.startswith("StatusCode") else str(STATUS_CODES[s]) for s in statuses
        )
    )


# -- mapping to our server ----------------------------------------------------------------------


def is_update(request: HttpRequest) -> bool:
    """Whether a protocol request is an update: ``update=`` in its query string or form body, or
    ``application/sparql-update``."""
    query = parse_qs(urlsplit(request.path).query)
    body = request.body.decode("utf-8", "replace") if request.body else ""
    content_type = media_type(request.header("content-type") or "")
    form = parse_qs(body) if content_type in ("application/x-www-form-urlencoded", "") else {}
    return "update" in query or "update" in form or content_type == "application/sparql-update"


def map_path(request: HttpRequest) -> str:
    """Our path for a manifest path: ``/sparql/`` → ``/sparql`` or ``/update``; ``/gsp`` (the Graph
    Store, and the graphs directly under it) → ``/graph-store``."""
    path = request.path
    if path.startswith("/sparql/"):
        return ("/update" if is_update(request) else "/sparql") + path[len("/sparql/") :]
    if path == "/gsp" or path.startswith(("/gsp?", "/gsp/")):
        return "/graph-store" + path[len("/gsp") :]
    return path


def graphs_named(case: Case, base: str) -> set[str]:
    """The graph IRIs a Graph Store case addresses: each ``?graph=`` (decoded once), and for direct
    identification the request URL under ``base``."""
    found: set[str] = set()
    for request in case.requests:
        parts = urlsplit(request.path)
        if "$" in request.path:
            continue  # a template filled from a Location header only while the case runs
        if parts.path == "/gsp":
            found.update(parse_qs(parts.query).get("graph", []))
        elif parts.path.startswith("/gsp/"):
            found.add(base + map_path(request))
    return found


# -- reading responses --------------------------------------------------------------------------


def media_type(content_type: str) -> str:
    """The lower-case media type of a Content-Type, without parameters."""
    return content_type.split(";")[0].strip().lower()


def parameters(content_type: str) -> dict[str, str]:
    """The parameters of a Content-Type, names and values lower-cased."""
    message = Message()
    message["content-type"] = content_type
    return {k.lower(): v.lower() for k, v in message.get_params()[1:]}


def excerpt(response: requests.Response) -> str:
    """The start of a response body on one line."""
    text = " ".join(response.content.decode("utf-8", "replace").split())
    return text[:EXCERPT] + ("…" if len(text) > EXCERPT else "") if text else "(empty body)"


def parse_results(response: requests.Response) -> Result:
    """The response as SPARQL results, by its Content-Type; ValueError when it is none or does not parse."""
    content_type = response.headers.get("Content-Type", "")
    result_format = RESULT_FORMATS.get(media_type(content_type))
    if result_format is None:
        raise ValueError(f"Content-Type {content_type or '(none)'} is not a SPARQL results media type")
    try:
        return Result.parse(io.BytesIO(response.content), format=result_format)
    except Exception as error:
        raise ValueError(f"the {result_format} results do not parse: {error}") from error


def parse_rdf(data: bytes, content_type: str) -> Graph:
    """RDF in the syntax of a Content-Type; ValueError when it is no RDF type or does not parse."""
    rdf_format = RDF_FORMATS.get(media_type(content_type))
    if rdf_format is None:
        raise ValueError(f"Content-Type {content_type or '(none)'} is not an RDF media type")
    try:
        graph = Dataset() if rdf_format in QUAD_FORMATS else Graph()
        return graph.parse(data=data, format=rdf_format)
    except Exception as error:
        raise ValueError(f"the {rdf_format} body does not parse: {error}") from error


def check_format(expected: Expected, response: requests.Response) -> str | None:
    """What is wrong with the response's format or boolean, or None."""
    try:
        if expected.result_format == "boolean":
            results = parse_results(response)
            if results.type != "ASK":
                return f"expected a boolean result, got {results.type} results"
            if expected.boolean is not None and results.askAnswer != expected.boolean:
                return (
                    f"expected boolean {str(expected.boolean).lower()}, got {str(results.askAnswer).lower()}"
                )
        elif expected.result_format == "tabular":
            results = parse_results(response)
            if results.type != "SELECT":
                return f"expected tabular results, got {results.type} results"
        elif expected.result_format == "RDF":
            parse_rdf(response.content, response.headers.get("Content-Type", ""))
        elif expected.result_format is not None:
            raise ValueError(f"unknown mf:expectedFormat {expected.result_format}")
    except ValueError as error:
        return str(error)
    return None


def check_headers(expected: Expected, response: requests.Response) -> str | None:
    """What is wrong with the expected response headers (media types and their parameters), or None."""
    for name, value in expected.headers:
        got = response.headers.get(name)
        if got is None:
            return f"expected header {name}: {value}, got none"
        if name.lower() == "content-type":
            same = (
                media_type(got) == media_type(value) and parameters(value).items() <= parameters(got).items()
            )
        else:
            same = got.strip() == value.strip()
        if not same:
            return f"expected header {name}: {value}, got {got}"
    return None


def check_body(expected: Expected, response: requests.Response) -> str | None:
    """Whether the response body holds the expected graph (rdflib isomorphism), or None."""
    if expected.body is None:
        return None
    wanted = parse_rdf(expected.body, dict(expected.headers).get("content-type", "text/turtle"))
    try:
        got = parse_rdf(response.content, response.headers.get("Content-Type", ""))
    except ValueError as error:
        return str(error)
    if not isomorphic(wanted, got):
        return f"the graph is not the expected one ({len(got)} triples, {len(wanted)} expected)"
    return None


def check(expected: Expected, response: requests.Response) -> str | None:
    """What is wrong with a response (a wrong status alone, else every wrong part), or None."""
    if expected.statuses and not any(status_matcher(s)(response.status_code) for s in expected.statuses):
        return f"expected {status_text(expected.statuses)}"
    wrong = [found(expected, response) for found in (check_location, check_format, check_headers, check_body)]
    return "; ".join(w for w in wrong if w) or None


def check_location(expected: Expected, response: requests.Response) -> str | None:
    """Whether a Location header is missing where the manifest names a template variable for it."""
    if expected.location_variable and not response.headers.get("Location"):
        return "expected a Location header, got none"
    return None


# -- running a case -----------------------------------------------------------------------------


@dataclass
class Run:
    """A session with a base URL and headers added to every request (the admin token)."""

    base: str
    headers: Mapping[str, str] = field(default_factory=dict, repr=False)
    session: requests.Session = field(default_factory=requests.Session, repr=False)
    timeout: float = 60

    def send(self, method: str, path: str, headers: Mapping[str, str] = (), body: bytes | None = None):
        """One HTTP request to ``base + path``, as given (no redirects followed for HEAD)."""
        return self.session.request(
            method,
            self.base + path,
            headers={**self.headers, **dict(headers)},
            data=body,
            timeout=self.timeout,
            allow_redirects=method != "HEAD",
        )


def fill_templates(request: HttpRequest, variables: Mapping[str, str]) -> HttpRequest:
    """The request with each template variable (``$LOCATION$``) replaced in its path and body."""
    path, body = request.path, request.body
    for name, value in variables.items():
        path = path.replace(name, value)
        body = body.replace(name.encode(), value.encode()) if body is not None else None
    return replace(request, path=path, body=body)


def run_case(case: Case, run: Run) -> Verdict:
    """Send a case's requests in order; the verdict names the first request that went wrong."""
    variables: dict[str, str] = {}
    for number, template in enumerate(case.requests, 1):
        request = fill_templates(template, variables)
        where = f"request {number}/{len(case.requests)} {request.describe()} (sent to {map_path(request)})"
        try:
            response = run.send(request.method, map_path(request), dict(request.headers), request.body)
        except requests.RequestException as error:
            return Verdict(False, f"{where}: no answer: {error}")
        wrong = check(request.expected, response)
        if wrong:
            return Verdict(False, f"{where}: {wrong}; got {response.status_code}: {excerpt(response)}")
        if request.expected.location_variable:
            variables[request.expected.location_variable] = response.headers["Location"]
    return Verdict(True)


# -- setting up and cleaning up -----------------------------------------------------------------


def graph_store_path(graph: str) -> str:
    """Our Graph Store path for a named graph."""
    return "/graph-store?" + requests.compat.urlencode({"graph": graph})


def load_graph_data(case: Case, run: Run) -> str | None:
    """PUT each ``ut:graphData`` file into its graph as N-Triples; what went wrong, or None."""
    for data in case.graph_data:
        path, body = graph_store_path(data.graph), data.file.read_bytes()
        response = run.send("PUT", path, {"Content-Type": "application/n-triples"}, body)
        if response.status_code not in (200, 201, 204):
            return f"setup: PUT {data.file.name} to {path} got {response.status_code}: {excerpt(response)}"
    return None


def named_graphs(run: Run) -> set[str]:
    """The named graphs with triples, as our /sparql lists them (empty when it cannot say)."""
    try:
        response = run.send(
            "POST",
            "/sparql",
            {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
            b"SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",  # Virtuoso answers DISTINCT slowly
        )
        rows = json.loads(response.content)["results"]["bindings"]
    except (requests.RequestException, ValueError, KeyError):
        return set()
    return {row["g"]["value"] for row in rows}


def delete_graphs(graphs: Iterable[str], run: Run) -> None:
    """DELETE each graph through our Graph Store (a missing graph is fine)."""
    for graph in sorted(graphs):
        with contextlib.suppress(requests.RequestException):
            run.send("DELETE", graph_store_path(graph))
