"""The ``bd4m-kg`` command line: each command wraps one core function.

Exit codes: 0 ok, 1 the knowledge does not pass a check, 2 usage, unreadable input or an
unreachable store.
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Iterator
from pathlib import Path

import click

from bd4m_kg import __version__
from bd4m_kg.config import DEFAULTS, default_store
from bd4m_kg.formats import RDF_FORMATS, RESULT_FORMATS
from bd4m_kg.layout import KnowledgeFile
from bd4m_kg.store import (
    QueryRequest,
    QuerySyntaxError,
    QueryTimeout,
    Store,
    StoreError,
    is_remote,
    open_store,
)
from bd4m_kg.syntax_errors import SyntaxProblem, engine_problem

STORE_HELP = (
    "Folder of the embedded store, or the URL of an Oxigraph server (oxigraph serve "
    "--union-default-graph). Default: $BD4M_STORE, else var/store in the checkout "
    "(~/.local/share/bd4m-kg/store for an installed package)."
)
FORMATS = ["table", *RESULT_FORMATS, *RDF_FORMATS]


def store_option(command: click.decorators.FC) -> click.decorators.FC:
    """The ``--store`` and ``--state`` options every store command shares."""
    command = click.option(
        "--state",
        envvar="BD4M_STATE",
        type=click.Path(file_okay=False, path_type=Path),
        help="Where a remote store keeps its change log (default ~/.local/state/bd4m-kg/HOST-PORT).",
    )(command)
    return click.option("--store", "location", envvar="BD4M_STORE", default=default_store, help=STORE_HELP)(
        command
    )


def fail(message: str, code: int = 2) -> None:
    """Print an error the user can act on and exit."""
    click.secho(f"Error: {message}", fg="red", err=True)
    sys.exit(code)


def connect(location: str, state: Path | None, readers: int = 1, writes: bool = False) -> Store:
    """Open the store or exit with a message that says what to do.

    A command that ``writes`` to an embedded store is refused, before it touches anything, while
    a ``bd4m-kg serve`` holds that store: the server is its one writer.
    """
    if writes and not is_remote(location):
        refuse_if_served(Path(location))
    try:
        return open_store(location, state, readers=readers)
    except StoreError as error:
        fail(str(error))
        raise  # unreachable: fail exits


def refuse_if_served(folder: Path) -> None:
    """Exit with what to do when a running server holds the embedded store in ``folder``."""
    from bd4m_kg.store.holder import holder

    found = holder(folder)
    if found is not None:
        through = (
            f" ({found.url}curate, or its /graph-store with an admin token)"
            if found.url.startswith("http")
            else ""
        )
        fail(
            f"{folder} is served by {found.describe()}, its one writer: make the change through that "
            f"server{through}, or stop it and run this again. Nothing was written."
        )


def audit(store: Store, action: str, target: str, outcome: str = "ok") -> None:
    """Write a command-line write to the store's audit log (the local user, from this host)."""
    from bd4m_kg.audit import AuditLog, command_line_origin

    AuditLog(store.state.folder).record(getpass.getuser(), action, target, command_line_origin(), outcome)


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
    from bd4m_kg.formats import UnknownFormatError
    from bd4m_kg.problem_report import as_json, as_text, locate
    from bd4m_kg.rdf_io import RdfSyntaxError, read_triples, to_rdflib
    from bd4m_kg.validation import ShapesError, directory_context, read_shapes, validate_with
    from bd4m_kg.validation import validate as validate_project

    if shapes and against:
        fail("--shapes and --against do not go together: --against validates with the directory's shapes")
    try:
        triples = [t for path in files for t in read_triples(path)]
        if against:
            from bd4m_kg.store import is_remote
            from bd4m_kg.validation_context import validate_against

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


@main.command()
@store_option
@click.option("--base", help="Canonical base IRI to publish under (default https://w3id.org/bd4m/).")
def init(location: str, state: Path | None, base: str | None) -> None:
    """(Re)build the store from ontology/, shapes/ and data/ as one change.

    Each file fills its own named graph; graphs the knowledge files no longer hold are dropped. With
    --base, every IRI under https://w3id.org/bd4m/ is rewritten to the new base (a rebuild).
    """
    from bd4m_kg.building import build_store
    from bd4m_kg.staging import StagingError

    if base is not None and not (base.startswith(("http://", "https://")) and base.endswith("/")):
        fail(f"--base {base!r} must be an http(s) IRI ending in '/', e.g. https://example.org/bd4m/")
    with connect(location, state, writes=True) as store:
        try:
            result = build_store(store, base=base, progress=_parsing_progress)
        except (StagingError, StoreError) as error:
            fail(str(error))
        audit(store, "init", base or store.base, f"generation {result.generation}")
        click.echo(
            f"Built {store.location}: {result.triples:,} triples in {len(result.replaced)} graphs "
            f"(generation {result.generation})."
        )


