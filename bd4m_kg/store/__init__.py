"""The store interface: embedded pyoxigraph on disk (default), or a remote SPARQL server.

``open_store("var/store")`` opens (or creates) an embedded store; ``open_store("http://host:7878")``
talks to an Oxigraph server started with ``--union-default-graph``;
``open_store("virtuoso+http://USER:PASSWORD@host:8890")`` to Virtuoso 7. Both answer queries as a
stream of bytes in a standard format and take writes only through
:func:`bd4m_kg.publishing.changes.apply_change`.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from bd4m_kg.rdf.namespaces import BASE
from bd4m_kg.store.staging import Staging
from bd4m_kg.store.state import ChangeRecord, StoreState


class StoreError(OSError):
    """The store cannot be reached, opened or written; the message says what to do."""


class WriteInterrupted(StoreError):
    """A write cut off with its outcome unknown (or half done).

    The change stays pending, and the next writer finishes it before anything else.
    """


class QuerySyntaxError(ValueError):
    """A query the engine cannot parse; the message gives the position."""


class UpdateError(ValueError):
    """An update the engine could not carry out (e.g. CREATE GRAPH of an existing graph); nothing changed."""


class QueryTimeout(TimeoutError):
    """A query that did not finish before its deadline; it was stopped."""

    def __init__(
        self, message: str = "the query did not finish within its time limit and was stopped"
    ) -> None:
        super().__init__(message)


@dataclass(frozen=True)
class QueryRequest:
    """One read: the query, the formats the caller accepts, and the dataset it reads."""

    query: str
    results_format: str = "json"  # short name in formats.RESULT_FORMATS, used for SELECT and ASK
    graph_format: str = "ttl"  # short name in formats.RDF_FORMATS, used for CONSTRUCT and DESCRIBE
    default_graphs: tuple[str, ...] | None = None  # None (and named_graphs None): the union of all graphs

    named_graphs: tuple[str, ...] | None = None  # None: all graphs
    substitutions: dict[str, str] = field(default_factory=dict)  # variable -> IRI
    cap: int | None = None  # at most this many rows (or triples), the answer saying when it was cut
    base_iri: str | None = None  # what relative IRIs in the query resolve against (the endpoint's URL)


@dataclass(frozen=True)
class UpdateDataset:
    """What an update's WHERE clauses read.

    ``in_text``: the update has USING, USING NAMED or WITH; ``using`` / ``using_named``: the
    Protocol's using-graph-uri / using-named-graph-uri. With neither, the default graph is empty
    on every kind of store.
    """

    in_text: bool = False
    using: tuple[str, ...] = ()
    using_named: tuple[str, ...] = ()
    base_iri: str | None = None  # what relative IRIs in the update resolve against (the endpoint's URL)


@dataclass
class Answer:
    """A query's answer: its kind, its media type, and its bytes as they are produced."""

    kind: str  # "solutions", "boolean" or "graph"
    media_type: str
    chunks: Iterator[bytes]
    truncated: bool = False  # rows (or triples) past the request's cap were left out

    def read(self) -> bytes:
        """The whole answer in memory (for small answers and tests)."""
        return b"".join(self.chunks)

    def close(self) -> None:
        """Give up on the rest of the answer (its query is stopped)."""
        close = getattr(self.chunks, "close", None)
        if close is not None:
            close()


@dataclass(frozen=True)
class IndexView:
    """The store at one generation, for bounded lookups of our own (descriptions, existence checks).

    ``quads`` is a read-only pyoxigraph store in this process: index lookups that run no user
    text and need no killable process. None for a store this process cannot read directly (a
    remote server): ask it with queries. ``memo`` lives as long as the generation does, for
    what readers derive from it (the labels of the terms documents name, say).
    """

    generation: int
    quads: ox.Store | None
    memo: dict[object, object] | None = None  # lookups derived from this generation (None: keep none)


