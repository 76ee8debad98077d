"""The ``bd4m-kg`` click group: its help is the command's front page; each command module adds to it."""

from __future__ import annotations

import click

from bd4m_kg import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "-V", "--version", prog_name="bd4m-kg")
def main() -> None:
    """Publish the Big Data for Migration Alliance's Data Innovation Directory as a knowledge graph.

    The knowledge lives in files: ontology/ (OWL and SKOS vocabularies), shapes/ (SHACL),
    data/ (one Turtle file per project, organisation and data collaborative) and queries/
    (named SPARQL queries). The store holds them as one named graph per record.

    \b
    Start with:
      bd4m-kg serve                 build the store on first start and serve it on http://127.0.0.1:8080/
      bd4m-kg init                  (re)build the store from ontology/, shapes/ and data/
      bd4m-kg query --name directory-entries
      bd4m-kg check                 validate data/ against shapes/ and run the HermiT reasoner

    The store is a folder (embedded, the default: var/store) or an Oxigraph server:
    --store http://127.0.0.1:7878 or BD4M_STORE=http://127.0.0.1:7878.
    """