@main.command()
@store_option
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--actor", default="cli", show_default=True, help="Who makes the change (kept in the change log)."
)
def load(location: str, state: Path | None, files: tuple[Path, ...], actor: str) -> None:
    """Load RDF files (or folders of them) into the store, replacing the graphs they fill.

    Formats come from the extension: .ttl .nt .nq .trig .rdf/.owl .jsonld. N-Quads and TriG keep
    their graph names; other triples go to the graph of their record (…/id/project/x →
    …/graph/project/x). Every file is parsed before anything is written: a syntax error names
    the file, line and column and leaves the store unchanged.
    """
    from bd4m_kg.changes import apply_change, stage_files
    from bd4m_kg.formats import UnknownFormatError
    from bd4m_kg.staging import StagingError, iter_files

    paths = iter_files(files)
    size = sum(path.stat().st_size for path in paths)
    with connect(location, state, writes=True) as store, store.staging(size) as staging:
        try:
            with click.progressbar(paths, label="Parsing", item_show_func=_name, file=sys.stderr) as bar:
                stage_files(staging, bar)
            click.echo("Writing …", err=True)
            result = apply_change(store, staging, actor, f"load {len(paths)} file(s)")
        except (StagingError, UnknownFormatError, StoreError) as error:
            fail(f"{error}\nNothing was written.")
        audit(store, "load", " ".join(str(f) for f in files), f"generation {result.generation}")
        click.echo(
            f"Loaded {result.triples:,} triples into {len(result.replaced)} graph(s) "
            f"(generation {result.generation})."
        )


def _name(path: Path | None) -> str:
    return path.name if path else ""


def _file_name(file: KnowledgeFile | None) -> str:
    return file.path.name if file else ""


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
    query_file: click.utils.LazyFile | None,
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
    from bd4m_kg.named_queries import NamedQueryError, load_named_queries
    from bd4m_kg.policy import QueryParseError
    from bd4m_kg.tables import render_table

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
    query_file: click.utils.LazyFile | None,
    params: tuple[str, ...],
    output_format: str,
) -> QueryRequest:
    from bd4m_kg.named_queries import NamedQueryError, load_named_queries
    from bd4m_kg.policy import dataset_of, inspect_query

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
    results_format = output_format if output_format in RESULT_FORMATS else "json"
    graph_format = output_format if output_format in RDF_FORMATS else "ttl"
    dataset = dataset_of(None, None, inspect_query(text, allow_service=True))
    return QueryRequest(text, results_format, graph_format, substitutions=substitutions, **dataset)


@main.command()
@store_option
def stats(location: str, state: Path | None) -> None:
    """Count what the store holds: triples, graphs, and records by kind."""
    from bd4m_kg.building import store_stats

    with connect(location, state) as store:
        try:
            counts = store_stats(store)
        except StoreError as error:
            fail(str(error))
        rows = [
            ("store", store.location),
            ("base", store.base),
            ("generation", str(counts.generation)),
            ("triples", f"{counts.triples:,}"),
            ("graphs", f"{counts.graphs:,}"),
            *((kind, f"{number:,}") for kind, number in counts.kinds.items()),
        ]
        for label, value in rows:
            click.echo(f"{label:<15}{value}")


@main.command()
@store_option
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def export(location: str, state: Path | None, folder: Path) -> None:
    """Write one Turtle file per record to FOLDER, in data/'s layout (project/x.ttl, …).

    The same store content always gives the same bytes, so the curated store can go back into
    git: `bd4m-kg export data/` then `git diff`.
    """
    from bd4m_kg.export import export_records

    def progress(graphs: Iterator[str]) -> Iterator[str]:
        with click.progressbar(list(graphs), label="Exporting", file=sys.stderr) as bar:
            yield from bar

    with connect(location, state) as store:
        try:
            written = export_records(store, folder, progress)
        except StoreError as error:
            fail(str(error))
    click.echo(f"Wrote {written} record files under {folder}.")


