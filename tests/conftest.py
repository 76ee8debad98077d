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

import pyoxigraph as ox
import pytest
import requests
from rdflib import Graph
from rdflib.compare import isomorphic

from bd4m_kg.curation.validation import project_context, project_shapes
from bd4m_kg.layout import knowledge_files, load_graph, load_store, project_root
from bd4m_kg.publishing.building import build_store
from bd4m_kg.store import open_store
from bd4m_kg.store.virtuoso import private_graphs_sql

CHECKOUT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"


def require_tool(names: tuple[str, ...], message: str) -> str:
    """The first of ``names`` on PATH; skip the test without it (fail on CI, which installs it)."""
    for name in names:
        if found := shutil.which(name):
            return found
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def require_shared(path: Path, what: str) -> None:
    """Skip, saying why, when a suite of ``../shared`` is missing (fail on CI, which has it)."""
    if path.exists():
        return
    message = f"{what} is not beside this checkout (looked in {path}); the tests that read it did not run"
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


def same_graphs(one: bytes, other: bytes) -> bool:
    """Whether two N-Quads dumps hold the same graphs, blank nodes labelled any way."""

    def graphs(nquads: bytes) -> dict[str, Graph]:
        lines: dict[str, list[str]] = {}
        for quad in ox.parse(nquads + b"\n", format=ox.RdfFormat.N_QUADS):
            lines.setdefault(str(quad.graph_name), []).append(f"{quad.triple} .")
        return {name: Graph().parse(data="\n".join(triples), format="nt") for name, triples in lines.items()}

    mine, theirs = graphs(one), graphs(other)
    return mine.keys() == theirs.keys() and all(isomorphic(mine[g], theirs[g]) for g in mine)


