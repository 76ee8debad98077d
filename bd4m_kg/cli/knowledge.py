"""``check`` and ``validate``: the knowledge files against their shapes and the reasoner."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bd4m_kg.cli.app import main
from bd4m_kg.cli.common import connect, fail
from bd4m_kg.store import (
    StoreError,
)


@main.command()
@click.option("--no-reasoner", is_flag=True, help="Skip the HermiT consistency check (it needs Java).")
def check(no_reasoner: bool) -> None:
    """Check the knowledge files: SHACL shapes over data/, then HermiT over ontology + data.

    Prints every problem with the record it concerns; exits 1 when a shape is violated or the
    ontology and data are inconsistent, 0 otherwise (warnings do not fail the check).
    """
    from bd4m_kg.checks.knowledge import check_knowledge

    ok = check_knowledge(reasoner=not no_reasoner, echo=click.echo)
    sys.exit(0 if ok else 1)


@main.command()
@click.option(
    "--shapes",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Validate against this SHACL file instead of the directory's shapes (any data, any shapes).",
)
@click.option(
    "--against",
    metavar="STORE",
    help="Check references and duplicates against this store's live graph (folder or server URL).",
)
@click.option(
    "--state",
    envvar="BD4M_STATE",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where a remote store given to --against keeps its change log.",
)
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "turtle", "json"]),
    default="text",
    show_default=True,
    help="text: problems by record with file and line; turtle: the sh:ValidationReport; json.",
)
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
def validate(
    shapes: Path | None, against: str | None, state: Path | None, output: str, files: tuple[Path, ...]
) -> None:
    """Validate RDF files (Turtle, N-Triples, RDF/XML, JSON-LD) against SHACL shapes.

    Without --shapes the directory's shapes are used, with the ontology, the vocabularies and
    the directory's records (as shipped, or $BD4M_HOME's) as context: what the records link to
    must exist there, with the right class; warnings do not fail. With --against, the context
    is the live graph of a store instead. With --shapes it is a general SHACL validator.

    \b
    Exit codes: 0 conforms, 1 does not, 2 unreadable input, ill-formed shapes or no store.
    Examples: bd4m-kg validate data/project/project-jetson.ttl
              bd4m-kg validate --against var/store new-project.ttl
    """
    from bd4m_kg.curation.problem_report import as_json, as_text, locate
    from bd4m_kg.curation.validation import ShapesError, directory_context, read_shapes, validate_with
    from bd4m_kg.curation.validation import validate as validate_project
    from bd4m_kg.rdf.formats import UnknownFormatError
    from bd4m_kg.rdf.rdf_io import RdfSyntaxError, read_triples, to_rdflib

    if shapes and against:
        fail("--shapes and --against do not go together: --against validates with the directory's shapes")
    try:
        triples = [t for path in files for t in read_triples(path)]
        if against:
            from bd4m_kg.curation.validation_context import validate_against
            from bd4m_kg.store import is_remote

            if not is_remote(against) and not (Path(against) / "state.sqlite").is_file():
                fail(f"there is no store at {against}: give the folder of an existing store or a server URL")
            with connect(against, state) as store:
                report = validate_against(store, triples)
        elif shapes:
            report = validate_with(to_rdflib(triples), read_shapes(shapes))
        else:
            data = to_rdflib(triples)
            report = validate_project(data, context=directory_context(data), focus=set(data.subjects()))
    except (RdfSyntaxError, ShapesError, StoreError, UnknownFormatError) as error:
        fail(str(error))
    if output == "turtle":
        click.echo(report.graph.serialize(format="turtle"))
    elif output == "json":
        click.echo(as_json(report.conforms, locate(report, list(files))))
    else:
        click.echo(as_text(report.conforms, locate(report, list(files))))
    sys.exit(0 if report.conforms else 1)
