"""Fair share of the query processes: no client can take them all.

A client (its token's holder, else its address; see ``TRUSTED_PROXIES``) may have at most
``CLIENT_QUERIES`` queries running at once (0: half the query processes, at least one) and may
use ``CLIENT_QUERY_SECONDS`` seconds of query time in any 60 seconds, as Wikidata's query
service budgets it. Past either it gets 429 with ``Retry-After`` while the others keep their
answers; the per-minute count of ``RATE_LIMIT_QUERIES`` stays as a backstop. A query's time runs
from the moment it is handed to the store until its answer is read to the end (or given up).
"""

from __future__ import annotations

import math
import threading
import time
from collections import defaultdict, deque
from collections.abc import Iterator
from dataclasses import dataclass, field

from flask import Flask, current_app

from bd4m_kg.server.http.errors import ApiError

WINDOW = 60.0
SWEEP_EVERY = 256  # admissions between two sweeps of idle clients: the table stays bounded
EXTENSION = "bd4m_fair_share"


@dataclass
class _Usage:
    running: int = 0
    spent: deque[tuple[float, float]] = field(default_factory=deque)  # (finished at, seconds)
    total: float = 0.0  # the sum of ``spent``'s seconds, kept as they come and go

    def seconds(self, now: float) -> float:
        """Query seconds spent in the last minute (constant time however many queries there were)."""
        while self.spent and self.spent[0][0] <= now - WINDOW:
            self.total -= self.spent.popleft()[1]
        if not self.spent:
            self.total = 0.0  # no rounding left over
        return max(0.0, self.total)

    def charge(self, now: float, seconds: float) -> None:
        """Count a query that finished ``now`` after ``seconds``."""
        self.spent.append((now, seconds))
        self.total += seconds


class FairShare:
    """Per-client counts of running queries and of query seconds in the last minute."""

    def __init__(self, concurrent: int, seconds_per_minute: float) -> None:
        self.concurrent, self.budget = concurrent, seconds_per_minute
        self._usage: defaultdict[str, _Usage] = defaultdict(_Usage)
        self._lock = threading.Lock()
        self._admissions = 0

    def start(self, client: str) -> float:
        """Admit one query of ``client`` (its start time), or raise a 429 that says when to come back."""
        now = time.monotonic()
        with self._lock:
            usage = self._usage[client]
            if usage.running >= self.concurrent:
                raise ApiError(
                    429,
                    f"you have {usage.running} queries running, the most one client may have at once; "
                    "wait for one to finish",
                    {"Retry-After": "1"},
                )
            spent = usage.seconds(now)
            if spent >= self.budget:
                raise ApiError(
                    429,
                    f"your queries used {spent:.1f} s of query time in the last minute, the most one client "
                    f"may use is {self.budget:g} s; wait for the time in Retry-After, or ask lighter queries",
                    {"Retry-After": str(self._wait(usage, now))},
                )
            usage.running += 1
            self._admissions += 1
            if self._admissions % SWEEP_EVERY == 0:
                self._forget_idle(now)
        return now

    def finish(self, client: str, started: float) -> None:
        """Count a query of ``client`` as done, charging the time since ``started``."""
        now = time.monotonic()
        with self._lock:
            usage = self._usage[client]
            usage.running = max(0, usage.running - 1)
            usage.charge(now, now - started)

    def _forget_idle(self, now: float) -> None:
        """Drop the clients with nothing running and nothing spent in the last minute (under the lock)."""
        for client in [c for c, u in self._usage.items() if not u.running and not u.seconds(now)]:
            del self._usage[client]

    def _wait(self, usage: _Usage, now: float) -> int:
        """Seconds until enough of the client's spent time leaves the window to fall under the budget."""
        over = usage.seconds(now) - self.budget
        for finished, seconds in usage.spent:
            over -= seconds
            if over < 0:
                return max(1, math.ceil(finished + WINDOW - now))
        return int(WINDOW)


class Admission:
    """One admitted query; :meth:`finish` counts it as done (once, however often it is called)."""

    def __init__(self, client: str) -> None:
        self.share: FairShare = current_app.extensions[EXTENSION]
        self.client = client
        self.started: float | None = self.share.start(client)

    def finish(self) -> None:
        """Charge the client the time since the query was admitted."""
        if self.started is not None:
            self.share.finish(self.client, self.started)
            self.started = None


class ChargedChunks:
    """An answer's chunks that finish their admission when read to the end or closed."""

    def __init__(self, chunks: Iterator[bytes], admission: Admission) -> None:
        self.chunks, self.admission = chunks, admission

    def __iter__(self) -> Iterator[bytes]:
        return self

    def __next__(self) -> bytes:
        try:
            return next(self.chunks)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Give up the rest of the answer and finish the admission."""
        self.admission.finish()
        close = getattr(self.chunks, "close", None)
        if close is not None:
            close()


def init_app(app: Flask) -> None:
    """Size the fair share from the settings."""
    concurrent = int(app.config["CLIENT_QUERIES"]) or max(1, int(app.config["READERS"]) // 2)
    app.extensions[EXTENSION] = FairShare(concurrent, float(app.config["CLIENT_QUERY_SECONDS"]))
