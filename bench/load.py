"""Load throughput and peak memory: ``bd4m-kg load`` against raw pyoxigraph ``bulk_load`` of the same file.

For each size, a seeded synthetic N-Quads file (bench/generate.py) is loaded, each run in a fresh
process and a fresh store:

- embedded, reference: ``pyoxigraph.Store(dir).bulk_load(path=file)`` into an empty store;
- embedded, ours: ``bd4m-kg load --store DIR file`` into a store built by ``bd4m-kg init``
  (the directory's 5 k triples; init is not timed);
- remote, reference: the Oxigraph server's own bulk path, ``POST /store`` with the N-Quads body;
- remote, ours: ``bd4m-kg load --store URL file`` (one atomic SPARQL Update) into an inited server.

Wall time includes the process start for both sides. The table gives medians over the runs,
throughput in triples per second, the ratio ours/reference (goal ≥ 0.9 embedded), and peak RSS
of the loading process (the server's own peak for remote runs).

    python bench/load.py                      # 10k 100k 1M 5M, 3 runs each
    python bench/load.py --sizes 10000 100000 --runs 5
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate

BIN = Path(sys.executable).parent
RAW_BULK_LOAD = (
    "import sys, pyoxigraph as ox; s = ox.Store(sys.argv[1]); "
    "s.bulk_load(path=sys.argv[2], format=ox.RdfFormat.N_QUADS); s.flush()"
)


@dataclass
class Run:
    """One timed run: seconds and peak resident memory in MiB."""

    seconds: float
    peak_mib: float


def timed(command: list[str], env: dict[str, str] | None = None) -> Run:
    """Run a command to completion; its wall time and its peak RSS (from wait4)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{command[0]} failed: {process.stderr.read().decode() if process.stderr else ''}")
    return Run(seconds, usage.ru_maxrss / 1024)


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """A fresh ``oxigraph serve --union-default-graph`` on disk."""

    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [str(BIN / "oxigraph"), "serve", "--location", str(folder), "--union-default-graph"]
        self.process = subprocess.Popen(
            [*command, "--bind", f"127.0.0.1:{self.port}"], stderr=subprocess.DEVNULL
        )
        for _ in range(400):
            try:
                requests.get(f"{self.url}/query?query=ASK%7B%7D", timeout=1)
                return
            except requests.ConnectionError:
                time.sleep(0.025)
        raise SystemExit("oxigraph serve did not start")

    def peak_mib(self) -> float:
        """The server's peak resident memory so far."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self) -> None:
        """Stop the server."""
        self.process.terminate()
        self.process.wait()


def embedded_reference(file: Path, work: Path) -> Run:
    """Raw bulk_load into an empty on-disk store."""
    return timed([sys.executable, "-c", RAW_BULK_LOAD, str(work / "raw"), str(file)])


def embedded_ours(file: Path, work: Path) -> Run:
    """``bd4m-kg load`` into a store holding the directory."""
    store = str(work / "ours")
    subprocess.run([str(BIN / "bd4m-kg"), "init", "--store", store], check=True, capture_output=True)
    return timed([str(BIN / "bd4m-kg"), "load", "--store", store, str(file)])


def remote_reference(file: Path, work: Path) -> Run:
    """The server's own bulk path: POST the N-Quads to /store (timed in this process)."""
    server = Server(work / "server")
    try:
        start = time.perf_counter()
        with file.open("rb") as body:
            response = requests.post(
                f"{server.url}/store",
                data=body,
                headers={"Content-Type": "application/n-quads"},
                timeout=3600,
            )
        response.raise_for_status()
        return Run(time.perf_counter() - start, server.peak_mib())
    finally:
        server.stop()


def remote_ours(file: Path, work: Path) -> Run:
    """``bd4m-kg load --store URL`` into a server holding the directory."""
    server = Server(work / "server")
    env = {**os.environ, "BD4M_STORE": server.url, "BD4M_STATE": str(work / "state")}
    try:
        subprocess.run([str(BIN / "bd4m-kg"), "init"], check=True, capture_output=True, env=env)
        run = timed([str(BIN / "bd4m-kg"), "load", str(file)], env=env)
        return Run(run.seconds, max(run.peak_mib, server.peak_mib()))
    finally:
        server.stop()


def median_run(measure, file: Path, runs: int) -> Run:
    """The median time (and the median peak memory) over fresh runs."""
    results = []
    for _ in range(runs):
        work = Path(tempfile.mkdtemp(prefix="bd4m-bench-"))
        try:
            results.append(measure(file, work))
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return Run(statistics.median(r.seconds for r in results), statistics.median(r.peak_mib for r in results))


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000, 5_000_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-remote", action="store_true", help="Skip the Oxigraph server rows.")
    arguments = parser.parse_args()
    kinds = [("embedded", embedded_reference, embedded_ours)]
    if not arguments.no_remote:
        kinds.append(("remote", remote_reference, remote_ours))
    header = f"{'store':<9} {'triples':>10} {'ref s':>8} {'ours s':>8} {'ref t/s':>10} {'ours t/s':>10}"
    print(f"{header} {'ratio':>6} {'ref MiB':>8} {'ours MiB':>9}")
    with tempfile.TemporaryDirectory(prefix="bd4m-bench-data-") as data:
        for size in arguments.sizes:
            file = Path(data) / f"synthetic-{size}.nq"
            triples = generate(size, file)
            for kind, reference, ours in kinds:
                ref, our = median_run(reference, file, arguments.runs), median_run(ours, file, arguments.runs)
                print(
                    f"{kind:<9} {triples:>10,} {ref.seconds:>8.2f} {our.seconds:>8.2f} "
                    f"{triples / ref.seconds:>10,.0f} {triples / our.seconds:>10,.0f} "
                    f"{ref.seconds / our.seconds:>6.2f} {ref.peak_mib:>8.0f} {our.peak_mib:>9.0f}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