FOLDER_MARKS = {"slow": pytest.mark.slow, "browser": pytest.mark.browser}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark tests by their folder: ``tests/slow`` are slow, ``tests/browser`` drive Chromium."""
    for item in items:
        folder = item.path.parent
        if folder.parent == CHECKOUT / "tests" and folder.name in FOLDER_MARKS:
            item.add_marker(FOLDER_MARKS[folder.name])


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
def app(tmp_path_factory):
    """The app, in-process, over an embedded store built from the checkout: shared by tests that only read."""
    from bd4m_kg.server import create_app

    app = create_app({"STORE": str(tmp_path_factory.mktemp("app") / "store"), "TESTING": True, "READERS": 1})
    yield app
    app.extensions["bd4m_store"].close()


@pytest.fixture
def client(app):
    """A Flask test client of the shared app."""
    return app.test_client()


@pytest.fixture(scope="session")
def store():
    """Every knowledge file in its named graph, queried with the union as default graph."""
    return load_store(knowledge_files())


# -- stores and servers -------------------------------------------------------------------------

# Each kind of store is a marked group, so CI can give each its own time budget (-m virtuoso).
STORE_KINDS = [
    pytest.param(kind, marks=getattr(pytest.mark, kind)) for kind in ("embedded", "remote", "virtuoso")
]


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


class VirtuosoServer:
    """A private Virtuoso 7 (Debian's ``virtuoso-t``) on free loopback ports, with a user that may update.

    Set up as ../shared/notes/external-servers.md describes: its own database folder, both ports on
    127.0.0.1, and a user with the SPARQL_UPDATE role (anonymous /sparql stays read-only).
    """

    USER, PASSWORD = "bd4m", "bd4m-test-only"

    def __init__(self, folder: Path, buffers: int = 10_000, dirty: int = 6_000) -> None:
        self.folder = folder
        self.buffers, self.dirty = buffers, dirty  # 8 KiB pages kept in memory, and how many may be dirty
        self.http_port, self.sql_port = free_port(), free_port()
        self.process: subprocess.Popen | None = None
        self.system_graphs: list[str] = []

    @property
    def url(self) -> str:
        """The store location, credentials included."""
        return f"virtuoso+http://{self.USER}:{self.PASSWORD}@127.0.0.1:{self.http_port}"

    @property
    def sparql(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/sparql"

    def start(self) -> VirtuosoServer:
        """Create the database, then the update user, and hide Virtuoso's own graphs."""
        self.launch()
        user = (
            f"DB.DBA.USER_CREATE('{self.USER}', '{self.PASSWORD}'); GRANT SPARQL_UPDATE TO \"{self.USER}\";"
        )
        self.system_graphs = self.graphs()
        self.sql(f"{user} {private_graphs_sql(self.system_graphs)}")  # Virtuoso's own graphs out of sight
        return self

    def launch(self) -> None:
        """Start ``virtuoso-t`` on the folder's database (created if missing) and wait for /sparql."""
        executable = require_tool(("virtuoso-t",), "Virtuoso 7 is not installed (./dev test installs it)")
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "virtuoso.ini").write_text(
            VIRTUOSO_INI.format(
                d=self.folder, http=self.http_port, sql=self.sql_port, buffers=self.buffers, dirty=self.dirty
            )
        )
        log = self.folder / "virtuoso.out"
        with log.open("a") as output:
            self.process = subprocess.Popen(
                [executable, "+foreground", "+configfile", str(self.folder / "virtuoso.ini")],
                cwd=self.folder,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        wait_until_answering(f"{self.sparql}?query=ASK%7B%7D", self.process, "virtuoso-t", log=log)

    def sql(self, statements: str) -> None:
        """Run SQL as dba through isql-vt (which exits 0 even when a statement fails)."""
        isql = require_tool(("isql-vt",), "Virtuoso's isql-vt is not installed (./dev test installs it)")
        done = subprocess.run(
            [isql, f"127.0.0.1:{self.sql_port}", "dba", "dba", f"exec={statements}"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert "*** Error" not in done.stdout + done.stderr, done.stdout + done.stderr

    def graphs(self) -> list[str]:
        """Every graph with triples anonymous SPARQL sees."""
        answer = requests.post(
            self.sparql,
            data={"query": "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"},
            headers={"Accept": "application/sparql-results+json"},
            timeout=60,
        )
        return [row["g"]["value"] for row in answer.json()["results"]["bindings"]]

    def wipe(self) -> None:
        """Drop every visible graph, so the next test starts from an empty store."""
        kept = ", ".join(f"iri_to_id('{g}')" for g in self.system_graphs)
        self.sql(f"DELETE FROM DB.DBA.RDF_QUAD WHERE G NOT IN ({kept});")

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)
            self.process = None


VIRTUOSO_INI = """\
[Database]
DatabaseFile       = {d}/virtuoso.db
ErrorLogFile       = {d}/virtuoso.log
LockFile           = {d}/virtuoso.lck
TransactionFile    = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
TempStorage        = TempDatabase
[TempDatabase]
DatabaseFile    = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
[Parameters]
ServerPort        = 127.0.0.1:{sql}
DisableUnixSocket = 1
DirsAllowed       = ., {d}
NumberOfBuffers   = {buffers}
MaxDirtyBuffers   = {dirty}
[HTTPServer]
ServerPort    = 127.0.0.1:{http}
ServerRoot    = {d}
ServerThreads = 10
[SPARQL]
ResultSetMaxRows = 100000000
MaxQueryExecutionTime = 0
"""


@pytest.fixture(scope="session")
def virtuoso_scratch(tmp_path_factory) -> Iterator[VirtuosoServer]:
    """One Virtuoso for the session's short tests, wiped before each (a fresh one takes seconds)."""
    server = VirtuosoServer(tmp_path_factory.mktemp("virtuoso-scratch")).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def built_template(tmp_path_factory) -> Path:
    """An embedded store built once from the checkout and closed: tests copy it rather than build again."""
    folder = tmp_path_factory.mktemp("built") / "store"
    with open_store(str(folder)) as store:
        build_store(store)
    return folder


def engine(request, kind: str, folder: Path, built: bool = False) -> tuple[str, Path | None]:
    """(store location, state folder) of an empty store of ``kind`` in ``folder``: a folder, a fresh
    Oxigraph server, or Virtuoso (the session's scratch one, wiped, for a function-scoped test).

    ``built``: an embedded store starts as a copy of one built from the checkout (the other kinds
    are built by whoever opens them first, as an empty store is)."""
    if kind == "embedded":
        if built:
            shutil.copytree(request.getfixturevalue("built_template"), folder / "store")
        return str(folder / "store"), None
    if kind == "remote":
        server = OxigraphServer(folder / "oxigraph").start()
        request.addfinalizer(server.stop)
        return server.url, folder / "state"
    if request.scope == "function":
        scratch = request.getfixturevalue("virtuoso_scratch")
        scratch.wipe()
        return scratch.url, folder / "state"
    virtuoso = VirtuosoServer(folder / "virtuoso").start()
    request.addfinalizer(virtuoso.stop)
    return virtuoso.url, folder / "state"


@pytest.fixture(params=STORE_KINDS)
def store_location(request, tmp_path) -> tuple[str, Path | None]:
    """(location, state folder) of an empty store of each kind: a folder, an Oxigraph server, Virtuoso."""
    return engine(request, request.param, tmp_path)


@pytest.fixture
def empty_store(store_location):
    with open_store(store_location[0], store_location[1]) as store:
        yield store


@pytest.fixture
def built_store(request, store_location):
    """A store of each kind holding the checkout's knowledge (the embedded one copied from a template)."""
    location, state = store_location
    if request.node.callspec.params.get("store_location") == "embedded":
        shutil.copytree(request.getfixturevalue("built_template"), location)
    with open_store(location, state) as store:
        if not store.graph_names():
            build_store(store)
        yield store


def _built_size() -> tuple[int, int]:
    """(triples, graphs) of a store built from the checkout: every knowledge file, each in its graph."""
    from bd4m_kg.layout import knowledge_files, load_store

    built = load_store(knowledge_files())
    return len(built), len(list(built.named_graphs()))


BUILT_TRIPLES, BUILT_GRAPHS = _built_size()
SERVE_THREADS = 2
# Every test talks from 127.0.0.1, so per-client rate limits are lifted unless a test sets them.
UNLIMITED = {
    "RATE_LIMIT_QUERIES": "1000000 per minute",
    "RATE_LIMIT_CURATION": "1000000 per minute",
    "RATE_LIMIT_LINKS": "1000000 per minute",
    "CLIENT_QUERIES": "1000",
    "CLIENT_QUERY_SECONDS": "1000000",
}
BD4M_KG = shutil.which("bd4m-kg") or str(Path(sys.executable).parent / "bd4m-kg")


def new_token(options: list[str], name: str, role: str) -> str:
    """A token made with ``bd4m-kg token create`` for the store these options name."""
    created = subprocess.run(
        [BD4M_KG, "token", "create", name, "--role", role, *options],
        capture_output=True,
        text=True,
        check=True,
    )
    return created.stdout.split()[-1]


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
    """The ``--store`` (and ``--state``) options for the fixture's kind of store in ``folder``; an
    engine it starts is stopped when the fixture ends."""
    location, state = engine(request, request.param, folder)
    return ["--store", location] + (["--state", str(state)] if state else [])


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
    admin token (made with ``bd4m-kg token create``) and its process. Queries may take 5 minutes."""
    folder = tmp_path_factory.mktemp(f"own-{request.param}")
    options = store_options(request, folder)
    with serving(folder, options, settings={"QUERY_DEADLINE": "300"}) as (url, process):
        yield url, options, new_token(options, "module-admin", "admin"), process