@main.command()
@store_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8080, show_default=True, type=int, help="Port to listen on.")
@click.option("--workers", default=DEFAULTS["READERS"], show_default=True, type=int, help="Query processes.")
@click.option("--threads", default=DEFAULTS["THREADS"], show_default=True, type=int, help="Web threads.")
@click.option(
    "--processes",
    default=1,
    show_default=True,
    type=click.IntRange(min=1),
    help="Web processes (more than one needs a remote store: the embedded store has one writer).",
)
def serve(
    location: str, state: Path | None, host: str, port: int, workers: int, threads: int, processes: int
) -> None:
    """Serve the directory over HTTP (home page, /health), building the store on first start.

    Runs under Granian: HTTP, keep-alive and sockets are handled outside Python, and THREADS
    Python threads per process run the app. Queries run in WORKERS processes of the embedded
    store. With a remote store, PROCESSES web processes share the port and the state folder.
    """
    from bd4m_kg.server.serving import PortTaken, check_port, run
    from bd4m_kg.store.holder import StoreHeld, claim, holder

    if processes > 1 and not is_remote(location):
        fail("--processes above 1 needs a remote store (--store http://…): the embedded store has one writer")
    url = f"http://{host}:{port}/"
    settings = {"STORE": location, "STATE": state, "READERS": workers, "THREADS": threads}
    held = None
    try:
        embedded = not is_remote(location)
        if embedded and (found := holder(Path(location))) is not None:
            raise StoreHeld(Path(location), found)
        check_port(host, port)  # before the claim, which makes the store's folder
        held = claim(Path(location), url) if embedded else None
        build_if_empty(location, state)
        click.echo(f"Serving {location} on {url} with {processes} process(es) (Ctrl-C stops)")
        run(settings, host, port, threads, processes)
    except StoreHeld as error:
        fail(f"{error}: use that server, or stop it first")
    except PortTaken as error:
        fail(str(error))
    finally:
        if held is not None:
            held.close()


def build_if_empty(location: str, state: Path | None) -> None:
    """Build an empty store from the knowledge files, saying so, before the server starts.

    The build runs in a process of its own: the server's worker is forked from this one, and
    RocksDB (the embedded store) does not survive a fork of a process that opened it.
    """
    import multiprocessing

    builder = multiprocessing.get_context("spawn").Process(target=_build_if_empty, args=(location, state))
    builder.start()
    builder.join()
    if builder.exitcode:
        sys.exit(builder.exitcode)


def _build_if_empty(location: str, state: Path | None) -> None:
    from bd4m_kg.building import build_store
    from bd4m_kg.changes import recover

    with connect(location, state) as store:
        try:
            with store.state.writer_lock():
                recover(store)
                if store.graph_names():
                    return
                click.echo(f"Building the store in {store.location} from the knowledge files …", err=True)
                result = build_store(store, actor="serve", progress=_parsing_progress)
        except StoreError as error:
            fail(str(error))
    click.echo(f"Built {result.triples:,} triples in {len(result.replaced)} graphs.", err=True)


def _parsing_progress(files: list[KnowledgeFile]) -> Iterator[KnowledgeFile]:
    with click.progressbar(files, label="Parsing", item_show_func=_file_name, file=sys.stderr) as bar:
        yield from bar


@main.group()
def token() -> None:
    """Create, list and revoke the tokens writers send as `Authorization: Bearer <token>`.

    \b
    Roles: submitter (submit records), curator (publish, reject, roll back, retire),
    admin (SPARQL Update, Graph Store writes). Tokens are kept beside the store, hashed.
    """


@token.command("create")
@store_option
@click.argument("name")
@click.option("--role", type=click.Choice(["submitter", "curator", "admin"]), required=True)
def token_create(location: str, state: Path | None, name: str, role: str) -> None:
    """Create a token for NAME (a person or a program) and print it; it is shown only this once."""
    from bd4m_kg.tokens import TokenError, create_token

    with connect(location, state) as store:
        try:
            secret = create_token(store.state, name, role)
        except TokenError as error:
            fail(str(error))
        audit(store, "token create", f"{name} ({role})")
    click.echo(secret)
    click.echo(f"Token for {name} ({role}). Keep it now: only its hash is stored.", err=True)


