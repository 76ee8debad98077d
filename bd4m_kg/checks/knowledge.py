"""Whole-repository checks of the knowledge files, as ``bd4m-kg check`` runs them."""

from __future__ import annotations

from collections.abc import Callable

from bd4m_kg.checks.ontology import JavaMissingError, check_consistency
from bd4m_kg.curation.validation import validate
from bd4m_kg.layout import knowledge_files, load_graph
from bd4m_kg.rdf.rdf_io import RdfSyntaxError, parse_file


def check_knowledge(reasoner: bool = True, echo: Callable[[str], None] = print) -> bool:
    """Validate ``data/`` against ``shapes/`` and, optionally, run HermiT; True when both pass."""
    try:
        report = validate(load_graph(knowledge_files(parts=("data",))))
    except RdfSyntaxError as error:
        echo(f"unreadable: {error}")
        return False
    for problem in report.problems:
        where = f" {problem.path}" if problem.path else ""
        value = f" = {problem.value}" if problem.value else ""
        echo(f"{problem.severity}: {problem.focus}{where}{value}\n    {problem.message}")
    echo(f"shapes: {len(report.violations)} violations, {len(report.warnings)} warnings")
    if not reasoner:
        return report.conforms
    triples = [t for f in knowledge_files(parts=("ontology", "vocab", "data")) for t in parse_file(f.path)]
    try:
        result = check_consistency(triples)
    except JavaMissingError as error:
        echo(f"reasoner: {error}")
        return False
    echo(
        f"reasoner: {'consistent' if result.consistent else 'INCONSISTENT'}, "
        f"{len(result.unsatisfiable_classes)} unsatisfiable classes, "
        f"{result.triples_checked} triples checked ({result.triples_left_out} date literals left out)"
    )
    for iri in result.unsatisfiable_classes:
        echo(f"    unsatisfiable: {iri}")
    return report.conforms and result.ok
