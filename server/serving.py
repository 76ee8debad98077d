"""Running the app under Granian, the production HTTP server.

Why Granian: its HTTP/1.1 and HTTP/2 handling, keep-alive and socket I/O are Rust, outside the
GIL, so a Python thread is busy only while the app itself runs; a cached answer costs a few
microseconds of Python. There is one web process (a worker) unless ``--processes`` asks for
more; the processes take turns writing under the store's writer lock. Each dies with the
``bd4m-kg serve`` process that started it, and queries run in the store's reader processes.

Memory: glibc gives each thread that allocates its own arena (up to eight per core), and an
arena keeps its high-water mark. Reads on four threads beside a publication then grow the worker
by a quarter without any leak, so ``serve`` caps the arenas at ``MALLOC_ARENA_MAX`` (2 unless
the operator sets it) for the worker it forks and the reader processes that worker starts.
"""

from __future__ import annotations

import ctypes
import errno
import os
import signal
import socket
import sys
from collections.abc import Mapping
from pathlib import Path

from granian.constants import HTTPModes, Interfaces
from granian.log import LogLevels
from granian.server import Server

TARGET = "bd4m_kg.server.wsgi:app"
STARTED_BY_SERVE = "BD4MKG_SERVE_WORKER"  # not a setting: marks the workers `bd4m-kg serve` starts
PR_SET_PDEATHSIG = 1
M_ARENA_MAX = -8  # glibc's mallopt parameter
MALLOC_ARENAS = "2"


class PortTaken(OSError):
    """The address to serve on is taken; the message names the process listening there."""


def run(settings: Mapping[str, object], host: str, port: int, threads: int, processes: int = 1) -> None:
    """Serve the app built from ``settings`` on ``host:port`` until interrupted.

    The settings reach the worker process as ``BD4M_*`` environment variables. Call
    :func:`check_port` first: Granian would share a port another server listens on.
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


def check_port(host: str, port: int) -> None:
    """Raise :class:`PortTaken` when something listens on ``host:port`` (Granian would share it)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # past TIME_WAIT, never past a listener
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno != errno.EADDRINUSE:
                raise PortTaken(f"cannot listen on {host}:{port}: {error.strerror}") from None
            raise PortTaken(
                f"{host}:{port} is already in use by {listener_of(port)}: stop it, or choose another --port"
            ) from None


def listener_of(port: int) -> str:
    """Who listens on TCP ``port``, e.g. ``process 1234 (bd4m-kg serve)``, from Linux's /proc."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:  # 0A: LISTEN
                inodes.add(f"socket:[{fields[9]}]")
    processes = sorted((p for p in Path("/proc").iterdir() if p.name.isdigit()), key=lambda p: int(p.name))
    for process in processes:
        if _holds_any(process, inodes):
            return f"process {process.name} ({_command_of(process)})"
    return "another program"


def _holds_any(process: Path, sockets: set[str]) -> bool:
    try:
        return any(os.readlink(fd) in sockets for fd in (process / "fd").iterdir())
    except OSError:  # gone, or another user's
        return False


def _command_of(process: Path) -> str:
    words = (process / "cmdline").read_bytes().split(b"\0")
    return " ".join(Path(word.decode(errors="replace")).name for word in words[:3] if word)
