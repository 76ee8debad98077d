"""The change feed: a Linked Data Event Stream (LDES 1.0, TREE) of record-graph versions.

Every committed change adds one member per graph it touched, in order: a version member carries
the graph's whole content at that generation, as quads in a named graph named after the member
(``{base}version/{generation}/{graph path}``), with ``dcterms:isVersionOf`` the record and
``prov:generatedAtTime`` the commit time (which never goes back); a deleted graph gives an
``as:Delete`` member. Members are kept beside the store (the ``feed_members`` table of
``state.sqlite``), never in it; a version's content is copied there only when a later change is
about to replace it (until then the store holds it), so recording a change costs no copy. Pages
hold :data:`PAGE_SIZE` members and link forward on time; a full page that has a next one never
changes.

Every page describes the stream as LDES 1.0 asks: its timestamp and version paths, the shape its
members conform to (given in the page, pointing to the record shapes of ``/shapes``), how often to
poll, and the page as the stream's ``tree:view``; the first page (the root of the view) carries the
retention policy, which keeps every member from the first one on.
"""

from __future__ import annotations

import gzip
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from bd4m_kg.publishing import feed_log
from bd4m_kg.publishing.feed_log import FeedMember
from bd4m_kg.rdf.iris import member_iri, version_of
from bd4m_kg.rdf.rdf_io import as_file
from bd4m_kg.store import Store

PAGE_SIZE = 100
VALUES_LIMIT = 200  # graphs read by one query; more are read from a dump of the store
LDES = "https://w3id.org/ldes#"
TREE = "https://w3id.org/tree#"
PROV = "http://www.w3.org/ns/prov#"
DCTERMS = "http://purl.org/dc/terms/"
AS = "https://www.w3.org/ns/activitystreams#"
SH = "http://www.w3.org/ns/shacl#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
POLLING_INTERVAL = 60  # seconds a client should leave between two runs that look for new members
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
XSD_DATETIME = ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")
INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
XSD_BOOLEAN = ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")
PREFIXES = {"ldes": LDES, "tree": TREE, "prov": PROV, "dcterms": DCTERMS, "as": AS, "sh": SH, "rdfs": RDFS}


def record_members(store: Store, generation: int) -> None:
    """Add the members of a committed generation (call under the writer lock, right after it).

    A member's content is not copied now: the store holds it until a later change replaces the
    graph, and :func:`keep_versions` copies it just before that change is written.
    """
    change = next(iter(store.state.changes(after=generation - 1)), None)
    if change is None or change.generation != generation or not change.graphs:
        return
    if len(change.graphs) > VALUES_LIMIT:
        present = set(store.graph_names())
    else:
        present = {row["g"].value for row in store.select(_present_query(change.graphs))}
    feed_log.add_members(store.state, generation, change.time, {g: g not in present for g in change.graphs})


def keep_versions(store: Store, graphs: Iterable[str]) -> None:
    """Copy the current content of graphs a change is about to write, for their feed members.

    Call under the writer lock, before the write: only graphs whose latest member has no kept
    content are read, so the cost follows the size of the change.
    """
    open_members = feed_log.uncaptured(store.state, graphs)
    if not open_members:
        return
    quads = _graph_quads(store, set(open_members))
    contents = _by_graph(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"")
    feed_log.keep_contents(store.state, {p: contents.get(g, b"") for g, p in open_members.items()})


def _present_query(graphs: Iterable[str]) -> str:
    values = " ".join(f"<{g}>" for g in sorted(graphs))
    return f"SELECT DISTINCT ?g WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}"


def _by_graph(nquads: bytes) -> dict[str, bytes]:
    """N-Quads lines grouped by their graph (the last IRI of each line, which holds no space)."""
    lines: dict[bytes, list[bytes]] = {}
    for line in nquads.splitlines(keepends=True):
        graph = line.rstrip()[:-1].rstrip().rsplit(b" ", 1)[-1]
        lines.setdefault(graph, []).append(line)
    return {graph[1:-1].decode(): b"".join(group) for graph, group in lines.items() if graph.startswith(b"<")}


