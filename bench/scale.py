"""Scale: load time and query-mix throughput on each engine, and web-tier throughput by process count.

For each size (seeded synthetic records from bench/generate.py, plus the directory itself):
- **load**: ``bd4m-kg init`` then ``bd4m-kg load`` of the synthetic N-Quads into the embedded store,
  an Oxigraph server and Virtuoso 7 (each started privately on loopback, as the tests start them);
- **mix**: the named queries of queries/, never repeated (a numbered comment defeats every cache),
  through ``bd4m-kg serve`` on each engine, wrk from a second process with 4 connections (a
  request may take 120 s, the query deadline);
- **web tier**: DESCRIBE of project records, never repeated, through ``bd4m-kg serve --processes N``
  (N = 1, 2, 4) on the Oxigraph server, 16 connections.
Ratios are against the embedded store (load, mix) and against one process (web tier), measured in
the same run.

    python bench/scale.py                                # 1M and 5M triples
    python bench/scale.py --sizes 1000000 --mix-seconds 30
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import requests

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tests")]
from conftest import OxigraphServer, VirtuosoServer  # noqa: E402  (the engines as the tests start them)
from generate import generate  # noqa: E402
from http_load import Result, describe_paths, free_port, named_paths, wait, wrk  # noqa: E402

BIN = Path(sys.executable).parent
BD4M_KG = str(BIN / "bd4m-kg")
ENGINES = ("embedded", "oxigraph", "virtuoso")
BIG_VIRTUOSO = {"buffers": 680_000, "dirty": 500_000}  # about 5 GB of page buffers, as its docs advise


@dataclass
class Size:
    """What one size measured."""

    triples: int
    load_seconds: dict[str, float] = field(default_factory=dict)
    mix: dict[str, Result] = field(default_factory=dict)
    web_tier: dict[int, Result] = field(default_factory=dict)


@contextmanager
def engine(name: str, work: Path):
    """The ``--store``/``--state`` options of a fresh, empty store of this kind; its server stops after."""
    if name == "embedded":
        yield ["--store", str(work / "embedded")]
        return
    server = (
        OxigraphServer(work / "oxigraph")
        if name == "oxigraph"
        else VirtuosoServer(work / "virtuoso", **BIG_VIRTUOSO)
    ).start()
    try:
        yield ["--store", server.url, "--state", str(work / f"{name}-state")]
    finally:
        server.stop()


def load(options: list[str], data: Path) -> float:
    """Seconds ``bd4m-kg load`` takes for the synthetic records (after ``init`` built the directory)."""
    run([BD4M_KG, "init", *options])
    started = time.perf_counter()
    run([BD4M_KG, "load", *options, str(data)])
    return time.perf_counter() - started


def run(command: list[str]) -> None:
    """Run a command; stop the benchmark with its error output if it fails."""
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr[-3000:]}")


@contextmanager
def serving(options: list[str], processes: int = 1):
    """``bd4m-kg serve`` on these options: its base URL.

    The load comes from one address, so the per-client query limit is lifted (the limiter still
    counts every request).
    """
    port = free_port()
    command = [BD4M_KG, "serve", *options, "--port", str(port), "--processes", str(processes)]
    settings = {"BD4M_RATE_LIMIT_QUERIES": "100000000 per minute", "BD4M_QUERY_DEADLINE": "120"}
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, **settings}
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait(f"{url}/health", process)
        yield url
    finally:
        process.terminate()
        process.wait()


def projects(url: str) -> list[str]:
    """The project records the served store holds."""
    query = "SELECT DISTINCT ?p WHERE { ?p a <https://w3id.org/bd4m/ontology#Project> } LIMIT 5000"
    answer = requests.get(
        f"{url}/sparql",
        params={"query": query},
        headers={"Accept": "application/sparql-results+json"},
        timeout=600,
    )
    return [row["p"]["value"] for row in answer.json()["results"]["bindings"]]


def measure(triples: int, arguments: argparse.Namespace, work: Path) -> Size:
    """Every engine's load and mix, then the web tier on the Oxigraph server."""
    data = work / "synthetic.nq"
    generate(triples, data)
    size = Size(triples)
    for name in ENGINES:
        with engine(name, work) as options:
            size.load_seconds[name] = load(options, data)
            note(f"{triples:,}: {name} loaded in {size.load_seconds[name]:.1f} s")
            with serving(options) as url:
                accept = "application/sparql-results+json"
                paths = named_paths("bd4m-kg")
                size.mix[name] = wrk(url, paths, accept, 4, arguments.mix_seconds, work, timeout=120)
            if name == "oxigraph":
                for processes in arguments.processes:
                    with serving(options, processes) as url:
                        paths = describe_paths("bd4m-kg", projects(url))
                        size.web_tier[processes] = wrk(url, paths, "text/turtle", 16, arguments.seconds, work)
    return size


def note(text: str) -> None:
    """Progress on stderr, so the table on stdout stays clean."""
    print(text, file=sys.stderr, flush=True)


def print_tables(sizes: list[Size]) -> None:
    """The load and mix table, then the web-tier table."""
    print(
        f"{'triples':>9} {'engine':<9} {'load s':>8} {'triples/s':>10} {'vs embedded':>11} "
        f"{'mix req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6} {'vs embedded':>11}"
    )
    for size in sizes:
        for name in ENGINES:
            seconds, mix = size.load_seconds[name], size.mix[name]
            print(
                f"{size.triples:>9,} {name:<9} {seconds:>8.1f} {size.triples / seconds:>10,.0f} "
                f"{size.load_seconds['embedded'] / seconds:>10.2f}x {mix.requests_per_second:>9.2f} "
                f"{mix.p50_ms:>8.0f} {mix.p99_ms:>8.0f} {mix.errors:>6} "
                f"{mix.requests_per_second / size.mix['embedded'].requests_per_second:>10.2f}x"
            )
    columns = ("triples", 9), ("processes", 9), ("describe req/s", 14), ("p50 ms", 8), ("p99 ms", 8)
    print("\n" + " ".join(f"{name:>{width}}" for name, width in columns), f"{'errors':>6} {'vs 1':>6}")
    for size in sizes:
        for processes, result in size.web_tier.items():
            one = size.web_tier[min(size.web_tier)].requests_per_second
            print(
                f"{size.triples:>9,} {processes:>9} {result.requests_per_second:>14,.0f} "
                f"{result.p50_ms:>8.2f} {result.p99_ms:>8.2f} {result.errors:>6} "
                f"{result.requests_per_second / one:>5.2f}x"
            )


def main() -> None:
    """Measure every size, then print the tables."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 5_000_000])
    parser.add_argument("--seconds", type=int, default=20, help="Seconds per web-tier run.")
    parser.add_argument("--mix-seconds", type=int, default=60, help="Seconds per query-mix run.")
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2, 4])
    arguments = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    sizes = []
    for triples in arguments.sizes:
        with tempfile.TemporaryDirectory(prefix="bd4m-scale-") as folder:
            sizes.append(measure(triples, arguments, Path(folder)))
        print_tables(sizes[-1:])  # each size as soon as it is measured
    if len(sizes) > 1:
        print("\nAll sizes:")
        print_tables(sizes)


if __name__ == "__main__":
    main()
