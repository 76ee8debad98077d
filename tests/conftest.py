"""Shared fixtures: the knowledge files read once per test session."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from rdflib import Graph

from bd4m_kg.building import build_store
from bd4m_kg.layout import knowledge_files, project_root
from bd4m_kg.rdf_io import load_graph, load_store
from bd4m_kg.store import open_store
from bd4m_kg.validation import project_context, project_shapes

FIXTURES = Path(__file__).parent / "fixtures"


def require_tool(names: tuple[str, ...], message: str) -> str:
    """The first of ``names`` on PATH; skip the test without it (fail on CI, which installs it)."""
    for name in names:
        if found := shutil.which(name):
            return found
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def require_java() -> str:
    """The java executable for the HermiT check."""
    return require_tool(
        ("java",), "Java is not installed: the HermiT check needs a JRE (./dev test installs one)"
    )


def require_chromium() -> str:
    """Debian's chromium for the page tests."""
    return require_tool(
        ("chromium", "chromium-browser"), "Chromium is not installed (./dev test installs it)"
    )


ARTIFACTS = Path(__file__).parent.parent / "test-artifacts"  # screenshots, kept by CI, ignored by git
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextmanager
def chromium_page(width: int = 1280, height: int = 1000, javascript: bool = True):
    """A page in headless Debian Chromium (Playwright), closed afterwards."""
    from playwright.sync_api import sync_playwright

    chromium = require_chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        try:
            context = browser.new_context(
                viewport={"width": width, "height": height}, java_script_enabled=javascript
            )
            yield context.new_page()
        finally:
            browser.close()


def screenshot(page, name: str) -> None:
    """Save a full-page screenshot as a test artifact."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.fixture(scope="session")
def root() -> Path:
    return project_root()


@pytest.fixture(scope="session")
def data_graph() -> Graph:
    return load_graph(knowledge_files(parts=("data",)))


@pytest.fixture(scope="session")
def ontology_graph() -> Graph:
    return load_graph(knowledge_files(parts=("ontology",)))


@pytest.fixture(scope="session")
def vocab_graph() -> Graph:
    return load_graph(knowledge_files(parts=("vocab",)))


@pytest.fixture(scope="session")
def shapes_graph() -> Graph:
    return project_shapes()


@pytest.fixture(scope="session")
def context_graph() -> Graph:
    return project_context()


@pytest.fixture(scope="session")
def store():
    """Every knowledge file in its named graph, queried with the union as default graph."""
    return load_store(knowledge_files())


# -- stores and servers -------------------------------------------------------------------------

STORE_KINDS = ("embedded", "remote")


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_answering(
    url: str, process: subprocess.Popen, what: str, timeout: float = 60, log: Path | None = None
) -> None:
    """Poll ``url`` until it answers 200; fail with the process output if it exits first."""
    give_up = time.monotonic() + timeout
    while time.monotonic() < give_up:
        if process.poll() is not None:
            output = log.read_text() if log else process.stdout.read() if process.stdout else ""
            pytest.fail(f"{what} exited with {process.returncode}:\n{output}")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.05)
    process.kill()
    pytest.fail(f"{what} did not answer {url} within {timeout} s")


def stop(process: subprocess.Popen) -> None:
    """Stop a server process started by a fixture."""
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class OxigraphServer:
    """An ``oxigraph serve --union-default-graph`` child process on a free loopback port."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> OxigraphServer:
        self.folder.mkdir(parents=True, exist_ok=True)
        command = [
            OXIGRAPH,
            "serve",
            "--location",
            str(self.folder / "data"),
            "--union-default-graph",
            "--bind",
            f"127.0.0.1:{self.port}",
        ]
        log = self.folder / "oxigraph.log"
        with log.open("a") as output:  # a file, not a pipe nobody reads
            self.process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
        wait_until_answering(f"{self.url}/query?query=ASK%7B%7D", self.process, "oxigraph serve", log=log)
        return self

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)
            self.process = None


OXIGRAPH = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")


@pytest.fixture
def oxigraph_server(tmp_path):
    """A fresh Oxigraph server with its data on disk, stopped after the test."""
    server = OxigraphServer(tmp_path / "oxigraph").start()
    yield server
    server.stop()


