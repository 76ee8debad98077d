"""The ``bd4m-kg`` command line: each command wraps one core function.

Exit codes: 0 ok, 1 the knowledge does not pass a check, 2 usage or unreadable input.
"""

from __future__ import annotations

import sys

import click

from bd4m_kg import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="bd4m-kg")
def main() -> None:
    """Publish the Big Data for Migration Alliance's Data Innovation Directory as a knowledge graph.

    The knowledge lives in files: ontology/ (OWL and SKOS vocabularies), shapes/ (SHACL),
    data/ (one Turtle file per project, organisation and data collaborative) and queries/
    (named SPARQL queries). Start with:

    \b
      bd4m-kg check      validate data/ against shapes/ and run the HermiT reasoner
    """


@main.command()
@click.option("--no-reasoner", is_flag=True, help="Skip the HermiT consistency check (it needs Java).")
def check(no_reasoner: bool) -> None:
    """Check the knowledge files: SHACL shapes over data/, then HermiT over ontology + data.

    Prints every problem with the record it concerns; exits 1 when a shape is violated or the
    ontology and data are inconsistent, 0 otherwise (warnings do not fail the check).
    """
    from bd4m_kg.checks import check_knowledge

    ok = check_knowledge(reasoner=not no_reasoner, echo=click.echo)
    sys.exit(0 if ok else 1)
