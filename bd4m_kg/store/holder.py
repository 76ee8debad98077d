"""Which ``bd4m-kg serve`` holds an embedded store: one server per store, and it is the store's writer.

``serve`` claims the store folder for as long as it runs (an ``flock`` on ``serve.lock``, released
by the kernel when the process ends, however it ends) and writes its process id and address into
the lock file. A second server, or a command-line write, asks :func:`holder` first and is refused
with that process and address before it touches anything.
"""

from __future__ import annotations

import fcntl
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import IO

LOCK_FILE = "serve.lock"


@dataclass(frozen=True)
class Holder:
    """The running server that holds a store: its process id and the address it serves."""

    pid: int
    url: str

    def describe(self) -> str:
        """``bd4m-kg serve`` with its process and address, for a message."""
        return f"`bd4m-kg serve` (process {self.pid}, {self.url})"


class StoreHeld(OSError):
    """The store is held by a running server; the message names it."""

    def __init__(self, folder: Path, holder: Holder) -> None:
        super().__init__(f"{folder} is already served by {holder.describe()}")
        self.holder = holder


def holder(folder: Path) -> Holder | None:
    """The server holding the store in ``folder`` right now, or None (never waits)."""
    path = folder / LOCK_FILE
    if not path.is_file():
        return None
    with path.open("r") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _read(lock) or Holder(0, "an address it has not written yet")
        fcntl.flock(lock, fcntl.LOCK_UN)
    return None


def claim(folder: Path, url: str) -> IO[str]:
    """Hold the store in ``folder`` for this process until it exits; raise :class:`StoreHeld` if taken.

    Keep the returned file open: the claim lasts as long as it does (and is shared by the
    processes this one forks).
    """
    folder.mkdir(parents=True, exist_ok=True)
    lock = (folder / LOCK_FILE).open("a+")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        found = _read(lock) or Holder(0, "an unknown address")
        lock.close()
        raise StoreHeld(folder, found) from None
    lock.seek(0)
    lock.truncate()
    lock.write(json.dumps({"pid": os.getpid(), "url": url}))
    lock.flush()
    return lock


def _read(lock: IO[str]) -> Holder | None:
    lock.seek(0)
    try:
        written = json.loads(lock.read() or "{}")
        return Holder(int(written["pid"]), str(written["url"]))
    except (ValueError, KeyError, TypeError):
        return None
