"""``query``: SPARQL or a named query against a store, as a table or any format."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import IO

import click

from bd4m_kg.cli.app import main
from bd4m_kg.cli.common import connect, fail, store_option
from bd4m_kg.config import DEFAULTS
from bd4m_kg.rdf.formats import RDF_FORMATS, RESULT_FORMATS
from bd4m_kg.sparql.syntax_errors import SyntaxProblem, engine_problem
from bd4m_kg.store import (
    QueryRequest,
    QuerySyntaxError,
    QueryTimeout,
    StoreError,
)

FORMATS = ["table", *RESULT_FORMATS, *RDF_FORMATS]


@main.command()
@store_option
@click.argument("sparql", required=False)
@click.option("-n", "--name", help="Run a named query from queries/ (see `bd4m-kg query --list`).")
@click.option(
    "-f", "--file", "query_file", type=click.File("r"), help="Read the query from a file ('-': stdin)."
)
@click.option("-p", "--param", multiple=True, metavar="NAME=IRI", help="Bind a named query's parameter.")
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--timeout", type=float, default=DEFAULTS["QUERY_DEADLINE"], show_default=True, help="Seconds.")
@click.option("--list", "list_queries", is_flag=True, help="List the named queries and exit.")
def query(
    location: str,
    state: Path | None,
    sparql: str | None,
    name: str | None,
    query_file: IO[str] | None,
    param: tuple[str, ...],
    output_format: str,
    timeout: float,
    list_queries: bool,
) -> None:
    """Ask the store a SPARQL query and print the answer.

    \b
    Examples:
      bd4m-kg query 'SELECT ?p WHERE { ?p a <https://w3id.org/bd4m/ontology#Project> } LIMIT 5'
      bd4m-kg query --name projects-by-data-source-type --format csv
      bd4m-kg query --name projects-with-data-holder -p holder=https://w3id.org/bd4m/id/organisation/orange

    The default graph is the union of all graphs. SELECT and ASK print a table (or json, xml,
    csv, tsv); CONSTRUCT and DESCRIBE print Turtle (or nt, nq, trig, rdf, jsonld).
    """
    from bd4m_kg.sparql.named_queries import NamedQueryError, load_named_queries
    from bd4m_kg.sparql.policy import QueryParseError
    from bd4m_kg.sparql.tables import render_table

    if list_queries:
        for named in load_named_queries().values():
            click.echo(f"{click.style(named.name, bold=True)}\n    {named.title}")
        return
    try:
        request = _query_request(sparql, name, query_file, param, output_format)
    except NamedQueryError as error:
        fail(str(error))
    except QueryParseError as error:
        fail(_syntax_message(error.problem, str(error)))
    with connect(location, state) as store:
        try:
            answer = store.query(request, deadline=timeout)
            body = answer.read()
        except QuerySyntaxError as error:
            fail(_syntax_message(engine_problem(request.query, str(error)), str(error)))
        except QueryTimeout as error:
            fail(f"{error} (after {timeout:g} s; raise --timeout to allow more)")
        except StoreError as error:
            fail(str(error))
    if output_format == "table" and answer.kind != "graph":
        click.echo(render_table(body))
    else:
        sys.stdout.buffer.write(body)


def _syntax_message(problem: SyntaxProblem | None, message: str) -> str:
    """Where a query stops being SPARQL, with its offending line marked when the engine said where."""
    if problem is None:
        return f"the query is not valid SPARQL: {message}"
    excerpt = "\n".join(f"    {line}" for line in problem.excerpt.splitlines())
    return f"the query is not valid SPARQL: {problem}\n{excerpt}"


def _query_request(
    sparql: str | None,
    name: str | None,
    query_file: IO[str] | None,
    params: tuple[str, ...],
    output_format: str,
) -> QueryRequest:
    from bd4m_kg.sparql.named_queries import NamedQueryError, load_named_queries
    from bd4m_kg.sparql.policy import inspect_query
    from bd4m_kg.sparql.query_request import query_request

    given = [x for x in (sparql, name, query_file) if x is not None]
    if len(given) != 1:
        raise click.UsageError("give exactly one of: a QUERY argument, --name NAME or --file FILE")
    bindings = dict(p.split("=", 1) for p in params if "=" in p)
    if len(bindings) != len(params):
        raise click.UsageError("--param takes NAME=IRI")
    text, substitutions = sparql or "", {}
    if name is not None:
        queries = load_named_queries()
        if name not in queries:
            raise NamedQueryError(f"no named query {name!r}; `bd4m-kg query --list` shows them")
        text, substitutions = queries[name].sparql, queries[name].bindings(bindings)
    elif query_file is not None:
        text = query_file.read()
    return query_request(
        inspect_query(text, allow_service=True), text, output_format, substitutions=substitutions
    )
