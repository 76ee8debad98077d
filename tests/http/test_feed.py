"""The change feed on ``bd4m-kg serve`` (both kinds of store), after real writes through the Graph
Store Protocol: replaying every member from the first page rebuilds the live graph exactly, and
so does a dump plus the members after the one it names. Fixture records are test data."""

from __future__ import annotations

import gzip
import re

import pytest
import requests
from rdflib import Dataset, Graph, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS

BASE = "https://w3id.org/bd4m/"
LDES = Namespace("https://w3id.org/ldes#")
TREE = Namespace("https://w3id.org/tree#")
DELETE = URIRef("https://www.w3.org/ns/activitystreams#Delete")
METADATA = f"{BASE}graph/metadata"  # the generation marker: in the store, not a record


def put_fixture(url: str, token: str, slug: str, label: str) -> None:
    response = requests.put(
        f"{url}/graph-store",
        params={"graph": f"{BASE}graph/organisation/{slug}"},
        data=f'<{BASE}id/organisation/{slug}> <http://www.w3.org/2000/01/rdf-schema#label> "{label}"@en .',
        headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert response.status_code in (201, 204), response.text


@pytest.fixture(scope="module")
def changed(own_server) -> str:
    """The served store after a create, an update, a second create and a delete."""
    url, _, token, _ = own_server
    put_fixture(url, token, "fixture-feed-a", "Feed A (test data)")
    put_fixture(url, token, "fixture-feed-a", "Feed A, renamed (test data)")
    put_fixture(url, token, "fixture-feed-b", "Feed B (test data)")
    gone = requests.delete(
        f"{url}/graph-store",
        params={"graph": f"{BASE}graph/organisation/fixture-feed-b"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert gone.status_code == 204
    return url


def read_page(url: str) -> Dataset:
    response = requests.get(url, headers={"Accept": "application/trig"}, timeout=60)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("application/trig")
    page = Dataset()
    page.parse(data=response.content, format="trig", publicID=url)
    return page


def members_from(url: str, first_page: str) -> list[tuple[URIRef, URIRef, bool, Graph, str]]:
    """Every member from ``first_page`` on, in order: (member, record, deleted, content, time)."""
    members, page_url = [], first_page
    while page_url:
        page = read_page(page_url)
        default = page.default_graph
        stream = URIRef(f"{url}/changes")
        ordered = sorted(default.objects(stream, TREE.member), key=lambda m: (generation(m), str(m)))
        for member in ordered:
            content = Graph()
            for s, p, o in page.graph(member):
                content.add((s, p, o))
            record = default.value(member, DCTERMS.isVersionOf)
            deleted = (member, RDF.type, DELETE) in default
            members.append(
                (member, record, deleted, content, str(default.value(member, PROV.generatedAtTime)))
            )
        node = URIRef(page_url)
        nexts = [default.value(r, TREE.node) for r in default.objects(node, TREE.relation)]
        page_url = str(nexts[0]) if nexts else None
    return members


def generation(member: URIRef) -> int:
    return int(re.search(r"/version/(\d+)/", str(member)).group(1))


def graph_of(member: URIRef) -> str:
    """The record graph a member is a version of (``version/{gen}/{path}`` → ``graph/{path}``)."""
    return re.sub(r"^(.*?/)version/\d+/", r"\1graph/", str(member))


def replay(members, into: dict[str, Graph]) -> dict[str, Graph]:
    for member, _, deleted, content, _ in members:
        if deleted:
            into.pop(graph_of(member), None)
        else:
            into[graph_of(member)] = content
    return into


def live_graphs(url: str) -> dict[str, Graph]:
    """The record graphs of the store now, from its current dump."""
    return graphs_of(gzip.decompress(requests.get(f"{url}/dumps/bd4m.nq.gz", timeout=120).content))


def graphs_of(nquads: bytes) -> dict[str, Graph]:
    dump = Dataset()
    dump.parse(data=nquads, format="nquads")
    graphs: dict[str, Graph] = {}
    for s, p, o, g in dump.quads():
        if str(g) != METADATA:
            graphs.setdefault(str(g), Graph()).add((s, p, o))
    return graphs


def same(left: dict[str, Graph], right: dict[str, Graph]) -> bool:
    return left.keys() == right.keys() and all(isomorphic(left[g], right[g]) for g in left)


def test_the_stream_declares_its_paths_and_view(changed):
    root = read_page(f"{changed}/changes").default_graph
    stream = URIRef(f"{changed}/changes")
    assert root.value(stream, RDF.type) == LDES.EventStream
    assert root.value(stream, LDES.timestampPath) == PROV.generatedAtTime
    assert root.value(stream, LDES.versionOfPath) == DCTERMS.isVersionOf
    assert root.value(stream, TREE.view) == URIRef(f"{changed}/changes/page/0")


def test_replaying_every_member_rebuilds_the_live_graph(changed):
    members = members_from(changed, f"{changed}/changes/page/0")
    last_four = members[-4:]
    assert [str(m[1]) for m in last_four] == [f"{BASE}id/organisation/fixture-feed-{x}" for x in "aabb"]
    assert [m[2] for m in last_four] == [False, False, False, True]
    labels = [{str(o) for o in m[3].objects(None, RDFS.label)} for m in last_four[:2]]
    assert labels == [{"Feed A (test data)"}, {"Feed A, renamed (test data)"}]  # each version as it was
    times = [m[4] for m in members]
    assert times == sorted(times)  # timestamps never go back
    assert same(replay(members, {}), live_graphs(changed))


def test_a_dump_then_the_members_after_the_one_it_names_give_the_live_graph(changed, own_server):
    dump = gzip.decompress(requests.get(f"{changed}/dumps/bd4m.nq.gz", timeout=120).content)
    named = re.search(r"Last change-feed member included: <([^>]+)>,\n# on page <([^>]+)>", dump.decode())
    assert named is not None
    harvested = graphs_of(dump)
    put_fixture(changed, own_server[2], "fixture-feed-c", "Feed C (test data)")  # a change after the dump
    members = members_from(changed, named.group(2).replace(BASE, f"{changed}/"))
    after = members[[str(m[0]) for m in members].index(named.group(1)) + 1 :]
    assert [str(m[1]) for m in after] == [f"{BASE}id/organisation/fixture-feed-c"]
    assert same(replay(after, harvested), live_graphs(changed))


def test_old_pages_are_immutable_and_the_newest_is_not(changed):
    first = requests.get(f"{changed}/changes/page/0", timeout=30)
    assert "immutable" in first.headers["Cache-Control"]
    pages = 0
    while requests.get(f"{changed}/changes/page/{pages + 1}", timeout=30).status_code == 200:
        pages += 1
    newest = requests.get(f"{changed}/changes/page/{pages}", timeout=30)
    assert (
        "immutable" not in newest.headers["Cache-Control"] and "max-age=5" in newest.headers["Cache-Control"]
    )
    assert requests.get(f"{changed}/changes/page/{pages + 1}", timeout=30).status_code == 404