def record_missing_members(store: Store) -> None:
    """Add members for committed generations the feed lacks (a writer stopped between commit and feed).

    Their content is read as the store is now, which is that generation's state when it was the last.
    """
    last = feed_log.last_member(store.state)
    for change in store.state.changes(after=last.generation if last else 0):
        record_members(store, change.generation)


@dataclass(frozen=True)
class FeedPage:
    """One page of the feed: its quads and whether it will never change."""

    quads: list[ox.Quad]
    immutable: bool


def feed_page(store: Store, number: int, stream: str, page_url: str, shapes: str) -> FeedPage | None:
    """Page ``number`` of the feed (None past the end).

    ``stream``, ``page_url(n)`` and ``shapes`` (where the record shapes are served) are URLs.
    """
    total = feed_log.member_count(store.state)
    if number < 0 or (number * PAGE_SIZE >= total and number > 0):
        return None
    members = feed_log.members(store.state, number * PAGE_SIZE, PAGE_SIZE)
    following = feed_log.members(store.state, (number + 1) * PAGE_SIZE, 1)
    immutable = len(members) == PAGE_SIZE and bool(following)
    node, stream_node = ox.NamedNode(page_url.format(number)), ox.NamedNode(stream)
    quads = _stream_description(stream_node, node, ox.NamedNode(shapes))
    quads.append(ox.Quad(node, RDF_TYPE, ox.NamedNode(f"{TREE}Node")))
    if immutable:
        never_changes = ox.Literal("true", datatype=XSD_BOOLEAN)
        quads.append(ox.Quad(node, ox.NamedNode(f"{LDES}immutable"), never_changes))
    if number == 0:
        first = members[0].time if members else None
        quads += _retention_policy(stream_node, node, first)
    if following:
        relation = ox.BlankNode(f"to-page-{number + 1}")  # a fixed label: the same page, the same bytes
        quads += [
            ox.Quad(node, ox.NamedNode(f"{TREE}relation"), relation),
            ox.Quad(relation, RDF_TYPE, ox.NamedNode(f"{TREE}GreaterThanOrEqualToRelation")),
            ox.Quad(relation, ox.NamedNode(f"{TREE}node"), ox.NamedNode(page_url.format(number + 1))),
            ox.Quad(relation, ox.NamedNode(f"{TREE}path"), ox.NamedNode(f"{PROV}generatedAtTime")),
            ox.Quad(relation, ox.NamedNode(f"{TREE}value"), _time(following[0].time)),
        ]
    for member in members:
        quads += _member(store, stream_node, member)
    return FeedPage(quads, immutable=immutable)


def page_of(position: int) -> int:
    """The page holding the member at ``position``."""
    return position // PAGE_SIZE