@token.command("revoke")
@store_option
@click.argument("name")
def token_revoke(location: str, state: Path | None, name: str) -> None:
    """Revoke NAME's token: it is refused from the next request on."""
    from bd4m_kg.tokens import TokenError, revoke_token

    with connect(location, state) as store:
        try:
            revoke_token(store.state, name)
        except TokenError as error:
            fail(str(error))
        audit(store, "token revoke", name)
    click.echo(f"Revoked the token of {name}.")


@token.command("list")
@store_option
def token_list(location: str, state: Path | None) -> None:
    """List the tokens: name, role, created, revoked."""
    from bd4m_kg.tokens import list_tokens

    with connect(location, state) as store:
        for info in list_tokens(store.state):
            status = f"revoked {info.revoked}" if info.revoked else "active"
            click.echo(f"{info.name:<20} {info.role:<10} created {info.created}  {status}")


@main.command("audit")
@store_option
@click.option("--limit", default=50, show_default=True, help="How many entries, newest first.")
@click.option("--actor", help="Only this token name (or local user).")
def audit_log(location: str, state: Path | None, limit: int, actor: str | None) -> None:
    """Show the audit log: every write and write attempt, who, what, when, from where, outcome."""
    from bd4m_kg.audit import AuditLog

    with connect(location, state) as store:
        for entry in AuditLog(store.state.folder).entries(limit, actor):
            who = f"{entry.time}  {entry.actor:<16} {entry.action:<40}"
            click.echo(f"{who} {entry.target}  [{entry.outcome}] {entry.origin}")


@main.command("backup")
@store_option
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def backup_store(location: str, state: Path | None, folder: Path) -> None:
    """Back up the store and everything beside it into FOLDER, while it serves.

    FOLDER gets the quads of one generation (store.nq.gz), copies of the change log, tokens,
    feed, inbox and audit log, the frozen releases, and a manifest with checksums. Writers wait
    while it is taken.
    Restore it with `bd4m-kg restore FOLDER --store NEW`.
    """
    from bd4m_kg.backup import BackupError, backup

    with connect(location, state) as store:
        try:
            manifest = backup(store, folder)
        except (BackupError, StoreError) as error:
            fail(str(error))
        audit(store, "backup", str(folder), f"generation {manifest.generation}")
    click.echo(f"Backed up generation {manifest.generation} of {location} into {folder}.")


@main.command("restore")
@store_option
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
def restore_store(location: str, state: Path | None, folder: Path) -> None:
    """Restore a backup from FOLDER into an empty store (a new folder, or an empty Oxigraph server).

    The files are checked against the manifest first. Restoring into a store of a newer
    pyoxigraph, or into a server, is also how a store moves to a new storage version.
    """
    from bd4m_kg.backup import BackupError, restore

    with connect(location, state, writes=True) as store:
        try:
            manifest = restore(store, folder)
        except (BackupError, StoreError) as error:
            fail(str(error))
        audit(store, "restore", str(folder), f"generation {manifest.generation}")
    click.echo(f"Restored generation {manifest.generation} (backed up {manifest.time}) into {location}.")


@main.command()
@store_option
def optimize(location: str, state: Path | None) -> None:
    """Compact the embedded store's files (stop `bd4m-kg serve` first: it holds the store)."""
    from bd4m_kg.store.embedded import EmbeddedStore

    with connect(location, state, writes=True) as store:
        if not isinstance(store, EmbeddedStore):
            fail("optimize is for the embedded store; a SPARQL server compacts its own files")
        try:
            store.live().optimize()
        except StoreError as error:
            fail(str(error))
    click.echo(f"Optimized {location}.")


@main.command("release")
@store_option
@click.argument("version")
def release_command(location: str, state: Path | None, version: str) -> None:
    """Freeze the current state as release VERSION (e.g. 1.0): dated, citable dumps that never change.

    The release is listed at /releases, in VoID and DCAT as a version of the dataset, and the home
    page says how to cite it.
    """
    from bd4m_kg.releases import ReleaseError, make_release

    with connect(location, state) as store:
        try:
            made = make_release(store, version)
        except (ReleaseError, StoreError) as error:
            fail(str(error))
        audit(store, "release", version, f"generation {made.generation}")
    click.echo(f"Released {version} on {made.date}: generation {made.generation}, {made.triples:,} triples.")


from bd4m_kg import curation_cli  # noqa: E402, F401 - registers `submit` and `inbox` on main
