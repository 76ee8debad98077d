"""A bounded load from a second process: wrk reads pages, RDF, named queries and SPARQL, 10,000
requests in all, while a curator publishes a record every few seconds. No request fails, and the
server's memory after 10,000 requests is within 10 % of what it was after 1,000 (caches are
bounded in bytes). The runs end after a number of requests, not a time: a slow machine takes longer
and the test asks the same of it."""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import threading
from urllib.parse import urlencode

import pytest

from conftest import new_token, require_tool, serving
from test_streaming import tree_rss
from test_submissions import call, edited, submit

WARM_REQUESTS, LOADED_REQUESTS = 1_000, 9_000
ROUND_SECONDS = 5
PUBLISH_EVERY = 3.0
ROTATE = """
local paths, accepts = {}, {}
for line in io.lines(os.getenv("LOAD_PATHS")) do
  local accept, path = line:match("^(%S+) (.+)$")
  accepts[#accepts + 1] = accept
  paths[#paths + 1] = path
end
local counter = 0
function setup(thread) thread:set("offset", math.random(0, #paths - 1)) end
function init(args) counter = tonumber(wrk.thread:get("offset") or 0) end
function request()
  counter = counter + 1
  local i = (counter % #paths) + 1
  return wrk.format("GET", paths[i], {["Accept"] = accepts[i]})
end
"""
HTML, TURTLE, JSON = "text/html", "text/turtle", "application/sparql-results+json"


def paths() -> list[tuple[str, str]]:
    """(Accept, path) of the reads: pages, RDF, the browse lists, named queries, SPARQL, metadata."""
    records = [
        "project/project-jetson",
        "organisation/iom",
        "project/afghanistan-violence-internal-displacement",
    ]
    reads = [(HTML, f"/doc/{r}") for r in records] + [(TURTLE, f"/doc/{r}") for r in records]
    reads += [(HTML, "/"), (HTML, "/projects"), (HTML, "/organisations?q=migration"), (JSON, "/health")]
    reads += [(JSON, "/queries/directory-entries"), (JSON, "/queries/projects-by-data-source-type")]
    reads += [(TURTLE, "/.well-known/void"), (TURTLE, "/catalog"), ("application/json", "/changes")]
    query = (
        "SELECT ?p ?label WHERE { ?p a <https://w3id.org/bd4m/ontology#Project> ; "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?label } LIMIT 20"
    )
    reads.append((JSON, f"/sparql?{urlencode({'query': query})}"))
    return reads


def wrk(url: str, folder, requests_wanted: int) -> dict[str, float]:
    """Run wrk (4 connections) in rounds of a few seconds until ``requests_wanted`` were answered.

    Totals add up over the rounds; p50 is the rounds' median and p99 their worst.
    """
    rounds = []
    while sum(r["requests"] for r in rounds) < requests_wanted:
        rounds.append(_wrk_round(url, folder))
    return {
        "requests": sum(r["requests"] for r in rounds),
        "seconds": sum(r["seconds"] for r in rounds),
        "failed": sum(r["failed"] for r in rounds),
        "socket errors": sum(r["socket errors"] for r in rounds),
        "p50 ms": statistics.median(r["p50 ms"] for r in rounds),
        "p99 ms": max(r["p99 ms"] for r in rounds),
    }


def _wrk_round(url: str, folder) -> dict[str, float]:
    """One wrk run of :data:`ROUND_SECONDS`: its totals and latency percentiles."""
    listing, script = folder / "paths.txt", folder / "rotate.lua"
    listing.write_text("".join(f"{accept} {path}\n" for accept, path in paths()))
    script.write_text(ROTATE)
    command = [require_tool(("wrk",), "wrk is not installed (./dev test installs it)")]
    command += ["-t", "2", "-c", "4", "-d", f"{ROUND_SECONDS}s", "--timeout", "30s", "--latency"]
    command += ["-s", str(script), url]
    output = subprocess.run(
        command, capture_output=True, text=True, env={**os.environ, "LOAD_PATHS": str(listing)}
    ).stdout
    total, duration, unit = re.search(r"(\d+) requests in ([\d.]+)(m|s)", output).groups()
    failures = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return {
        "requests": int(total),
        "seconds": float(duration) * (60 if unit == "m" else 1),
        "failed": int(failures.group(1)) if failures else 0,
        "socket errors": sum(map(int, errors.groups())) if errors else 0,
        "p50 ms": _milliseconds(output, "50%"),
        "p99 ms": _milliseconds(output, "99%"),
    }


def _milliseconds(output: str, label: str) -> float:
    value, unit = re.search(rf"{re.escape(label)}\s+([\d.]+)(us|ms|s)", output).groups()
    return float(value) / 1000 if unit == "us" else float(value) * 1000 if unit == "s" else float(value)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("load")
    options = ["--store", str(folder / "store")]
    with serving(folder, options, threads=4) as (url, process):
        yield url, process, new_token(options, "load-curator", "curator"), folder


@pytest.mark.timeout(900)  # 10,000 requests take 10 s here and minutes on a slow machine
def test_reads_under_load_with_publishes_lose_nothing_and_memory_stays_flat(server, capsys):
    url, process, curator, folder = server
    stop, published = threading.Event(), []

    def publish() -> None:
        words = f"to track displacement (load test {len(published)})".encode()
        sent = submit(url, curator, edited(words))
        done = call("POST", f"{url}/curate/submissions/{sent.json()['id']}/publish", curator)
        published.append(done.status_code)

    def publish_now_and_then() -> None:
        while not stop.wait(PUBLISH_EVERY):
            publish()

    publisher = threading.Thread(target=publish_now_and_then)
    publisher.start()  # the same mix from the start: reads and a publication every few seconds
    try:
        warm = wrk(url, folder, WARM_REQUESTS)  # caches and pools are filled
        after_thousand = tree_rss(process.pid)
        loaded = wrk(url, folder, LOADED_REQUESTS)
    finally:
        stop.set()
        publisher.join()
    after = tree_rss(process.pid)
    with capsys.disabled():
        print(
            f"\nload: {loaded['requests']} reads in {loaded['seconds']:.0f} s "
            f"({loaded['requests'] / loaded['seconds']:.0f}/s), "
            f"p50 {loaded['p50 ms']:.1f} ms, p99 {loaded['p99 ms']:.1f} ms, {len(published)} publications; "
            f"RSS {after_thousand / 2**20:.0f} MiB after {warm['requests']} requests, "
            f"{after / 2**20:.0f} MiB after {warm['requests'] + loaded['requests']}"
        )
    assert warm["requests"] >= WARM_REQUESTS and loaded["requests"] >= LOADED_REQUESTS
    assert warm["failed"] == loaded["failed"] == 0 and loaded["socket errors"] == 0
    assert published and set(published) == {200}
    assert after <= after_thousand * 1.10, (
        f"RSS grew {after / after_thousand - 1:.1%} ({after_thousand / 2**20:.0f} -> {after / 2**20:.0f} MiB)"
    )
