"""``init``, ``load``, ``stats`` and ``optimize``: building and filling a store."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bd4m_kg.cli.app import main
from bd4m_kg.cli.common import audit, connect, fail, parsing_progress, store_option
from bd4m_kg.store import (
    StoreError,
)


@main.command()
@store_option
@click.option("--base", help="Canonical base IRI to publish under (default https://w3id.org/bd4m/).")
def init(location: str, state: Path | None, base: str | None) -> None:
    """(Re)build the store from ontology/, shapes/ and data/ as one change.

    Each file fills its own named graph; graphs the knowledge files no longer hold are dropped. With
    --base, every IRI under https://w3id.org/bd4m/ is rewritten to the new base (a rebuild).
    """
    from bd4m_kg.publishing.building import build_store
    from bd4m_kg.store.staging import StagingError

    if base is not None and not (base.startswith(("http://", "https://")) and base.endswith("/")):
        fail(f"--base {base!r} must be an http(s) IRI ending in '/', e.g. https://example.org/bd4m/")
    with connect(location, state, writes=True) as store:
        try:
            result = build_store(store, base=base, progress=parsing_progress)
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
    from bd4m_kg.publishing.changes import apply_change, stage_files
    from bd4m_kg.rdf.formats import UnknownFormatError
    from bd4m_kg.store.staging import StagingError, iter_files

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


@main.command()
@store_option
def stats(location: str, state: Path | None) -> None:
    """Count what the store holds: triples, graphs, and records by kind."""
    from bd4m_kg.publishing.building import store_stats

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
def optimize(location: str, state: Path | None) -> None:
    """Compact the embedded store's files (stop `bd4m-kg serve` first: it holds the store)."""
    from bd4m_kg.store.embedded import EmbeddedStore

    with connect(location, state, writes=True) as store:
        if not isinstance(store, EmbeddedStore):
            fail("optimize is for the embedded store; a SPARQL server compacts its own files")
        try:
            with store.state.writer_lock():
                store.live().optimize()
        except StoreError as error:
            fail(str(error))
    click.echo(f"Optimized {location}.")
