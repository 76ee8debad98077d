"""A record's document over time, as the Memento protocol (RFC 7089) names its parts.

The record's document ``/doc/<kind>/<slug>`` is the original resource and its own TimeGate: asked
with ``Accept-Datetime``, it points to the version current at that time. Each version (a change-feed
member, ``/version/<generation>/<kind>/<slug>``) is a memento, dated by the commit that made it;
``/timemap/<kind>/<slug>`` lists them all in the link format (RFC 6690).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime

from bd4m_kg.publishing import feed_log
from bd4m_kg.rdf.iris import record_graph, record_path, thing_iri
from bd4m_kg.store import Store


@dataclass(frozen=True)
class Memento:
    """One version of a record: the generation that made it, when, and where it is served."""

    generation: int
    time: datetime  # to the second, as HTTP dates say it
    href: str  # the path of the version on this server


@dataclass(frozen=True)
class Record:
    """A record's original document and the paths of its TimeGate and TimeMap on this server."""

    record: str  # kind/slug
    original: str
    timemap: str


def record_of(topic: str, base: str) -> Record | None:
    """The Memento paths of a record (``{base}id/kind/slug``); None for anything else."""
    record = record_path(topic, base) if topic.startswith(thing_iri(base, "")) else None
    return Record(record, f"/doc/{record}", f"/timemap/{record}") if record else None


def mementos(store: Store, record: Record) -> list[Memento]:
    """Every version of the record with content, oldest first (a deletion is no memento)."""
    graph = record_graph(thing_iri(store.base, record.record), store.base)
    members = feed_log.graph_members(store.state, graph) if graph else []
    return [
        Memento(m.generation, _utc(m.time).replace(microsecond=0), f"/version/{m.generation}/{record.record}")
        for m in members
        if not m.deleted
    ]


def memento_at(versions: list[Memento], when: datetime) -> Memento | None:
    """The version current at ``when``: the newest made then or before, else the first one.

    >>> first = Memento(1, datetime(2026, 1, 1, tzinfo=UTC), "/version/1/project/x")
    >>> second = Memento(5, datetime(2026, 6, 1, tzinfo=UTC), "/version/5/project/x")
    >>> memento_at([first, second], datetime(2026, 3, 1, tzinfo=UTC)).generation
    1
    >>> memento_at([first, second], datetime(2020, 1, 1, tzinfo=UTC)).generation  # before it existed
    1
    """
    before = [m for m in versions if m.time <= when]
    return before[-1] if before else (versions[0] if versions else None)


def timemap(record: Record, versions: list[Memento], server: str) -> str:
    """The TimeMap of a record in the link format: the original, the TimeGate and every memento.

    ``server`` is this server's root URL, without a trailing slash.
    """
    links = [
        f'<{server}{record.original}>;rel="original"',
        f'<{server}{record.original}>;rel="timegate"',
        f'<{server}{record.timemap}>;rel="self";type="application/link-format"'
        + (
            f';from="{http_date(versions[0].time)}";until="{http_date(versions[-1].time)}"'
            if versions
            else ""
        ),
    ]
    for index, memento in enumerate(versions):
        rel = " ".join(["first"] * (index == 0) + ["last"] * (index == len(versions) - 1) + ["memento"])
        links.append(f'<{server}{memento.href}>;rel="{rel}";datetime="{http_date(memento.time)}"')
    return ",\n".join(links) + "\n"


def memento_links(record: Record) -> str:
    """The ``Link`` header value that leads from a record's document or version to its history.

    >>> for link in memento_links(Record("project/x", "/doc/project/x", "/timemap/project/x")).split(", "):
    ...     print(link)
    </doc/project/x>; rel="original timegate"
    </timemap/project/x>; rel="timemap"; type="application/link-format"
    """
    return (
        f'<{record.original}>; rel="original timegate", '
        f'<{record.timemap}>; rel="timemap"; type="application/link-format"'
    )


def http_date(moment: datetime) -> str:
    """A moment as an HTTP date (RFC 7231), which Memento's headers use.

    >>> http_date(datetime(2026, 12, 7, 9, 30, tzinfo=UTC))
    'Mon, 07 Dec 2026 09:30:00 GMT'
    """
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def _utc(iso: str) -> datetime:
    moment = datetime.fromisoformat(iso)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
