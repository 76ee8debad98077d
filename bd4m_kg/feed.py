"""The change feed: a Linked Data Event Stream (LDES 1.0, TREE) of record-graph versions.

Every committed change adds one member per graph it touched, in order: a version member carries
the graph's whole content at that generation, as quads in a named graph named after the member
(``{base}version/{generation}/{graph path}``), with ``dcterms:isVersionOf`` the record and
``prov:generatedAtTime`` the commit time (which never goes back); a deleted graph gives an
``as:Delete`` member. Members are kept beside the store (the ``feed_members`` table of
``state.sqlite``), never in it. Pages hold :data:`PAGE_SIZE` members and
link forward on time; a full page that has a next one never changes.
"""

from __future__ import annotations

import gzip
import tempfile
from dataclasses import dataclass

import pyoxigraph as ox

from bd4m_kg.store import Store
from bd4m_kg.store.state import FeedMember

PAGE_SIZE = 100
VALUES_LIMIT = 200  # graphs read by one query; more are read from a dump of the store
LDES = "https://w3id.org/ldes#"
TREE = "https://w3id.org/tree#"
PROV = "http://www.w3.org/ns/prov#"
DCTERMS = "http://purl.org/dc/terms/"
AS = "https://www.w3.org/ns/activitystreams#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
XSD_DATETIME = ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")
PREFIXES = {"ldes": LDES, "tree": TREE, "prov": PROV, "dcterms": DCTERMS, "as": AS}


def record_members(store: Store, generation: int) -> None:
    """Add the members of a committed generation (call under the writer lock, right after it)."""
    change = next(iter(store.state.changes(after=generation - 1)), None)
    if change is None or change.generation != generation or not change.graphs:
        return
    by_graph: dict[str, list[ox.Quad]] = {}
    for quad in _graph_quads(store, set(change.graphs)):
        graph = quad.graph_name.value  # type: ignore[union-attr]
        member = ox.NamedNode(member_iri(store.base, generation, graph))
        by_graph.setdefault(graph, []).append(ox.Quad(quad.subject, quad.predicate, quad.object, member))
    contents = {
        graph: ox.serialize(by_graph[graph], format=ox.RdfFormat.N_QUADS) if graph in by_graph else None
        for graph in change.graphs
    }
    store.state.add_members(generation, change.time, contents)  # type: ignore[arg-type]


def record_missing_members(store: Store) -> None:
    """Add members for committed generations the feed lacks (a writer stopped between commit and feed).

    Their content is read as the store is now, which is that generation's state when it was the last.
    """
    last = store.state.last_member()
    for change in store.state.changes(after=last.generation if last else 0):
        record_members(store, change.generation)


def member_iri(base: str, generation: int, graph: str) -> str:
    """The IRI of a member: ``{base}version/{generation}/{graph path below graph/}``.

    >>> member_iri("https://w3id.org/bd4m/", 7, "https://w3id.org/bd4m/graph/project/x")
    'https://w3id.org/bd4m/version/7/project/x'
    """
    return f"{base}version/{generation}/{graph.removeprefix(f'{base}graph/')}"


def version_of(base: str, graph: str) -> str:
    """What a graph is the record of: ``graph/{kind}/{slug}`` → ``id/{kind}/{slug}`` and so on.

    >>> version_of("https://w3id.org/bd4m/", "https://w3id.org/bd4m/graph/vocab/theme")
    'https://w3id.org/bd4m/vocab/theme'
    """
    path = graph.removeprefix(f"{base}graph/")
    if path.startswith("vocab/") or path == "ontology":
        return f"{base}{path}"
    if path.startswith(("project/", "organisation/", "collaborative/", "catalogue/")):
        return f"{base}id/{path}"
    return graph


@dataclass(frozen=True)
class FeedPage:
    """One page of the feed: its quads and whether it will never change."""

    quads: list[ox.Quad]
    immutable: bool