def _stream_description(stream: ox.NamedNode, view: ox.NamedNode, shapes: ox.NamedNode) -> list[ox.Quad]:
    """What every page says of the stream.

    Its paths, its members' shape, its polling interval and the page as its view (the root page on
    the first, the page itself on the others, as TREE asks).
    """
    shape = ox.NamedNode(f"{stream.value}#member")

    def term(namespace: str, name: str) -> ox.NamedNode:
        return ox.NamedNode(namespace + name)

    quads = [
        ox.Quad(stream, RDF_TYPE, term(LDES, "EventStream")),
        ox.Quad(stream, term(LDES, "timestampPath"), term(PROV, "generatedAtTime")),
        ox.Quad(stream, term(LDES, "versionOfPath"), term(DCTERMS, "isVersionOf")),
        ox.Quad(stream, term(LDES, "versionDeleteObject"), term(AS, "Delete")),
        ox.Quad(stream, term(LDES, "pollingInterval"), ox.Literal(str(POLLING_INTERVAL), datatype=INTEGER)),
        ox.Quad(stream, term(TREE, "shape"), shape),
        ox.Quad(stream, term(TREE, "view"), view),
        ox.Quad(shape, RDF_TYPE, term(SH, "NodeShape")),
        ox.Quad(
            shape,
            term(RDFS, "comment"),
            ox.Literal(
                "A member is a version of a record's graph (its content in the named graph named after "
                "the member) or, typed as:Delete, its deletion. Record graphs are checked against the "
                "record shapes before they are published.",
                language="en",
            ),
        ),
        ox.Quad(shape, term(RDFS, "seeAlso"), shapes),
    ]
    for name, path, constraint, value in (
        ("version-of", term(DCTERMS, "isVersionOf"), term(SH, "nodeKind"), term(SH, "IRI")),
        ("time", term(PROV, "generatedAtTime"), term(SH, "datatype"), XSD_DATETIME),
    ):
        prop = ox.BlankNode(f"member-{name}")  # fixed labels: the same page, the same bytes
        one = ox.Literal("1", datatype=INTEGER)
        quads += [
            ox.Quad(shape, term(SH, "property"), prop),
            ox.Quad(prop, term(SH, "path"), path),
            ox.Quad(prop, constraint, value),
            ox.Quad(prop, term(SH, "minCount"), one),
            ox.Quad(prop, term(SH, "maxCount"), one),
        ]
    return quads


def _retention_policy(stream: ox.NamedNode, root: ox.NamedNode, first: str | None) -> list[ox.Quad]:
    """The root page's retention policy: every member is kept, from the first one on."""
    policy = ox.NamedNode(f"{stream.value}#retention")
    quads = [
        ox.Quad(root, ox.NamedNode(f"{LDES}retentionPolicy"), policy),
        ox.Quad(policy, RDF_TYPE, ox.NamedNode(f"{LDES}RetentionPolicy")),
        ox.Quad(
            policy,
            ox.NamedNode(f"{RDFS}comment"),
            ox.Literal("Every member is kept: no version or deletion is ever removed.", language="en"),
        ),
    ]
    if first is not None:
        quads.append(ox.Quad(policy, ox.NamedNode(f"{LDES}startingFrom"), _time(first)))
    return quads


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
    content = ox.parse(_member_content(store, member), ox.RdfFormat.N_QUADS)
    return quads + [ox.Quad(q.subject, q.predicate, q.object, iri) for q in content]


def _member_content(store: Store, member: FeedMember) -> bytes:
    """A version's N-Quads: kept ones from the feed table, the current one from the store.

    Read from the store, the content is right if the graph's last change is still this member's
    generation afterwards; otherwise a later change kept it in the table before writing.
    """
    if member.content is not None:
        return member.content
    current = ox.serialize(_graph_quads(store, {member.graph}), format=ox.RdfFormat.N_QUADS) or b""
    latest = store.state.graph_versions({member.graph}).get(member.graph)
    if latest is not None and latest.generation == member.generation:
        return current
    return feed_log.member_content(store.state, member.position) or b""


def _time(value: str) -> ox.Literal:
    return ox.Literal(value, datatype=XSD_DATETIME)


def _graph_quads(store: Store, graphs: set[str]) -> list[ox.Quad]:
    """The quads of these graphs as the store holds them now."""
    if len(graphs) <= VALUES_LIMIT:
        values = " ".join(f"<{g}>" for g in sorted(graphs))
        query = f"SELECT ?g ?s ?p ?o WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}"
        rows = store.select(query)
        return [ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows]
    wanted = {ox.NamedNode(g) for g in graphs}
    with tempfile.TemporaryFile() as dump:
        with gzip.GzipFile(fileobj=dump, mode="wb") as packed:
            store.dump_quads(as_file(packed))
        dump.seek(0)
        with gzip.GzipFile(fileobj=dump, mode="rb") as unpacked:
            return [q for q in ox.parse(as_file(unpacked), ox.RdfFormat.N_QUADS) if q.graph_name in wanted]
