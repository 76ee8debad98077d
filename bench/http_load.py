"""HTTP throughput and latency: ``bd4m-kg serve`` against ``oxigraph serve-read-only`` and Trifid.

(Not named http.py: run as a script, that name would hide the standard library's ``http``.)

All three serve the same quads (the directory plus seeded synthetic records, bench/generate.py):
ours from its store, Oxigraph from the very same snapshot folder (``--union-default-graph``),
Trifid (bench/trifid_server.py) in front of that Oxigraph, dereferencing the same IRIs. wrk
(Debian) drives each from a second process on 127.0.0.1, with 1, 4 and 16 connections.

Workloads:
- ``doc-ttl`` / ``doc-html``, cold: each record's document once, never a record twice on one
  server (the records are split between its cells): ``/doc/…`` ours, ``/id/…`` Trifid,
  ``DESCRIBE`` as Turtle for Oxigraph (which has no HTML: its ratio is against its Turtle).
- ``describe``, cold: ``DESCRIBE <record>`` through the SPARQL endpoint, a new record each time.
- ``named``, cold: the named queries of queries/ (default parameters bound), each request unique
  (a numbered comment), as GET ?query=.
- ``warm``: the same 32 documents again and again.
- ``revalidate``: ``If-None-Match`` with the ETag of a document fetched before (ours only: the
  others send no ETag); the goal is an absolute rate.

All the load comes from one address, so our per-client limits are lifted for the run: the query
rate limit (``RATE_LIMIT_QUERIES``, 300 a minute), the queries one client may run at once
(``CLIENT_QUERIES``) and its query seconds a minute (``CLIENT_QUERY_SECONDS``). The answer cache
keeps its default size. A cold cell runs for at most ``--seconds``, less when its share of the
records could run out (at :data:`COLD_RATE`); cells that still repeated requests are marked
``wrapped`` (Oxigraph has no answer cache: a repeated DESCRIBE costs it the same). After each
size, the resident memory of our processes (web process and readers) is printed, before and
after the documents.

    python bench/http_load.py                         # 400k and 1M triples, 3 s a cell
    python bench/http_load.py --sizes 100000 --seconds 2 --connections 4
    python bench/http_load.py --processes 2          # ours with two web processes
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
from trifid_server import start_trifid

from bd4m_kg.rdf.iris import RECORD_KINDS
from bd4m_kg.sparql.named_queries import load_named_queries
from generate import generate

BIN = Path(sys.executable).parent
BASE = "https://w3id.org/bd4m/"
ROTATE = """
local lines = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do lines[#lines + 1] = line end
local counter = 0
local threads = 0
function setup(thread) thread:set("id", threads); threads = threads + 1 end
function init(args) counter = tonumber(wrk.thread:get("id")); step = tonumber(os.getenv("BENCH_THREADS")) end
function request()
  local line = lines[(counter % #lines) + 1]
  counter = counter + step
  local path, etag = line:match("^([^\\t]+)\\t?(.*)$")
  local headers = {["Accept"] = os.getenv("BENCH_ACCEPT")}
  if etag ~= "" then headers["If-None-Match"] = etag end
  return wrk.format("GET", path, headers)
end
"""
WARM = 32
LIFTED = {  # every request comes from one address: the per-client limits would refuse most of them
    "BD4M_RATE_LIMIT_QUERIES": "100000000 per minute",
    "BD4M_CLIENT_QUERIES": "64",
    "BD4M_CLIENT_QUERY_SECONDS": "1000000",
}
COLD_RATE = 2_500  # requests a second a cold cell may need: its run is short enough not to run out
Server = tuple[str, str, subprocess.Popen]  # name, base URL, process


@dataclass
class Result:
    """One wrk run."""

    requests: int
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    wrapped: bool


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
    base: str, lines: list[str], accept: str, connections: int, seconds: int, work: Path, timeout: int = 5
) -> Result:
    """Run wrk over ``lines`` (``path`` or ``path<TAB>etag``), each thread taking every n-th one.

    A request slower than ``timeout`` seconds counts as an error (as do answers other than 2xx and 3xx).
    """
    listing, script = work / "paths.txt", work / "rotate.lua"
    listing.write_text("\n".join(lines) + "\n")
    script.write_text(ROTATE)
    threads = min(connections, 4)
    env = {**os.environ, "BENCH_PATHS": str(listing), "BENCH_ACCEPT": accept, "BENCH_THREADS": str(threads)}
    command = [
        "wrk",
        "-t",
        str(threads),
        "-c",
        str(connections),
        "-d",
        f"{seconds}s",
        "--timeout",
        f"{timeout}s",
    ]
    ran = subprocess.run(
        [*command, "--latency", "-s", str(script), base], capture_output=True, text=True, env=env
    )
    output = ran.stdout + ran.stderr
    if "requests in" not in output:
        raise SystemExit(f"wrk failed against {base}:\n{output}")
    done = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    errors = sum(
        int(n)
        for n in re.findall(r"(?:Non-2xx or 3xx responses|Socket errors:.*?timeout)\s*:?\s*(\d+)", output)
    )
    return Result(
        done, rate, _percentile(output, "50%"), _percentile(output, "99%"), errors, done > len(lines)
    )


def _percentile(output: str, label: str) -> float:
    match = re.search(rf"{re.escape(label)}\s+([\d.]+)(us|ms|s)", output)
    if not match:
        return float("nan")
    value, unit = float(match.group(1)), match.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


# -- data and servers ------------------------------------------------------------------------------


def prepare(size: int, work: Path) -> tuple[Path, list[str]]:
    """Build our store with the directory and ``size`` synthetic triples: its folder and every record IRI."""
    data = work / "synthetic.nq"
    generate(size, data)
    store = work / "store"
    subprocess.run([str(BIN / "bd4m-kg"), "init", "--store", str(store)], check=True, capture_output=True)
    subprocess.run(
        [str(BIN / "bd4m-kg"), "load", "--store", str(store), str(data)], check=True, capture_output=True
    )
    dataset = ox.Store.read_only(str(latest_snapshot(store)))
    kinds = "|".join(RECORD_KINDS)
    query = (
        "SELECT DISTINCT ?r WHERE { GRAPH ?g { ?r a ?type } "
        f'FILTER(REGEX(STR(?r), "^{BASE}id/({kinds})/[^#/]+$")) }}'
    )
    return store, sorted(str(row["r"].value) for row in dataset.query(query))  # type: ignore[union-attr]


def latest_snapshot(store: Path) -> Path:
    """The snapshot folder of the store's last generation."""
    return max((store / "snapshots").iterdir(), key=lambda p: int(p.name))


def start_ours(store: Path, processes: int) -> tuple[str, subprocess.Popen]:
    """``bd4m-kg serve`` on the store, as a user starts it (2 reader processes), its client limits lifted."""
    port = free_port()
    command = ["serve", "--store", str(store), "--port", str(port), "--workers", "2"]
    process = subprocess.Popen(
        [str(BIN / "bd4m-kg"), *command, "--processes", str(processes)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **LIFTED},
    )
    return f"http://127.0.0.1:{port}", process


def start_oxigraph(store: Path) -> tuple[str, subprocess.Popen]:
    """``oxigraph serve-read-only`` on the store's latest snapshot (the same files ours reads)."""
    port = free_port()
    command = ["serve-read-only", "--location", str(latest_snapshot(store)), "--union-default-graph"]
    process = subprocess.Popen(
        [str(BIN / "oxigraph"), *command, "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return f"http://127.0.0.1:{port}", process


def servers(store: Path, record: str, processes: int) -> list[Server]:
    """Start ours, Oxigraph and Trifid, and wait until each answers (ours: with its memory copy filled)."""
    ours_url, ours = start_ours(store, processes)
    oxigraph_url, oxigraph = start_oxigraph(store)
    wait(f"{oxigraph_url}/query?{urlencode({'query': 'ASK {}'})}", oxigraph)
    trifid_url, trifid = start_trifid(f"{oxigraph_url}/query")
    wait(f"{ours_url}/health", ours)
    _settle_memory_copy(ours_url)
    for _ in range(200):  # Trifid's first requests are slow while Node compiles its code
        requests.get(f"{trifid_url}/id/{record.removeprefix(BASE + 'id/')}", timeout=30)
    return [("bd4m-kg", ours_url, ours), ("oxigraph", oxigraph_url, oxigraph), ("trifid", trifid_url, trifid)]


def _settle_memory_copy(base: str, seconds: float = 600) -> None:
    """Wait until our documents are read from the memory copy (``/health`` says when it is filled).

    Asked on fresh connections until 20 answers in a row say so: each web process has its own copy.
    """
    give_up, in_a_row = time.monotonic() + seconds, 0
    while time.monotonic() < give_up:
        copy = requests.get(f"{base}/health", timeout=60).json().get("memory_copy")
        in_a_row = in_a_row + 1 if copy is None or copy["current"] else 0
        if in_a_row == 20:
            return
        time.sleep(0.05 if in_a_row else 1)
    raise SystemExit("the memory copy was not filled in time")


# -- workloads -------------------------------------------------------------------------------------


def slug(record: str) -> str:
    """``project/x`` for ``{BASE}id/project/x``."""
    return record.removeprefix(f"{BASE}id/")


def doc_paths(server: str, records: list[str], extension: str) -> list[str]:
    """The request of each record's document on a server (Oxigraph: its DESCRIBE)."""
    if server == "bd4m-kg":
        return [f"/doc/{slug(r)}.{extension}" for r in records]
    if server == "trifid":
        return [f"/id/{slug(r)}" for r in records]
    return describe_paths(server, records)


def describe_paths(server: str, records: list[str]) -> list[str]:
    """``DESCRIBE <record>`` through the server's SPARQL endpoint."""
    endpoint = "/sparql" if server == "bd4m-kg" else "/query"
    return [f"{endpoint}?{urlencode({'query': f'DESCRIBE <{r}>'})}" for r in records]


def named_paths(server: str, count: int = 100_000) -> list[str]:
    """The named queries in turn, each with a numbered comment (no cache can help)."""
    endpoint = "/sparql" if server == "bd4m-kg" else "/query"
    queries = [q.standalone() for q in load_named_queries().values()]
    unique = [f"{queries[i % len(queries)]}\n# request {i}" for i in range(count)]
    return [f"{endpoint}?{urlencode({'query': q})}" for q in unique]


def split(records: list[str], parts: int) -> list[list[str]]:
    """``records`` dealt into ``parts`` lists (every part spread over the whole list)."""
    return [records[start::parts] for start in range(parts)]


def etags(base: str, paths: list[str], accept: str) -> list[str]:
    """``path<TAB>etag`` of documents fetched once (as a harvester has them)."""
    lines = []
    with requests.Session() as session:
        for path in paths:
            answer = session.get(f"{base}{path}", headers={"Accept": accept}, timeout=30)
            lines.append(f"{path}\t{answer.headers['ETag']}")
    return lines


def rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MB."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            children.setdefault(parent, []).append(int(entry.name))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo += children.get(current, [])
        try:
            status = (Path("/proc") / str(current) / "status").read_text()
        except OSError:
            continue
        total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) if "VmRSS" in status else 0  # type: ignore[union-attr]
    return total / 1024


# -- the table -------------------------------------------------------------------------------------


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[400_000, 1_000_000])
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--named-seconds", type=int, default=20, help="Seconds a named-query cell runs.")
    parser.add_argument("--connections", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--settle", type=float, default=2.0, help="Seconds between cells.")
    parser.add_argument("--processes", type=int, default=1, help="Our web processes (serve --processes).")
    arguments = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    print(
        f"{'triples':>9} {'workload':<10} {'conns':>5} {'server':<8} {'req/s':>8} {'p50 ms':>8} "
        f"{'p99 ms':>8} {'errors':>6} {'vs oxigraph':>11} {'vs trifid':>9}",
        flush=True,
    )
    for size in arguments.sizes:
        with tempfile.TemporaryDirectory(prefix="bd4m-http-") as folder:
            work = Path(folder)
            store, records = prepare(size, work)
            started = servers(store, records[0], arguments.processes)
            try:
                measure(size, started, records, arguments, work)
            finally:
                for _, _, process in started:
                    process.terminate()
                    process.wait()


def measure(
    size: int, started: list[Server], records: list[str], arguments: argparse.Namespace, work: Path
) -> None:
    """Every workload and connection count against every server: one table row each."""
    ours = started[0]
    print(f"# {size:,} triples, {len(records):,} records; ours {rss_mb(ours[2].pid):,.0f} MB", flush=True)
    cold(size, started, records, arguments, work)
    print(f"# ours {rss_mb(ours[2].pid):,.0f} MB after the cold documents", flush=True)
    run = arguments.seconds
    for connections in arguments.connections:
        paths = {name: doc_paths(name, records[:WARM], "ttl") for name, _, _ in started}
        report(size, "warm", connections, cell(started, paths, "text/turtle", connections, arguments, work))
    had = etags(ours[1], doc_paths("bd4m-kg", records[:20_000], "ttl"), "text/turtle")
    for connections in arguments.connections:
        report(
            size,
            "revalidate",
            connections,
            {"bd4m-kg": wrk(ours[1], had, "text/turtle", connections, run, work)},
        )
        time.sleep(arguments.settle)
    for connections in arguments.connections:
        paths = {name: named_paths(name) for name, _, _ in started[:2]}
        accept = "application/sparql-results+json"
        long = argparse.Namespace(**{**vars(arguments), "seconds": arguments.named_seconds})
        report(size, "named", connections, cell(started[:2], paths, accept, connections, long, work, 5))
    print(f"# ours {rss_mb(ours[2].pid):,.0f} MB at the end", flush=True)


def cold(
    size: int, started: list[Server], records: list[str], arguments: argparse.Namespace, work: Path
) -> None:
    """Documents as Turtle and HTML, and DESCRIBE, each record once per server."""
    fresh = {name: iter(split(records, len(arguments.connections) * 3)) for name, _, _ in started}
    for workload, accept in (
        ("doc-ttl", "text/turtle"),
        ("doc-html", "text/html"),
        ("describe", "text/turtle"),
    ):
        for connections in arguments.connections:
            asking = [s for s in started if not (workload == "describe" and s[0] == "trifid")]
            paths = {}
            for name, _, _ in asking:
                mine = next(fresh[name])
                extension = "html" if workload == "doc-html" else "ttl"
                paths[name] = (
                    describe_paths(name, mine) if workload == "describe" else doc_paths(name, mine, extension)
                )
            fresh_requests = min(len(p) for p in paths.values())
            results = cell(asking, paths, accept, connections, arguments, work, cold=fresh_requests)
            report(size, workload, connections, results)


def cell(
    started: list[Server],
    paths: dict[str, list[str]],
    accept: str,
    connections: int,
    arguments: argparse.Namespace,
    work: Path,
    settle: float = 1,
    cold: int | None = None,
) -> dict[str, Result]:
    """One wrk run per server (Oxigraph is always asked for Turtle), a pause after each.

    ``cold``: the number of fresh requests each server has for the cell (None: they repeat).
    """
    results = {}
    for name, base, _ in started:
        asked = "text/turtle" if name == "oxigraph" and accept == "text/html" else accept
        seconds = arguments.seconds if cold is None else max(1, min(arguments.seconds, cold // COLD_RATE))
        results[name] = wrk(base, paths[name], asked, connections, seconds, work)
        time.sleep(arguments.settle * settle)  # queries wrk abandoned finish before the next run
    return results


def report(size: int, workload: str, connections: int, results: dict[str, Result]) -> None:
    """One row per server, with its ratios to Oxigraph and Trifid in the same cell."""
    for name, result in results.items():
        ratios = [
            f"{result.requests_per_second / results[anchor].requests_per_second:.2f}x"
            if anchor in results and results[anchor].requests_per_second
            else "-"
            for anchor in ("oxigraph", "trifid")
        ]
        rate = f"{result.requests_per_second:,.{0 if result.requests_per_second >= 10 else 2}f}"
        print(
            f"{size:>9,} {workload:<10} {connections:>5} {name:<8} {rate:>8} {result.p50_ms:>8.2f} "
            f"{result.p99_ms:>8.2f} {result.errors:>6} {ratios[0]:>11} {ratios[1]:>9}"
            + ("  wrapped" if result.wrapped else ""),
            flush=True,
        )


if __name__ == "__main__":
    main()
