"""Validating a curator's submission: against the part of the live graph it needs, and against all of it.

For each size, an embedded store is built as ``bd4m-kg init`` builds it (the checkout's ontology,
vocabularies, shapes and records), then seeded synthetic records (bench/generate.py: synthetic,
every name made up) are loaded through the write path (``stage_files`` + ``apply_change``).
The submission is a synthetic project record written here, under
``https://w3id.org/bd4m/id/project/bench-submission``, with no blank nodes: its involvements name five
existing synthetic organisations and one that does not exist, its name is that of an existing
synthetic project (the likely-duplicate warning), its source is text instead of an address and its
period ends before it starts, so the report has violations and warnings to agree on.

- ours: ``validate_against(store, triples)``: one lookup of what the submission links to and of the
  records with its names (``live_context``, also timed on its own: the lookup column), then pySHACL on
  submission + that context. Every call parses the shapes files again (``project_shapes()``; its cost
  is printed below the table); the first call in a store also reads the ontology's superclass
  closure, and it is one of the runs (it is usually the max).
- reference: pySHACL on the whole store plus the submission, through
  ``bd4m_kg.curation.validation.validate(data, context=Graph())`` (the store holds the ontology and the
  vocabularies, so nothing else is added). Only that call is timed; dumping the store and reading it
  into rdflib is the load column.

Both must report the same problems about the submission's own nodes, compared as (severity, focus,
path, value, message) with their counts: the source shape is left out (blank nodes differ between
runs) and a blank-node path (an alternative or inverse path) reads "complex path". When they
differ, what each side alone found is printed and the script exits with status 1.

Goal: at 1M triples, ours under 1 s and at least 100 times faster than pySHACL on the whole graph.

    python bench/validate.py                          # 10k 100k 1M; 5 runs, reference 3 (1 from 1M)
    python bench/validate.py --sizes 10000 --runs 2
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox
import pyshacl
import rdflib

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bd4m_kg.curation.validation import ValidationReport, project_shapes, validate
from bd4m_kg.curation.validation_context import live_context, validate_against
from bd4m_kg.publishing.building import build_store
from bd4m_kg.publishing.changes import apply_change, stage_files
from bd4m_kg.rdf.rdf_io import to_rdflib
from bd4m_kg.store import Store, open_store
from generate import generate

T = TypeVar("T")
Finding = tuple[str, str, str | None, str | None, str]  # severity, focus, path, value, message

SUBMISSION = "https://w3id.org/bd4m/id/project/bench-submission"
MISSING_ORGANISATION = "https://w3id.org/bd4m/id/organisation/bench-no-such-organisation"
ORGANISATIONS = """
SELECT ?o WHERE {
    ?o a <http://www.w3.org/ns/org#Organization> .
    FILTER (STRSTARTS(STR(?o), "https://w3id.org/bd4m/id/organisation/synthetic-org-"))
} LIMIT 5"""
PROJECT_NAME = """
SELECT ?name WHERE {
    <https://w3id.org/bd4m/id/project/synthetic-project-1> <http://www.w3.org/2000/01/rdf-schema#label> ?name
}"""
STORE_SIZE = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
SUBMISSION_TURTLE = """
@prefix bd4m:    <https://w3id.org/bd4m/ontology#> .
@prefix dcat:    <http://www.w3.org/ns/dcat#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov:    <http://www.w3.org/ns/prov#> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
@prefix role:    <https://w3id.org/bd4m/vocab/role/> .
@prefix dst:     <https://w3id.org/bd4m/vocab/data-source-type/> .
@prefix need:    <https://w3id.org/bd4m/vocab/policy-need/> .
@prefix theme:   <https://w3id.org/bd4m/vocab/theme/> .
@prefix country: <https://w3id.org/bd4m/vocab/country/> .
@prefix :        <{project}#> .

<{project}> a bd4m:Project ;
    rdfs:label {name} ;
    dcterms:description "A synthetic benchmark submission: population mapping from satellite imagery."@en ;
    bd4m:policyNeed need:sampling ;
    dcterms:subject theme:population-mapping ;
    dcterms:spatial country:cm ;
    dcterms:temporal :period ;
    bd4m:involvement :lead , :partner-1 , :partner-2 , :partner-3 , :data-holder , :partner-missing ;
    bd4m:usesDataSource :source-satellite ;
    dcterms:source "the project's web page" .

:lead a bd4m:Involvement ; prov:agent {org0} ; prov:hadRole role:lead .
:partner-1 a bd4m:Involvement ; prov:agent {org1} ; prov:hadRole role:partner .
:partner-2 a bd4m:Involvement ; prov:agent {org2} ; prov:hadRole role:partner .
:partner-3 a bd4m:Involvement ; prov:agent {org3} ; prov:hadRole role:partner .
:data-holder a bd4m:Involvement ;
    prov:agent {org4} ; prov:hadRole role:data-holder ; bd4m:dataSource :source-satellite .