@pytest.fixture(params=STORE_KINDS)
def store_location(request, tmp_path) -> tuple[str, Path | None]:
    """(location, state folder) of an empty store of each kind: a folder, or a fresh Oxigraph server."""
    if request.param == "embedded":
        return str(tmp_path / "store"), None
    server = OxigraphServer(tmp_path / "oxigraph").start()
    request.addfinalizer(server.stop)
    return server.url, tmp_path / "state"


@pytest.fixture
def empty_store(store_location):
    with open_store(store_location[0], store_location[1]) as store:
        yield store


@pytest.fixture
def built_store(empty_store):
    build_store(empty_store)
    return empty_store


def _built_size() -> tuple[int, int]:
    """(triples, graphs) of a store built from the checkout: every knowledge file, each in its graph."""
    from bd4m_kg.layout import knowledge_files
    from bd4m_kg.rdf_io import load_store

    built = load_store(knowledge_files())
    return len(built), len(list(built.named_graphs()))


BUILT_TRIPLES, BUILT_GRAPHS = _built_size()
SERVE_THREADS = 2
# Every test talks from 127.0.0.1, so per-client rate limits are lifted unless a test sets them.
UNLIMITED = {"RATE_LIMIT_QUERIES": "1000000 per minute", "RATE_LIMIT_CURATION": "1000000 per minute"}
BD4M_KG = shutil.which("bd4m-kg") or str(Path(sys.executable).parent / "bd4m-kg")


@contextmanager
def serving(
    folder: Path, options: list[str], threads: int = SERVE_THREADS, settings: dict[str, str] | None = None
) -> Iterator[tuple[str, subprocess.Popen]]:
    """``bd4m-kg serve`` with these store options (and ``BD4M_*`` settings) on a free loopback port,
    as a user starts it; yields its base URL and process and stops it afterwards. Its log is
    ``folder/serve.log``."""
    port = free_port()
    command = [BD4M_KG, "serve", *options, "--port", str(port), "--workers", "2", "--threads", str(threads)]
    settings = {**UNLIMITED, **(settings or {})}
    environment = {**os.environ, **{f"BD4M_{k}": v for k, v in settings.items()}}
    with (folder / "serve.log").open("w") as log:  # a file, not a pipe: a full pipe would block the server
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, text=True, env=environment)
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until_answering(f"{url}/health", process, "bd4m-kg serve", log=folder / "serve.log")
            yield url, process
        finally:
            stop(process)


def store_options(request, folder: Path) -> list[str]:
    """The ``--store`` (and ``--state``) options for the fixture's kind of store in ``folder``; the
    remote kind starts an Oxigraph server, stopped when the fixture ends."""
    if request.param != "remote":
        return ["--store", str(folder / "store")]
    oxigraph = OxigraphServer(folder / "oxigraph").start()
    request.addfinalizer(oxigraph.stop)
    return ["--store", oxigraph.url, "--state", str(folder / "state")]


@pytest.fixture(scope="session", params=STORE_KINDS)
def served(request, tmp_path_factory):
    """One ``bd4m-kg serve`` per kind of store for the session, started as a user starts it on an
    empty store; yields its base URL and store options. Tests only read from it."""
    folder = tmp_path_factory.mktemp(f"serve-{request.param}")
    options = store_options(request, folder)
    with serving(folder, options) as (url, _):
        yield url, options


@pytest.fixture(scope="module", params=STORE_KINDS)
def own_server(request, tmp_path_factory):
    """A ``bd4m-kg serve`` for one test module, which may write to it: its URL, store options, an
    admin token (made with ``bd4m-kg token create``) and its process. Queries may take 2 minutes."""
    folder = tmp_path_factory.mktemp(f"own-{request.param}")
    options = store_options(request, folder)
    with serving(folder, options, settings={"QUERY_DEADLINE": "120"}) as (url, process):
        created = subprocess.run(
            [BD4M_KG, "token", "create", "module-admin", "--role", "admin", *options],
            capture_output=True,
            text=True,
            check=True,
        )
        yield url, options, created.stdout.split()[-1], process
