"""Running the app under Granian, the production HTTP server.

Why Granian: its HTTP/1.1 and HTTP/2 handling, keep-alive and socket I/O are Rust, outside the
GIL, so a Python thread is busy only while the app itself runs; a cached answer costs a few
microseconds of Python. The embedded store has one writer, so there is one web process (the
worker); it dies with the ``bd4m-kg serve`` process that started it, and queries run in the
store's reader processes.

Memory: glibc gives each thread that allocates its own arena (up to eight per core), and an
arena keeps its high-water mark. Reads on four threads beside a publication then grow the worker
by a quarter without any leak, so ``serve`` caps the arenas at ``MALLOC_ARENA_MAX`` (2 unless
the operator sets it) for the worker it forks and the reader processes that worker starts.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from collections.abc import Mapping

from granian.constants import HTTPModes, Interfaces
from granian.log import LogLevels
from granian.server import Server

TARGET = "bd4m_kg.server.wsgi:app"
STARTED_BY_SERVE = "BD4MKG_SERVE_WORKER"  # not a setting: marks the workers `bd4m-kg serve` starts
PR_SET_PDEATHSIG = 1
M_ARENA_MAX = -8  # glibc's mallopt parameter
MALLOC_ARENAS = "2"


def run(settings: Mapping[str, object], host: str, port: int, threads: int, processes: int = 1) -> None:
    """Serve the app built from ``settings`` on ``host:port`` until interrupted.

    The settings reach the worker process as ``BD4M_*`` environment variables.
    """
    os.environ.update({f"BD4M_{name}": str(value) for name, value in settings.items() if value is not None})
    os.environ[STARTED_BY_SERVE] = "1"
    limit_malloc_arenas()
    Server(
        TARGET,
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        workers=processes,
        blocking_threads=threads,
        http=HTTPModes.http1,
        websockets=False,
        log_level=LogLevels.warning,
    ).serve()


def die_with_parent() -> None:
    """Have the kernel stop this worker when ``bd4m-kg serve`` dies (Linux; other servers: nothing)."""
    if not sys.platform.startswith("linux") or os.environ.pop(STARTED_BY_SERVE, None) is None:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def limit_malloc_arenas() -> None:
    """Cap glibc's malloc arenas (``MALLOC_ARENA_MAX``, 2 unless already set).

    The cap holds for this process, the worker it forks and every process started later; with
    another C library this does nothing.
    """
    if "MALLOC_ARENA_MAX" in os.environ:
        return  # the operator's value; glibc read it when this process started
    os.environ["MALLOC_ARENA_MAX"] = MALLOC_ARENAS  # read by processes started from now on
    libc = ctypes.CDLL(None)
    if sys.platform.startswith("linux") and hasattr(libc, "mallopt"):
        libc.mallopt(M_ARENA_MAX, int(MALLOC_ARENAS))  # this process, and the worker forked from it
