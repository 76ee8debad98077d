"""HTTP throughput and latency: ``bd4m-kg serve`` against ``oxigraph serve-read-only`` and rdflib-endpoint.

(Not named http.py: run as a script, that name would hide the standard library's ``http``.)

All three serve the same data (the directory plus seeded synthetic records, bench/generate.py):
ours from its store, Oxigraph from the very same snapshot folder, rdflib-endpoint from an
N-Triples dump of it. wrk (Debian) drives each from a second process on 127.0.0.1.

Workloads, each with 1, 4 and 16 connections:
- ``mix``: the named queries of queries/ (their default parameters bound), as GET ?query=.
- ``describe``: DESCRIBE of one project record, as Turtle.
``warm`` repeats a short list of requests (bd4m-kg answers them from its answer cache); ``cold``
never repeats one: each query carries a numbered comment, so no cache can help.

    python bench/http_load.py                      # 100k and 1M triples, 5 s per run
    python bench/http_load.py --sizes 100000 --seconds 10 --no-rdflib
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bd4m_kg.sparql.named_queries import load_named_queries
from generate import generate

BIN = Path(sys.executable).parent
ROTATE = """
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end
local counter = 0
local step = tonumber(os.getenv("BENCH_STEP") or "1")
function setup(thread) thread:set("offset", math.random(0, #paths - 1)) end
function init(args) counter = tonumber(wrk.thread:get("offset") or 0) end
function request()
  counter = counter + step
  return wrk.format("GET", paths[(counter % #paths) + 1], {["Accept"] = os.getenv("BENCH_ACCEPT")})
end
"""


@dataclass
class Result:
    """One wrk run."""

    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait(url: str, process: subprocess.Popen, seconds: float = 600) -> None:
    """Wait until ``url`` answers."""
    give_up = time.monotonic() + seconds
    while time.monotonic() < give_up:
        if process.poll() is not None:
            raise SystemExit(f"{process.args[0]} exited with {process.returncode}")
        try:
            if requests.get(url, timeout=5).status_code < 500:
                return
        except requests.RequestException:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer")


def wrk(
    base: str, paths: list[str], accept: str, connections: int, seconds: int, work: Path, timeout: int = 2
) -> Result:
    """Run wrk over ``paths`` (rotating) and read its rate and latency percentiles.

    A request slower than ``timeout`` seconds (wrk's default is 2) counts as an error.
    """
    listing, script = work / "paths.txt", work / "rotate.lua"
    listing.write_text("\n".join(paths) + "\n")
    script.write_text(ROTATE)
    env = {**os.environ, "BENCH_PATHS": str(listing), "BENCH_ACCEPT": accept}
    command = [
        "wrk",
        "-t",
        str(min(connections, 4)),
        "-c",
        str(connections),
        "-d",
        f"{seconds}s",
        "--timeout",
        f"{timeout}s",
        "--latency",
    ]
    output = subprocess.run(
        [*command, "-s", str(script), base], capture_output=True, text=True, env=env
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    errors = sum(
        int(n)
        for n in re.findall(r"(?:Non-2xx or 3xx responses|Socket errors:.*?timeout)\s*:?\s*(\d+)", output)
    )
    return Result(rate, _percentile(output, "50%"), _percentile(output, "99%"), errors)


def _percentile(output: str, label: str) -> float:
    match = re.search(rf"{re.escape(label)}\s+([\d.]+)(us|ms|s)", output)
    if not match:
        return float("nan")
    value, unit = float(match.group(1)), match.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def workloads(prefix: str, projects: list[str]) -> dict[str, tuple[str, dict[str, list[str]]]]:
    """(Accept, {"warm": paths, "cold": paths}) per workload, for an endpoint path prefix."""
    mix = [q.standalone() for q in load_named_queries().values()]
    describes = [f"DESCRIBE <{p}>" for p in projects]
    return {  # DESCRIBEs first: rdflib-endpoint is still busy with abandoned mix queries long after
        "describe": ("text/turtle", _runs(prefix, describes, warm=20)),
        "mix": ("application/sparql-results+json", _runs(prefix, mix)),
    }


def _runs(prefix: str, queries: list[str], warm: int | None = None) -> dict[str, list[str]]:
    return {"warm": _paths(prefix, queries[:warm]), "cold": _unique(prefix, queries)}


def _paths(prefix: str, queries: list[str]) -> list[str]:
    return [f"{prefix}?{urlencode({'query': q})}" for q in queries]


def _unique(prefix: str, queries: list[str], count: int = 200_000) -> list[str]:
    """Never-repeating requests: the queries in turn, each with a numbered comment (no cache can help)."""
    return _paths(prefix, [f"{queries[i % len(queries)]}\n# request {i}" for i in range(count)])


def prepare(size: int, work: Path) -> tuple[Path, Path, list[str]]:
    """Build our store with the directory and ``size`` synthetic triples; dump N-Triples for rdflib."""
    data = work / "synthetic.nq"
    generate(size, data)
    store = work / "store"
    subprocess.run([str(BIN / "bd4m-kg"), "init", "--store", str(store)], check=True, capture_output=True)
    subprocess.run(
        [str(BIN / "bd4m-kg"), "load", "--store", str(store), str(data)], check=True, capture_output=True
    )
    snapshot = max((store / "snapshots").iterdir(), key=lambda p: int(p.name))
    dataset = ox.Store.read_only(str(snapshot))
    triples = work / "all.nt"
    with triples.open("wb") as output:
        ox.serialize((q.triple for q in dataset), output, format=ox.RdfFormat.N_TRIPLES)
    projects = sorted(
        str(r["p"].value)
        for r in dataset.query(
            "SELECT DISTINCT ?p WHERE { GRAPH ?g { ?p a <https://w3id.org/bd4m/ontology#Project> } }"
        )
    )
    return store, triples, projects


def start_ours(store: Path) -> tuple[str, subprocess.Popen]:
    """``bd4m-kg serve`` on the store, as a user starts it (2 reader processes): its URL and process.

    The load comes from one address, so the per-client query limit is lifted (the limiter still
    counts every request, so its cost is measured).
    """
    port = free_port()
    process = subprocess.Popen(
        [str(BIN / "bd4m-kg"), "serve", "--store", str(store), "--port", str(port), "--workers", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "BD4M_RATE_LIMIT_QUERIES": "100000000 per minute"},
    )
    return f"http://127.0.0.1:{port}", process


def start_oxigraph(store: Path) -> tuple[str, subprocess.Popen]:
    """``oxigraph serve-read-only`` on the store's latest snapshot (the same files ours reads)."""
    snapshot = max((store / "snapshots").iterdir(), key=lambda p: int(p.name))
    port = free_port()
    command = ["serve-read-only", "--location", str(snapshot), "--union-default-graph", "--bind"]
    process = subprocess.Popen(
        [str(BIN / "oxigraph"), *command, f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return f"http://127.0.0.1:{port}", process


def servers(store: Path, triples: Path, with_rdflib: bool) -> list[tuple[str, str, str, subprocess.Popen]]:
    """Start the servers: (name, base URL, query path, process)."""
    (ours_url, ours), (oxigraph_url, oxigraph) = start_ours(store), start_oxigraph(store)
    started = [("bd4m-kg", ours_url, "/sparql", ours), ("oxigraph", oxigraph_url, "/query", oxigraph)]
    if with_rdflib:
        port = free_port()
        rdflib = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "rdflib_endpoint",
                "serve",
                str(triples),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        started.append(
            ("rdflib-endpoint", f"http://127.0.0.1:{port}", "/", rdflib)
        )  # its endpoint is the root
    for _, base, path, process in started:
        wait(f"{base}{path}?{urlencode({'query': 'ASK {}'})}", process)
    return started


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--no-rdflib", action="store_true", help="Leave rdflib-endpoint out.")
    parser.add_argument(
        "--settle", type=float, default=10.0, help="Seconds between cells, for abandoned queries to end."
    )
    arguments = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    print(
        f"{'triples':>9} {'workload':<9} {'run':<5} {'conns':>5} {'server':<16} {'req/s':>8} {'p50 ms':>8} "
        f"{'p99 ms':>8} {'errors':>6} {'vs oxigraph':>11}"
    )
    for size in arguments.sizes:
        with tempfile.TemporaryDirectory(prefix="bd4m-http-") as folder:
            work = Path(folder)
            store, triples, projects = prepare(size, work)
            started = servers(store, triples, not arguments.no_rdflib)
            try:
                measure(size, started, projects, arguments, work)
            finally:
                for _, _, _, process in started:
                    process.terminate()
                    process.wait()


def measure(size: int, started: list, projects: list[str], arguments: argparse.Namespace, work: Path) -> None:
    """Every workload, run and connection count against every server: one table row each."""
    for workload, (accept, runs) in workloads("", projects).items():
        for run in runs:
            for connections in arguments.connections:
                results = {}
                for name, base, path, _ in started:
                    paths = workloads(path, projects)[workload][1][run]
                    results[name] = wrk(base, paths, accept, connections, arguments.seconds, work)
                    time.sleep(arguments.settle)  # queries wrk abandoned finish before the next cell
                for name, result in results.items():
                    ratio = result.requests_per_second / results["oxigraph"].requests_per_second
                    print(
                        f"{size:>9,} {workload:<9} {run:<5} {connections:>5} {name:<16} "
                        f"{result.requests_per_second:>8,.{0 if result.requests_per_second >= 10 else 2}f} "
                        f"{result.p50_ms:>8.2f} "
                        f"{result.p99_ms:>8.2f} {result.errors:>6} {ratio:>10.2f}x",
                        flush=True,
                    )


if __name__ == "__main__":
    main()
