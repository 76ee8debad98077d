"""Validate RDF against the SHACL shapes, with the ontology and vocabularies as context.

The data graph pySHACL sees is the data plus the ontology (so ``sh:class`` follows
``rdfs:subClassOf``) plus the vocabularies (so concept membership can be checked). Each
validation gets its own copy of the shapes graph.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pyshacl
from pyshacl.errors import ConstraintLoadError, ReportableRuntimeError, ShapeLoadError
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, SKOS
from rdflib.term import Node

from bd4m_kg.layout import knowledge_files, load_graph
from bd4m_kg.rdf.formats import rdf_format_for_path
from bd4m_kg.rdf.rdf_io import RdfSyntaxError, located_error, to_rdflib


@dataclass(frozen=True)
class Problem:
    """One validation result, in the words a curator reads."""

    severity: str  # "Violation", "Warning" or "Info"
    focus: str
    path: str | None
    value: str | None
    message: str
    shape: str


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of a validation: whether the data conforms (warnings allowed) and every problem."""

    conforms: bool
    problems: list[Problem]
    graph: Graph

    @property
    def violations(self) -> list[Problem]:
        """The problems that make the data not conform."""
        return [p for p in self.problems if p.severity == "Violation"]

    @property
    def warnings(self) -> list[Problem]:
        """Recommended fields that are missing or doubtful, which do not block publication."""
        return [p for p in self.problems if p.severity == "Warning"]


def project_shapes() -> Graph:
    """The shapes of ``shapes/``."""
    return load_graph(knowledge_files(parts=("shapes",)))


def project_context() -> Graph:
    """The ontology and every vocabulary: what data is validated against besides the shapes."""
    return load_graph(knowledge_files(parts=("ontology", "vocab")))


LOOKUP_PREDICATES = (RDF.type, RDFS.label, SKOS.prefLabel, SKOS.inScheme)
NAME_PREDICATES = (RDFS.label, SKOS.prefLabel)


def directory_context(data: Graph) -> Graph:
    """The ontology, the vocabularies and what ``data`` needs of the directory's records as shipped.

    That is, for every IRI ``data`` links to but does not describe, its types, labels and
    scheme; for every name it gives, the other records with that name and their types (the
    same part a live store supplies, read from ``data/``). Nodes ``data`` describes are left out,
    so a record's own old version neither hides it nor repeats its name.
    """
    described = set(data.subjects())
    linked = {o for o in data.objects() if isinstance(o, URIRef)} - described
    names = {o for p in NAME_PREDICATES for o in data.objects(None, p)}
    records = load_graph(knowledge_files(parts=("data",)))
    context = project_context()
    for subject in linked:
        for predicate in LOOKUP_PREDICATES:
            context += ((subject, predicate, o) for o in records.objects(subject, predicate))
    for name in names:
        for predicate in NAME_PREDICATES:
            for other in set(records.subjects(predicate, name)) - described:
                context.add((other, predicate, name))
                context += ((other, RDF.type, t) for t in records.objects(other, RDF.type))
    return context


UNIQUE_LANG = ox.NamedNode("http://www.w3.org/ns/shacl#uniqueLang")
XSD_BOOLEAN = ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")


class ShapesError(ValueError):
    """Shapes that are not well-formed SHACL: nothing was validated; the message says what is wrong."""


def validate_with(data: Graph, shapes: Graph) -> ValidationReport:
    """Validate any data against any shapes, as the SHACL recommendation says.

    Any result, of any severity, means the data does not conform. Ill-formed shapes raise
    :class:`ShapesError` and nothing is reported.
    """
    try:
        conforms, report, _ = pyshacl.validate(
            data, shacl_graph=shapes, inference="none", allow_warnings=False, advanced=True
        )
    except (ShapeLoadError, ConstraintLoadError, ReportableRuntimeError) as error:
        raise ShapesError(f"the shapes are not well-formed SHACL: {error}") from error
    return ValidationReport(bool(conforms), sorted(_problems(report), key=_order), report)


def read_shapes(path: Path) -> Graph:
    """A shapes file parsed by pyoxigraph, with ``sh:uniqueLang`` kept only where it is ``true``.

    SHACL activates that constraint for the literal ``true`` alone; pySHACL would also take
    ``"1"^^xsd:boolean`` (and rdflib turns it into ``true`` while reading), so it is dropped here.
    """
    rdf_format = rdf_format_for_path(path).format
    try:
        quads = list(ox.parse(path=str(path), format=rdf_format, base_iri=path.resolve().as_uri()))
    except SyntaxError as error:
        raise RdfSyntaxError(f"{path}: {located_error(error, path)}") from error
    return to_rdflib(q.triple for q in quads if not _inactive_unique_lang(q))


def _inactive_unique_lang(quad: ox.Quad) -> bool:
    return quad.predicate == UNIQUE_LANG and quad.object != ox.Literal("true", datatype=XSD_BOOLEAN)


def validate(
    data: Graph, shapes: Graph | None = None, context: Graph | None = None, focus: set[Node] | None = None
) -> ValidationReport:
    """Validate ``data`` against ``shapes`` (default: the project's) with ``context`` mixed in.

    ``context`` defaults to the ontology and vocabulary files. With ``focus``, only results about
    those nodes are reported (and decide conformance): the rest of the data graph is context.
    """
    shapes = shapes if shapes is not None else project_shapes()
    context = context if context is not None else project_context()
    conforms, report, _ = pyshacl.validate(
        data + context,
        shacl_graph=shapes,
        inference="none",
        allow_warnings=True,
        advanced=True,
    )
    if focus is not None:
        conforms = _keep_only(report, focus)
    return ValidationReport(bool(conforms), sorted(_problems(report), key=_order), report)


def _keep_only(report: Graph, focus: set[Node]) -> bool:
    """Drop the results about nodes outside ``focus`` from ``report``; whether no violation is left."""
    root = report.value(predicate=RDF.type, object=SH.ValidationReport)
    assert root is not None, "pySHACL always writes a report node"
    for result in list(report.objects(root, SH.result)):
        if report.value(result, SH.focusNode) not in focus:
            report.remove((root, SH.result, result))
            for triple in list(report.cbd(result)):
                report.remove(triple)
    conforms = not any(
        report.value(r, SH.resultSeverity) == SH.Violation for r in report.objects(root, SH.result)
    )
    report.set((root, SH.conforms, Literal(conforms)))
    return conforms


def _problems(report: Graph) -> list[Problem]:
    return [_problem(report, result) for result in report.subjects(RDF.type, SH.ValidationResult)]


def _problem(report: Graph, result: Node) -> Problem:
    def value(predicate: URIRef) -> str | None:
        found = report.value(result, predicate)
        return None if found is None else str(found)

    messages = [str(m) for m in report.objects(result, SH.resultMessage) if isinstance(m, Literal)]
    return Problem(
        severity=(value(SH.resultSeverity) or str(SH.Violation)).removeprefix(str(SH)),
        focus=value(SH.focusNode) or "",
        path=value(SH.resultPath),
        value=value(SH.value),
        message=messages[0] if messages else "",
        shape=value(SH.sourceShape) or "",
    )


def _order(problem: Problem) -> tuple[str, str, str]:
    return (problem.focus, problem.severity, problem.path or "")
