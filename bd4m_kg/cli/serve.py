"""``serve``: the web server over a store, built first when it is empty."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bd4m_kg.cli.app import main
from bd4m_kg.cli.common import connect, fail, parsing_progress, store_option
from bd4m_kg.config import DEFAULTS
from bd4m_kg.store import (
    StoreError,
    is_remote,
)


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
    help="Web processes sharing the port; each keeps its own memory copy of an embedded store.",
)
def serve(
    location: str, state: Path | None, host: str, port: int, workers: int, threads: int, processes: int
) -> None:
    """Serve the directory over HTTP (home page, /health), building the store on first start.

    Runs under Granian: HTTP, keep-alive and sockets are handled outside Python, and THREADS
    Python threads per process run the app. PROCESSES web processes share the port and take
    turns writing; with the embedded store each runs WORKERS query processes of its own.
    """
    from bd4m_kg.server.serving import PortTaken, check_port, run
    from bd4m_kg.store.holder import StoreHeld, claim, holder

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
    from bd4m_kg.publishing.building import build_store
    from bd4m_kg.publishing.changes import recover

    with connect(location, state) as store:
        try:
            with store.state.writer_lock():
                recover(store)
                if store.graph_names():
                    return
                click.echo(f"Building the store in {store.location} from the knowledge files …", err=True)
                result = build_store(store, actor="serve", progress=parsing_progress)
        except StoreError as error:
            fail(str(error))
    click.echo(f"Built {result.triples:,} triples in {len(result.replaced)} graphs.", err=True)