def feed_page(store: Store, number: int, stream: str, page_url: str) -> FeedPage | None:
    """Page ``number`` of the feed (None past the end). ``stream`` and ``page_url(n)`` are URLs."""
    total = store.state.member_count()
    if number < 0 or (number * PAGE_SIZE >= total and number > 0):
        return None
    members = store.state.members(number * PAGE_SIZE, PAGE_SIZE)
    following = store.state.members((number + 1) * PAGE_SIZE, 1)
    node, stream_node = ox.NamedNode(page_url.format(number)), ox.NamedNode(stream)
    quads = _stream_description(stream_node, ox.NamedNode(page_url.format(0)))
    quads.append(ox.Quad(node, RDF_TYPE, ox.NamedNode(f"{TREE}Node")))
    if following:
        relation = ox.BlankNode()
        quads += [
            ox.Quad(node, ox.NamedNode(f"{TREE}relation"), relation),
            ox.Quad(relation, RDF_TYPE, ox.NamedNode(f"{TREE}GreaterThanOrEqualToRelation")),
            ox.Quad(relation, ox.NamedNode(f"{TREE}node"), ox.NamedNode(page_url.format(number + 1))),
            ox.Quad(relation, ox.NamedNode(f"{TREE}path"), ox.NamedNode(f"{PROV}generatedAtTime")),
            ox.Quad(relation, ox.NamedNode(f"{TREE}value"), _time(following[0].time)),
        ]
    for member in members:
        quads += _member(store, stream_node, member)
    return FeedPage(quads, immutable=len(members) == PAGE_SIZE and bool(following))


def page_of(position: int) -> int:
    """The page holding the member at ``position``."""
    return position // PAGE_SIZE


def _stream_description(stream: ox.NamedNode, first_page: ox.NamedNode) -> list[ox.Quad]:
    return [
        ox.Quad(stream, RDF_TYPE, ox.NamedNode(f"{LDES}EventStream")),
        ox.Quad(stream, ox.NamedNode(f"{LDES}timestampPath"), ox.NamedNode(f"{PROV}generatedAtTime")),
        ox.Quad(stream, ox.NamedNode(f"{LDES}versionOfPath"), ox.NamedNode(f"{DCTERMS}isVersionOf")),
        ox.Quad(stream, ox.NamedNode(f"{LDES}versionDeleteObject"), ox.NamedNode(f"{AS}Delete")),
        ox.Quad(stream, ox.NamedNode(f"{TREE}view"), first_page),
    ]


def _member(store: Store, stream: ox.NamedNode, member: FeedMember) -> list[ox.Quad]:
    iri = ox.NamedNode(member_iri(store.base, member.generation, member.graph))
    record = ox.NamedNode(version_of(store.base, member.graph))
    quads = [
        ox.Quad(stream, ox.NamedNode(f"{TREE}member"), iri),
        ox.Quad(iri, ox.NamedNode(f"{DCTERMS}isVersionOf"), record),
        ox.Quad(iri, ox.NamedNode(f"{PROV}generatedAtTime"), _time(member.time)),
    ]
    if member.deleted:
        quads.append(ox.Quad(iri, RDF_TYPE, ox.NamedNode(f"{AS}Delete")))
        return quads
    return quads + list(ox.parse(member.content, ox.RdfFormat.N_QUADS))


def _time(value: str) -> ox.Literal:
    return ox.Literal(value, datatype=XSD_DATETIME)


def _graph_quads(store: Store, graphs: set[str]) -> list[ox.Quad]:
    """The quads of these graphs as the store holds them now."""
    if len(graphs) <= VALUES_LIMIT:
        values = " ".join(f"<{g}>" for g in sorted(graphs))
        query = f"SELECT ?g ?s ?p ?o WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}"
        rows = store.select(query)
        return [ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows]
    with tempfile.TemporaryFile() as dump:
        with gzip.GzipFile(fileobj=dump, mode="wb") as packed:
            store.dump_quads(packed)
        dump.seek(0)
        with gzip.GzipFile(fileobj=dump, mode="rb") as unpacked:
            return [q for q in ox.parse(unpacked, ox.RdfFormat.N_QUADS) if q.graph_name.value in graphs]  # type: ignore[union-attr]
