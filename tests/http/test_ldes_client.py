"""The change feed read by the reference LDES client, npm ``ldes-client`` (pinned in
``tests/clients/ldes/package-lock.json``, installed there with ``npm ci`` on first use), run as its
own process by ``tests/clients/ldes/replicate.mjs`` against ``bd4m-kg serve`` (every kind of store).

It replicates the whole stream, and the members it hands over, each version applied in order
(a deletion drops its record), give exactly the graphs of the store's dump. After a publication,
resumed from the state it saved, it picks up exactly the new members and nothing it had already.
Without Node.js and npm the tests skip (and fail on CI, which installs them). Fixture records are
test data."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import subprocess
from pathlib import Path

import pytest
import requests
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from bd4m_kg.rdf.iris import version_of
from conftest import CHECKOUT, require_tool

CLIENT = CHECKOUT / "tests" / "clients" / "ldes"
BASE = "https://w3id.org/bd4m/"
METADATA = f"{BASE}graph/metadata"  # the generation marker: in the store, not a record
TREE_MEMBER = URIRef("https://w3id.org/tree#member")
DELETE = URIRef("https://www.w3.org/ns/activitystreams#Delete")
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


@pytest.fixture(scope="session")
def ldes_client() -> Path:
    """The client installed from the lock file (again only when the lock file changed)."""
    node = require_tool(("node",), "Node.js is not installed: the LDES client test needs Node 20+")
    npm = require_tool(("npm",), "npm is not installed: the LDES client test installs ldes-client with it")
    wanted = hashlib.sha256((CLIENT / "package-lock.json").read_bytes()).hexdigest()
    stamp = CLIENT / "node_modules" / ".installed"
    if not (stamp.exists() and stamp.read_text() == wanted):
        done = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"], cwd=CLIENT, capture_output=True, text=True, timeout=600
        )
        if done.returncode != 0:
            message = (
                f"npm ci of the LDES client failed in {CLIENT}:\n{done.stdout[-2000:]}{done.stderr[-2000:]}"
            )
            if os.environ.get("CI") == "true":
                pytest.fail(message)
            pytest.skip(message)
        stamp.write_text(wanted)
    return Path(node)


def replicate(node: Path, url: str, state: Path, output: Path, polls: int = 0) -> list[dict]:
    """The members the client emits, in the order it emits them."""
    command = [str(node), "replicate.mjs", f"{url}/changes", str(state), str(output)]
    done = subprocess.run(
        command + (["--polls", str(polls)] if polls else []),
        cwd=CLIENT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return [json.loads(line) for line in output.read_text().splitlines()]


def term(value: dict):
    """An rdflib term from the client's JSON (a plain literal is an ``xsd:string`` there)."""
    kind = value["termType"]
    if kind == "NamedNode":
        return URIRef(value["value"])
    if kind == "BlankNode":
        return BNode(value["value"])
    if kind == "Literal":
        plain = value.get("language") or value["datatype"] == XSD_STRING
        return Literal(
            value["value"], lang=value.get("language"), datatype=None if plain else URIRef(value["datatype"])
        )
    return None  # the default graph


def content(member: dict) -> Graph:
    """The member's version of its record: the quads in the graph named after it."""
    graph = Graph()
    for s, p, o, g in member["quads"]:
        if g["value"] == member["id"]:
            graph.add((term(s), term(p), term(o)))
    return graph


def deleted(member: dict) -> bool:
    return any(
        s["value"] == member["id"] and URIRef(p["value"]) == RDF.type and URIRef(o["value"]) == DELETE
        for s, p, o, g in member["quads"]
        if g["termType"] == "DefaultGraph"
    )


def generation(member: dict) -> int:
    return int(re.search(r"/version/(\d+)/", member["id"]).group(1))


def replay(members: list[dict], into: dict[str, Graph]) -> dict[str, Graph]:
    """Apply members in stream order (timestamp, then generation) by the record they are versions of."""
    for member in sorted(members, key=lambda m: (m["timestamp"], generation(m))):
        if deleted(member):
            into.pop(member["isVersionOf"], None)
        else:
            into[member["isVersionOf"]] = content(member)
    return into


def live_records(url: str) -> dict[str, Graph]:
    """The store's graphs now, from its dump, by the record each one is of."""
    dump = Dataset()
    dump.parse(
        data=gzip.decompress(requests.get(f"{url}/dumps/bd4m.nq.gz", timeout=120).content), format="nquads"
    )
    graphs: dict[str, Graph] = {}
    for s, p, o, g in dump.quads():
        if str(g) != METADATA:
            graphs.setdefault(version_of(BASE, str(g)), Graph()).add((s, p, o))
    return graphs


def feed_members(url: str) -> set[str]:
    """Every member IRI the feed lists, page by page."""
    found: set[str] = set()
    number = 0
    while (
        page := requests.get(
            f"{url}/changes/page/{number}", headers={"Accept": "application/n-quads"}, timeout=60
        )
    ).status_code == 200:
        data = Dataset()
        data.parse(data=page.content, format="nquads")
        found |= {str(o) for o in data.default_graph.objects(URIRef(f"{url}/changes"), TREE_MEMBER)}
        number += 1
    return found


def same(left: dict[str, Graph], right: dict[str, Graph]) -> bool:
    return left.keys() == right.keys() and all(isomorphic(left[g], right[g]) for g in left)


def put_record(url: str, token: str, slug: str, label: str) -> None:
    response = requests.put(
        f"{url}/graph-store",
        params={"graph": f"{BASE}graph/organisation/{slug}"},
        data=f'<{BASE}id/organisation/{slug}> <http://www.w3.org/2000/01/rdf-schema#label> "{label}"@en .',
        headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert response.status_code in (201, 204), response.text


def test_the_client_replicates_then_resumes_with_exactly_the_new_members(ldes_client, own_server, tmp_path):
    url, _, token, _ = own_server
    state = tmp_path / "client-state"

    first = replicate(ldes_client, url, state, tmp_path / "first.jsonl")
    ids = [m["id"] for m in first]
    assert len(ids) == len(set(ids)) and set(ids) == feed_members(url)  # every member, once
    harvested = replay(first, {})
    assert same(harvested, live_records(url))

    put_record(url, token, "fixture-ldes-a", "LDES A (test data)")
    put_record(url, token, "fixture-ldes-a", "LDES A, renamed (test data)")
    put_record(url, token, "fixture-ldes-b", "LDES B (test data)")
    gone = requests.delete(
        f"{url}/graph-store",
        params={"graph": f"{BASE}graph/organisation/fixture-ldes-b"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert gone.status_code == 204
    new = feed_members(url) - set(ids)
    assert len(new) == 4

    resumed = replicate(ldes_client, url, state, tmp_path / "resumed.jsonl", polls=2)
    assert sorted(m["id"] for m in resumed) == sorted(new)
    assert same(replay(resumed, harvested), live_records(url))
    assert f"{BASE}id/organisation/fixture-ldes-b" not in harvested
    labels = {str(o) for o in harvested[f"{BASE}id/organisation/fixture-ldes-a"].objects()}
    assert labels == {"LDES A, renamed (test data)"}
