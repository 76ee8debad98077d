"""Every IRI we publish dereferences, as a harvester walking the dumps meets them: each distinct subject
of the union dump under the base, and every IRI under the base that VoID, DCAT (the SPARQL service
among them) and the change feed name, answers 200 or 303 in HTML, Turtle, JSON-LD and RDF/XML
(following a 303 leads to a 200 in that format)."""

from __future__ import annotations

import gzip

import pyoxigraph as ox
import pytest
import requests

BASE = "https://w3id.org/bd4m/"
ACCEPTS = {
    "text/html": "text/html",
    "text/turtle": "text/turtle",
    "application/ld+json": "application/ld+json",
    "application/rdf+xml": "application/rdf+xml",
}


def ours(statements) -> set[str]:
    """The IRIs under the base a set of statements names, as subject or object, fragments dropped."""
    found = set()
    for statement in statements:
        for term in (statement.subject, statement.object):
            if isinstance(term, ox.NamedNode) and term.value.startswith(BASE):
                found.add(term.value.split("#", 1)[0])
    return found


def walk(session: requests.Session, url: str, iris: set[str]) -> list[str]:
    """Dereference each IRI in each format; what failed, one line each."""
    failed = []
    for iri in sorted(iris):
        for accept, media_type in ACCEPTS.items():
            answer = session.get(f"{url}/{iri.removeprefix(BASE)}", headers={"Accept": accept}, timeout=60)
            served = answer.headers.get("Content-Type", "").split(";")[0]
            if answer.status_code != 200 or (served != media_type and "/dumps/" not in answer.url):
                failed.append(f"{iri} as {accept}: {answer.status_code} {served} {answer.url}")
    return failed


@pytest.fixture(scope="module")
def union_dump_subjects(served) -> set[str]:
    dump = requests.get(f"{served[0]}/dumps/bd4m.nq.gz", timeout=120)
    assert dump.status_code == 200
    quads = ox.parse(gzip.decompress(dump.content), format=ox.RdfFormat.N_QUADS)
    subjects = {
        q.subject.value.split("#", 1)[0]
        for q in quads
        if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(BASE)
    }
    assert len(subjects) > 300
    return subjects


def test_every_subject_of_the_union_dump_dereferences_in_four_formats(served, union_dump_subjects):
    with requests.Session() as session:
        assert walk(session, served[0], union_dump_subjects) == []


@pytest.mark.parametrize("path", ["/.well-known/void", "/catalog", "/changes?format=ttl"])
def test_every_iri_the_metadata_names_dereferences(served, union_dump_subjects, path):
    described = requests.get(f"{served[0]}{path}", headers={"Accept": "text/turtle"}, timeout=60)
    assert described.status_code == 200
    named = ours(ox.parse(described.content, format=ox.RdfFormat.TURTLE)) - union_dump_subjects
    assert named  # the dataset, its distributions, the service, versions: not in the dump
    with requests.Session() as session:
        assert walk(session, served[0], named) == []