:partner-missing a bd4m:Involvement ; prov:agent <{missing}> ; prov:hadRole role:partner .

:source-satellite a bd4m:DataSource ;
    rdfs:label "Synthetic satellite imagery"@en ;
    bd4m:sourceType dst:satellite-imagery ;
    bd4m:heldBy {org4} .

:period a dcterms:PeriodOfTime ;
    dcat:startDate "2023"^^xsd:gYear ;
    dcat:endDate "2021"^^xsd:gYear .
"""


@dataclass(frozen=True)
class Row:
    """The measures of one size (times in milliseconds, except the reference load in seconds)."""

    triples: int
    ours: list[float]
    lookup: list[float]
    reference: list[float]
    reference_load: float
    shapes: float
    same: bool
    findings: Counter[Finding]


def timed(call: Callable[[], T]) -> tuple[T, float]:
    """The result of ``call`` and its wall time in milliseconds."""
    started = time.perf_counter()
    result = call()
    return result, (time.perf_counter() - started) * 1000


def build(size: int, work: Path) -> Store:
    """A store holding the checkout's knowledge files and ``size`` synthetic triples, loaded as a change."""
    path = work / f"synthetic-{size}.nq"
    generate(size, path)
    store = open_store(work / "store")
    build_store(store)
    with store.staging(path.stat().st_size) as staging:
        stage_files(staging, [path])
        apply_change(store, staging, actor="bench", summary="synthetic")
    path.unlink()
    return store


def submission(store: Store) -> list[ox.Triple]:
    """The synthetic submission, linked to organisations of the store and named like one of its projects."""
    organisations = [str(row["o"]) for row in store.select(ORGANISATIONS)]
    if len(organisations) < 5:
        raise SystemExit("the synthetic data has fewer than 5 organisations: use a bigger size")
    name = str(store.select(PROJECT_NAME)[0]["name"])
    text = SUBMISSION_TURTLE.format(
        project=SUBMISSION,
        name=name,
        missing=MISSING_ORGANISATION,
        **{f"org{index}": iri for index, iri in enumerate(organisations)},
    )
    return [quad.triple for quad in ox.parse(text.encode(), format=ox.RdfFormat.TURTLE)]


def run_ours(
    store: Store, triples: list[ox.Triple], runs: int
) -> tuple[list[float], list[float], Counter[Finding]]:
    """Times of ``validate_against`` and of its lookup alone (ms), and the findings (of the last run)."""
    focus = {t.subject.value for t in triples}
    totals: list[float] = []
    lookups: list[float] = []
    findings: Counter[Finding] = Counter()
    for _ in range(runs):
        report, total = timed(lambda: validate_against(store, triples))
        _, lookup = timed(lambda: live_context(store, triples))
        totals.append(total)
        lookups.append(lookup)
        findings = about(report, focus)
    return totals, lookups, findings


def whole_graph(store: Store, triples: list[ox.Triple], work: Path) -> rdflib.Graph:
    """Every triple of the store (graph names dropped) plus the submission, as one rdflib graph."""
    dump = work / "dump.nq"
    with dump.open("wb") as output:
        store.dump_quads(output)
    quads = ox.parse(path=str(dump), format=ox.RdfFormat.N_QUADS)
    data = to_rdflib(quad.triple for quad in quads)
    dump.unlink()
    for triple in to_rdflib(triples):
        data.add(triple)
    return data


def run_reference(data: rdflib.Graph, focus: set[str], runs: int) -> tuple[list[float], Counter[Finding]]:
    """Times (ms) of pySHACL on the whole graph, and what it found (last run) about the submission."""
    times: list[float] = []
    findings: Counter[Finding] = Counter()
    for _ in range(runs):
        report, elapsed = timed(lambda: validate(data, context=rdflib.Graph()))
        times.append(elapsed)
        findings = about(report, focus)
    return times, findings


def about(report: ValidationReport, focus: set[str]) -> Counter[Finding]:
    """The problems about ``focus`` nodes, counted, shapes left out; a blank-node path reads "complex path".

    Paths are IRIs (they contain a colon) unless they are blank nodes, whose labels do not.
    """
    return Counter(
        (
            p.severity,
            p.focus,
            p.path if p.path is None or ":" in p.path else "complex path",
            p.value,
            p.message,
        )
        for p in report.problems
        if p.focus in focus
    )


