"""Trifid (npm ``trifid`` + ``@zazuko/trifid-entity-renderer``) as a benchmark anchor in front of SPARQL.

It dereferences the same IRIs as ``bd4m-kg serve``: ``GET /id/project/x`` answers the DESCRIBE of
``<https://w3id.org/bd4m/id/project/x>`` (Turtle, JSON-LD, ... by Accept, HTML otherwise), with
every ``https://w3id.org/bd4m/`` in the answer rewritten to Trifid's own origin. The configuration
is bench/trifid/config.yaml; the exact npm packages are in bench/trifid/package-lock.json and are
installed there (``npm ci``) on first use. Needs Node.js and npm (Debian: ``apt-get install npm``).

    python bench/trifid_server.py http://127.0.0.1:7878/query    # prints Trifid's URL, runs until Ctrl-C
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import FrameType

HERE = Path(__file__).resolve().parent / "trifid"
SERVER = HERE / "node_modules" / "trifid" / "server.js"


def _free_port() -> int:
    """A free loopback port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def install() -> None:
    """``npm ci`` in bench/trifid when its node_modules is missing (npm's output goes to stderr)."""
    if SERVER.exists():
        return
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        raise SystemExit("Trifid needs Node.js and npm on PATH (Debian: apt-get install npm)")
    done = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=HERE, stdout=sys.stderr, check=False)
    if done.returncode != 0 or not SERVER.exists():
        raise SystemExit(f"npm ci in {HERE} failed (exit {done.returncode})")


def _wait(url: str, process: subprocess.Popen[bytes], seconds: float) -> None:
    """Wait until ``url`` answers 200, or fail if the process ends or time runs out."""
    give_up = time.monotonic() + seconds
    while time.monotonic() < give_up:
        if process.poll() is not None:
            raise SystemExit(f"Trifid exited with {process.returncode} before answering")
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    process.terminate()
    raise SystemExit(f"Trifid did not answer {url} within {seconds:.0f} s")


def start_trifid(sparql_endpoint: str, timeout: float = 60) -> tuple[str, subprocess.Popen[bytes]]:
    """Start Trifid on a free loopback port against ``sparql_endpoint``: its base URL and process.

    Waits until it answers its health route (it takes some 5 s to start). Its log (warnings and
    errors only, JSON) is dropped; Node's own errors go to stderr. OpenTelemetry, which Trifid
    starts by default (and would try to export to localhost:4318), is switched off.
    """
    install()
    node = shutil.which("node")
    if node is None:
        raise SystemExit("Trifid needs Node.js on PATH (Debian: apt-get install nodejs)")
    port = _free_port()
    environment = {
        **os.environ,
        "SPARQL_ENDPOINT_URL": sparql_endpoint,
        "TRIFID_PORT": str(port),
        "OTEL_SDK_DISABLED": "true",
    }
    process = subprocess.Popen(
        [node, str(SERVER), "--config", str(HERE / "config.yaml")],
        cwd=HERE,
        env=environment,
        stdout=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    _wait(f"{base}/healthz", process, timeout)
    return base, process


def _stop(signum: int, frame: FrameType | None) -> None:
    """Turn SIGTERM into KeyboardInterrupt, so that main() stops Trifid too."""
    raise KeyboardInterrupt


def main() -> None:
    """Start Trifid against the endpoint given on the command line, print its URL, run until stopped."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sparql_endpoint", help="the SPARQL endpoint, e.g. http://127.0.0.1:7878/query")
    arguments = parser.parse_args()
    base, process = start_trifid(arguments.sparql_endpoint)
    print(base, flush=True)
    signal.signal(signal.SIGTERM, _stop)
    try:
        sys.exit(process.wait())
    except KeyboardInterrupt:
        process.terminate()
        process.wait(timeout=10)


if __name__ == "__main__":
    main()