class Store(ABC):
    """A place the directory's graphs live: queries in, answers out, changes only through ``write``."""

    location: str
    state: StoreState

    @property
    def base(self) -> str:
        """The canonical base IRI the store was built with (read again only when the generation moves)."""
        generation = self.generation
        known = getattr(self, "_base", None)
        if known is None or known[0] != generation:
            known = (generation, self.state.get("base") or BASE)
            self._base = known
        return known[1]

    @property
    def generation(self) -> int:
        """The number of the last committed change."""
        return self.state.generation

    @contextmanager
    def lookups(self) -> Iterator[IndexView]:
        """The store at its current generation for the lookups of one block (see :class:`IndexView`)."""
        yield IndexView(self.generation, None)

    @abstractmethod
    def query(self, request: QueryRequest, deadline: float | None = None) -> Answer:
        """Run a read-only query, stopping it after ``deadline`` seconds (None: no limit)."""

    def select(self, query: str, deadline: float | None = None) -> list[dict[str, Any]]:
        """Run a SELECT and return its rows as ``{variable: pyoxigraph term}`` (unbound ones left out)."""
        answer = self.query(QueryRequest(query, results_format="json"), deadline)
        solutions = ox.parse_query_results(answer.read(), format=ox.QueryResultsFormat.JSON)
        names = [v.value for v in solutions.variables]  # type: ignore[union-attr]  # a SELECT gives QuerySolutions
        return [
            {n: value for n in names if (value := row[n]) is not None}
            for row in solutions  # type: ignore[union-attr]  # a SELECT gives QuerySolutions
        ]

    def graph_names(self) -> list[str]:
        """Every named graph in the store, sorted."""
        rows = self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return sorted(row["g"].value for row in rows)

    @abstractmethod
    def staging(self, size_hint: int = 0) -> Staging:
        """A scratch store to parse a change of about ``size_hint`` bytes into before it is applied."""

    @abstractmethod
    def write(self, staging: Staging, drop: frozenset[str], generation: int) -> None:
        """Replace the staged graphs and drop ``drop`` in one atomic transaction (called by apply_change)."""

    @abstractmethod
    def run_update(self, update: str, generation: int, dataset: UpdateDataset) -> None:
        """Run a checked SPARQL Update as one transaction that also records ``generation`` in the store."""

    @abstractmethod
    def recover(self, pending: ChangeRecord | None) -> bool:
        """Finish or undo a change a stopped writer left pending, and tidy up after it.

        True when the pending change reached the store.
        """

    @abstractmethod
    def dump_quads(self, output: IO[bytes]) -> None:
        """Write every quad of the store as N-Quads."""

    @abstractmethod
    def load_dataset(self, nquads: IO[bytes]) -> None:
        """Load N-Quads into an empty store as they are, recording no change (a restore)."""

    def after_commit(self, generation: int) -> None:  # noqa: B027 - optional hook
        """Run once a change is committed (the embedded store takes its read snapshot here)."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release processes and files."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def with_base(text: str, base_iri: str | None) -> str:
    """A query or update with ``BASE <base_iri>`` before it, for engines told the base in the text.

    On the same line, so the engine's line numbers stay those of the text sent.

    >>> with_base("SELECT * { <s> ?p ?o }", "http://h/sparql")
    'BASE <http://h/sparql> SELECT * { <s> ?p ?o }'
    """
    return text if base_iri is None else f"BASE {ox.NamedNode(base_iri)} {text}"


def without_base(message: str, base_iri: str | None) -> str:
    """An engine's ``error at 1:N`` about a text sent :func:`with_base`, as a column of the text itself.

    >>> without_base("error at 1:50: expected WHERE", "http://h/sparql")
    'error at 1:27: expected WHERE'
    """
    if base_iri is None:
        return message
    shift = len(with_base("", base_iri))
    return re.sub(
        r"error at 1:(\d+)", lambda m: f"error at 1:{max(1, int(m.group(1)) - shift)}", message, count=1
    )


_REMOTE = re.compile(r"^(virtuoso\+)?https?://", re.IGNORECASE)


def is_remote(location: str | Path) -> bool:
    """Whether a store location is a SPARQL server's URL (else an embedded store's folder)."""
    return bool(_REMOTE.match(str(location)))


def open_store(
    location: str | Path, state: Path | None = None, readers: int = 1, memory_copy: bool = False
) -> Store:
    """Open the store at a folder (embedded), an Oxigraph server's or a Virtuoso's URL.

    An Oxigraph server is ``http(s)://HOST:PORT``; Virtuoso is
    ``virtuoso+http(s)://USER:PASSWORD@HOST:PORT``, a user with the SPARQL_UPDATE role.

    ``state`` is where a remote store keeps its bookkeeping (the embedded store keeps it in its
    folder); ``readers`` sizes the embedded store's pool of query processes; ``memory_copy`` keeps
    a copy of the embedded store in memory for lookups (:mod:`bd4m_kg.store.memory_copy`).
    """
    if str(location).lower().startswith("virtuoso+"):
        from bd4m_kg.store.virtuoso import VirtuosoStore

        return VirtuosoStore(str(location), state)
    if is_remote(location):
        from bd4m_kg.store.remote import RemoteStore

        return RemoteStore(str(location), state)
    from bd4m_kg.store.embedded import EmbeddedStore

    return EmbeddedStore(Path(location), readers=readers, memory_copy=memory_copy)
