"""The W3C SHACL Core test suite (../shared/testsuites/shacl-core/, not copied here) through our
validation entry point as the CLI uses it: files parsed by pyoxigraph, converted for pySHACL,
validated by ``validate_with``. Each test compares ``sh:conforms`` and the results (focus node,
path, value, severity, constraint component, source shape) with the expected report; a
``sht:Failure`` test expects the shapes to be refused."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH

from bd4m_kg.curation.validation import ShapesError, read_shapes, validate_with
from bd4m_kg.rdf.rdf_io import read_rdf
from conftest import CHECKOUT, require_shared

SUITE = CHECKOUT.parent / "shared" / "testsuites" / "shacl-core" / "core"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")
EXPECTED_TESTS = 98


def suite_entries() -> list[tuple[str, Path, Graph, URIRef]]:
    """(name, file, manifest graph, entry) for every test, following mf:include from core/."""
    if not SUITE.exists():
        return []
    entries, pending, seen = [], [SUITE / "manifest.ttl"], set()
    while pending:
        manifest = pending.pop(0)
        if manifest in seen:
            continue
        seen.add(manifest)
        graph = read_rdf(manifest)
        root = URIRef(manifest.resolve().as_uri())
        pending += [Path(str(i).removeprefix("file://")) for i in graph.objects(root, MF.include)]
        for listed in graph.objects(root, MF.entries):
            for entry in Collection(graph, listed):
                entries.append(
                    (f"{manifest.parent.name}/{str(entry).rsplit('/', 1)[-1]}", manifest, graph, entry)
                )
    return entries


ENTRIES = suite_entries()


def result_keys(report: Graph, root: object) -> Counter:
    """The results of a report as comparable keys (blank-node shapes and values compare as equal)."""

    def key(node: object) -> object:
        if node is None or isinstance(node, URIRef | Literal):
            return None if node is None else node.n3()
        if (node, RDF.first, None) in report:
            return tuple(key(item) for item in Collection(report, node))
        steps = sorted((p.n3(), key(o)) for p, o in report.predicate_objects(node) if p != RDF.type)
        return ("path", tuple(steps)) if steps else "_:b"

    keys: Counter = Counter()
    for result in report.objects(root, SH.result):
        keys[
            (
                key(report.value(result, SH.focusNode)),
                key(report.value(result, SH.resultPath)),
                key(report.value(result, SH.value))
                if not isinstance(report.value(result, SH.value), BNode)
                else "_:b",
                key(report.value(result, SH.resultSeverity)),
                key(report.value(result, SH.sourceConstraintComponent)),
                key(report.value(result, SH.sourceShape))
                if isinstance(report.value(result, SH.sourceShape), URIRef)
                else "_:b",
            )
        ] += 1
    return keys


def test_the_whole_core_suite_is_there():
    require_shared(SUITE, "The W3C SHACL Core suite (../shared/testsuites/shacl-core)")
    assert len(ENTRIES) >= EXPECTED_TESTS, (
        f"only {len(ENTRIES)} of the suite's {EXPECTED_TESTS} cases were found"
    )


@pytest.mark.parametrize(
    ("name", "manifest", "graph", "entry"),
    ENTRIES or [pytest.param(None, None, None, None, id="suite-missing")],
    ids=[e[0] for e in ENTRIES] or None,
)
def test_shacl_core(name, manifest, graph, entry):
    require_shared(SUITE, "The W3C SHACL Core suite (../shared/testsuites/shacl-core)")
    action = graph.value(entry, MF.action)
    data = read_rdf(Path(str(graph.value(action, SHT.dataGraph)).removeprefix("file://")))
    shapes = read_shapes(Path(str(graph.value(action, SHT.shapesGraph)).removeprefix("file://")))
    expected = graph.value(entry, MF.result)
    if expected == SHT.Failure:
        with pytest.raises(ShapesError):
            validate_with(data, shapes)
        return
    report = validate_with(data, shapes)
    assert report.conforms == graph.value(expected, SH.conforms).toPython(), name
    actual_root = next(report.graph.subjects(RDF.type, SH.ValidationReport))
    assert result_keys(report.graph, actual_root) == result_keys(graph, expected), name
