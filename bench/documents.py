"""Linked-data documents and dumps: HTTP against the in-process call, and against Oxigraph.

On the directory plus seeded synthetic records (bench/generate.py), in one run:
- ``describe`` + Turtle serialisation called in-process on the store (the floor for a document);
- ``GET /doc/project/….ttl`` from ``bd4m-kg serve``, cold (each document once) and warm (the same
  documents again), one client, one request at a time;
- ``DESCRIBE <…>`` as Turtle from ``oxigraph serve-read-only`` on the same snapshot (a smaller
  answer: the record's own triples, without labels of what it links to or what links to it);
- the N-Quads dump: download rate from ``/dumps/bd4m.nq.gz`` against pyoxigraph writing the same
  store to gzip N-Quads in this process.

Goal: a document over HTTP within 1.2 times the in-process call + 2 ms (medians).

    python bench/documents.py --size 100000 --documents 200
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bd4m_kg.linked_data.describe import describe
from bd4m_kg.linked_data.documents import about_document, serialize_document
from bd4m_kg.publishing.dumps import COMPRESSION
from bd4m_kg.store import open_store
from http_load import prepare, start_ours, start_oxigraph, wait


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=100_000, help="Synthetic triples added to the directory.")
    parser.add_argument("--documents", type=int, default=200, help="Project documents requested.")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bd4m-docs-") as folder:
        work = Path(folder)
        store_folder, records = prepare(arguments.size, work)
        projects = [r for r in records if "/id/project/" in r]
        projects = projects[: arguments.documents]
        in_process = _in_process(store_folder, projects)
        rows = [("describe + Turtle, in process", in_process, None)]
        started = _start(store_folder)
        try:
            ours, oxigraph = started
            rows += [
                ("GET /doc/….ttl, cold", _timed(ours, [_doc(p) for p in projects]), in_process),
                ("GET /doc/….ttl, warm", _timed(ours, [_doc(p) for p in projects]), in_process),
                ("oxigraph DESCRIBE, Turtle", _timed(oxigraph, [_describe(p) for p in projects]), in_process),
            ]
            download, serialise, size = _dumps(ours[0], store_folder)
        finally:
            for process in (ours[1], oxigraph[1]):
                process.terminate()
                process.wait()
    print(f"{'what':<34} {'median ms':>10} {'p90 ms':>8} {'vs in-process':>14} {'goal (1.2x + 2 ms)':>19}")
    for name, times, reference in rows:
        median, p90 = statistics.median(times), statistics.quantiles(times, n=10)[-1]
        ratio = f"{median / statistics.median(reference):.2f}x" if reference else ""
        goal = 1.2 * statistics.median(reference) + 2 if reference else None
        verdict = ("met" if median <= goal else "missed") if goal is not None and "doc" in name else ""
        print(f"{name:<34} {median:>10.2f} {p90:>8.2f} {ratio:>14} {verdict:>19}")
    print(
        f"\nN-Quads dump, {size / 2**20:.1f} MiB gzip: downloaded in {download * 1000:.0f} ms; pyoxigraph "
        f"writing the same from the store took {serialise * 1000:.0f} ms ({serialise / download:.1f}x longer)"
    )


def _in_process(store_folder: Path, projects: list[str]) -> list[float]:
    times = []
    with open_store(store_folder) as store:
        describe(store, projects[0])  # start the reader process first
        for project in projects:
            started = time.perf_counter()
            description = describe(store, project)
            about = about_document(project.replace("/id/", "/doc/"), project, store.base, None)
            serialize_document(description, about, "ttl")
            times.append((time.perf_counter() - started) * 1000)
    return times


def _start(store_folder: Path) -> tuple[tuple[str, subprocess.Popen], tuple[str, subprocess.Popen]]:
    ours, oxigraph = start_ours(store_folder), start_oxigraph(store_folder)
    wait(f"{ours[0]}/health", ours[1])
    wait(f"{oxigraph[0]}/query?{urlencode({'query': 'ASK {}'})}", oxigraph[1])
    return ours, oxigraph


def _doc(project: str) -> str:
    return "/" + project.split("/bd4m/", 1)[1].replace("id/", "doc/", 1) + ".ttl"


def _describe(project: str) -> str:
    return "/query?" + urlencode({"query": f"DESCRIBE <{project}>"})


def _timed(server: tuple[str, subprocess.Popen], paths: list[str]) -> list[float]:
    times = []
    with requests.Session() as session:
        for path in paths:
            started = time.perf_counter()
            response = session.get(server[0] + path, headers={"Accept": "text/turtle"}, timeout=60)
            response.raise_for_status()
            times.append((time.perf_counter() - started) * 1000)
    return times


def _dumps(base: str, store_folder: Path) -> tuple[float, float, int]:
    """Seconds to download the N-Quads dump, and for pyoxigraph to write the same from the store.

    The dump is written by the server on the first request, which is not timed; the size is returned too.
    """
    requests.get(f"{base}/dumps/bd4m.nq.gz", timeout=600).raise_for_status()  # written on first request
    started = time.perf_counter()
    size = len(requests.get(f"{base}/dumps/bd4m.nq.gz", timeout=600).content)
    download = time.perf_counter() - started
    snapshot = max((store_folder / "snapshots").iterdir(), key=lambda p: int(p.name))
    store = ox.Store.read_only(str(snapshot))
    with tempfile.TemporaryFile() as output:
        started = time.perf_counter()
        with gzip.GzipFile(fileobj=output, mode="wb", mtime=0, compresslevel=COMPRESSION) as packed:
            store.dump(packed, ox.RdfFormat.N_QUADS)
        serialise = time.perf_counter() - started
    return download, serialise, size


if __name__ == "__main__":
    main()