def shapes_time() -> float:
    """Median milliseconds of ``project_shapes()``, which every validation call runs."""
    return statistics.median(timed(project_shapes)[1] for _ in range(5))


def measure(size: int, runs: int, reference_runs: int) -> Row:
    """Build a store of ``size`` synthetic triples and time both validations on it."""
    with tempfile.TemporaryDirectory(prefix="bd4m-bench-validate-") as folder:
        work = Path(folder)
        store, built = timed(lambda: build(size, work))
        try:
            triples = submission(store)
            stored = int(store.select(STORE_SIZE)[0]["n"].value)
            note(f"{size:,}: {stored:,} triples in the store, built in {built / 1000:.1f} s")
            ours, lookup, our_findings = run_ours(store, triples, runs)
            data, load = timed(lambda: whole_graph(store, triples, work))
        finally:
            store.close()
        note(f"{size:,}: ours {statistics.median(ours):.0f} ms; whole graph read in {load / 1000:.1f} s")
        focus = {t.subject.value for t in triples}
        reference, reference_findings = run_reference(data, focus, reference_runs)
        note(f"{size:,}: reference {statistics.median(reference) / 1000:.1f} s")
    same = our_findings == reference_findings
    if not same:
        report_difference(size, our_findings, reference_findings)
    return Row(stored, ours, lookup, reference, load / 1000, shapes_time(), same, our_findings)


def report_difference(size: int, ours: Counter[Finding], reference: Counter[Finding]) -> None:
    """Print the findings only one side has."""
    print(f"\n{size:,} triples: the results differ", flush=True)
    for name, only in (("only ours", ours - reference), ("only the reference", reference - ours)):
        print(f"  {name}:")
        for finding, count in sorted(only.items(), key=str):
            print(f"    {count} x {finding}")
    print(f"  both: {(ours & reference).total()} problem(s)", flush=True)


def note(text: str) -> None:
    """Progress on stderr, with the wall clock."""
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def machine() -> str:
    """Cores and versions."""
    return (
        f"{os.cpu_count()} cores, Python {platform.python_version()}, pyoxigraph {ox.__version__}, "
        f"pySHACL {pyshacl.__version__}, rdflib {rdflib.__version__}"
    )


def print_table(rows: list[Row]) -> None:
    """The markdown table, the runs of ours, the shapes parse time and the goal."""
    print(f"\nMachine: {machine()}\n")
    print(
        "| triples in store | ours median ms | ours max ms | lookup median ms | reference ms "
        "| reference load s | reference / ours | same results | problems (V / W) |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|:---:|---:|")
    for row in rows:
        ours, reference = statistics.median(row.ours), statistics.median(row.reference)
        problems = row.findings.total()
        violations = sum(count for finding, count in row.findings.items() if finding[0] == "Violation")
        print(
            f"| {row.triples:,} | {ours:,.0f} | {max(row.ours):,.0f} | {statistics.median(row.lookup):,.0f} "
            f"| {reference:,.0f} | {row.reference_load:,.1f} | {reference / ours:,.0f}x "
            f"| {'yes' if row.same else 'NO'} | {problems} ({violations} / {problems - violations}) |"
        )
    print()
    for row in rows:
        ours = ", ".join(f"{t:.0f}" for t in row.ours)
        reference = ", ".join(f"{t:.0f}" for t in row.reference)
        print(f"- {row.triples:,}: each run in ms (first call first): ours {ours}; reference {reference}")
    shapes = statistics.median(row.shapes for row in rows)
    print(f"- every call of ours includes parsing the shapes files (project_shapes()): {shapes:.0f} ms")
    print_goal(rows)


def print_goal(rows: list[Row]) -> None:
    """Whether the goal holds at the largest size of at least 1M triples."""
    large = [row for row in rows if row.triples >= 1_000_000]
    if not large:
        return
    row = large[-1]
    ours, ratio = statistics.median(row.ours), statistics.median(row.reference) / statistics.median(row.ours)
    met = ours < 1000 and ratio >= 100
    print(f"- goal at {row.triples:,} (ours < 1 s, ≥ 100x): {'met' if met else 'missed'}")


def main() -> None:
    """Measure every size, print the table; exit 1 when the two validations disagree."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=5, help="Runs of ours per size.")
    parser.add_argument(
        "--reference-runs", type=int, help="Runs of the reference per size (default: 3, 1 from 1M triples)."
    )
    arguments = parser.parse_args()
    rows = []
    for size in arguments.sizes:
        reference_runs = arguments.reference_runs or (1 if size >= 1_000_000 else 3)
        rows.append(measure(size, arguments.runs, reference_runs))
    print_table(rows)
    if not all(row.same for row in rows):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
