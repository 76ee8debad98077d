"""A remote store: an Oxigraph server (``oxigraph serve --union-default-graph``) over HTTP.

Queries go to ``/query`` (SPARQL 1.1 Protocol), changes to ``/update`` as one request (atomic on
Oxigraph), whole-dataset reads to ``/store`` (Graph Store Protocol). The change log and the
journal of a pending change live in a local state folder, since the server holds only public data.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

import pyoxigraph as ox
import requests

from bd4m_kg.rdf.formats import RDF_FORMATS, RESULT_FORMATS, RdfFormat, ResultFormat
from bd4m_kg.rdf.query_form import query_form
from bd4m_kg.rdf.query_values import with_values
from bd4m_kg.store import (
    Answer,
    QueryRequest,
    QuerySyntaxError,
    QueryTimeout,
    Store,
    StoreError,
    UpdateDataset,
    UpdateError,
    WriteInterrupted,
    with_base,
    without_base,
)
from bd4m_kg.store.result_cap import CapReached, convert, line_cap
from bd4m_kg.store.staging import Staging
from bd4m_kg.store.state import ChangeRecord, StoreState
from bd4m_kg.store.update_text import generation_check, with_generation, write_update

CONNECT_TIMEOUT = 5.0
WRITE_TIMEOUT = 3600.0
UPDATE_MAX_TRIPLES = 400_000  # about 70 MB of update text; Oxigraph server refuses bodies over 128 MiB
CHUNK_SIZE = 64 * 1024
EMPTY_GRAPH = "urn:x-bd4m:no-graph"  # never filled: stands for an empty default graph


def default_state_folder(url: str) -> Path:
    """Where a remote store's bookkeeping lives unless ``--state`` says otherwise.

    >>> default_state_folder("http://127.0.0.1:7878/").name
    '127.0.0.1-7878'
    """
    parts = urlsplit(url)
    root = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")
    return root / "bd4m-kg" / f"{parts.hostname}-{parts.port or 80}"


class RemoteStore(Store):
    """An Oxigraph server reached over HTTP; the deadline is enforced on each call."""

    update_max_triples = UPDATE_MAX_TRIPLES

    def __init__(self, url: str, state: Path | None = None) -> None:
        self.location = url.rstrip("/")
        self.state = StoreState(state or default_state_folder(url))
        self.http = requests.Session()

    def query(self, request: QueryRequest, deadline: float | None = None) -> Answer:
        """Send the query by form POST; stop reading (and close the connection) at the deadline."""
        until = None if deadline is None else time.monotonic() + deadline
        results, graph = RESULT_FORMATS[request.results_format], RDF_FORMATS[request.graph_format]
        accept = f"{results.media_type}, {graph.media_type}"
        if request.cap is not None:
            accept = "text/tab-separated-values, application/n-triples"  # one line per row or triple
        try:
            response = self.http.post(
                f"{self.location}/query",
                data=protocol_form(request),
                headers={"Accept": accept},
                stream=True,
                timeout=(CONNECT_TIMEOUT, deadline),
            )
        except requests.Timeout as error:
            raise QueryTimeout() from error
        except requests.RequestException as error:
            raise StoreError(f"cannot reach the SPARQL server at {self.location}: {error}") from error
        if response.status_code == 400:
            raise QuerySyntaxError(without_base(response.text.strip(), request.base_iri))
        if response.status_code != 200:
            raise StoreError(
                f"the SPARQL server answered {response.status_code}: {response.text.strip()[:500]}"
            )
        media_type = response.headers.get("Content-Type", "")
        kind = _kind(request.query, media_type)
        if request.cap is None:
            return Answer(kind, media_type, response_chunks(response, until))
        return capped_answer(kind, response, until, request.cap, graph if kind == "graph" else results)

    def write(self, staging: Staging, drop: frozenset[str], generation: int) -> None:
        """Send the change as one SPARQL Update request, journaled first so it can be replayed.

        Oxigraph server takes update bodies up to 128 MiB. A bigger change is journaled as two
        steps, dropping the graphs and then one Graph Store upload of the N-Quads, replayed to the
        end after a crash. Readers can see the store between the two steps while it runs.
        """
        folder = self.state.folder / "journal"
        folder.mkdir(exist_ok=True)
        if len(staging) <= self.update_max_triples:
            update = folder / f"{generation}.ru"
            with update.open("wb") as output:
                write_update(staging, drop, output)
            self.state.update_journal(generation, {"strategy": "update", "file": str(update)})
        else:
            update, data = folder / f"{generation}.drop.ru", folder / f"{generation}.nq"
            with update.open("wb") as output:
                write_update(Staging(), frozenset(staging.graphs()) | drop, output)
            staging.scratch.dump(str(data), ox.RdfFormat.N_QUADS)
            self.state.update_journal(
                generation, {"strategy": "two-step", "file": str(update), "data": str(data)}
            )
        self._replay(self.state.pending())

    def _replay(self, pending: ChangeRecord | None) -> bool:
        """Send the journaled steps of a pending change; they are idempotent, so replaying is safe."""
        journal = pending.journal if pending else {}
        steps = [Path(journal[key]) for key in ("file", "data") if key in journal]
        if not steps or not all(step.exists() for step in steps):
            return False
        self._send(steps[0], "update", "application/sparql-update")
        if len(steps) == 2:
            try:
                self._send(steps[1], "store", "application/n-quads")
            except StoreError as error:  # the graphs are dropped already: finish before anything else
                raise WriteInterrupted(f"{error}; the change stays pending and is finished next") from error
        return True

    def after_commit(self, generation: int) -> None:
        """Drop the committed change's journal."""
        for done in (self.state.folder / "journal").glob(f"{generation}.*"):
            done.unlink()

    def _send(self, body_file: Path, endpoint: str, media_type: str) -> None:
        with body_file.open("rb") as body:
            try:
                response = self.http.post(
                    f"{self.location}/{endpoint}",
                    data=body,
                    headers={"Content-Type": media_type},
                    timeout=(CONNECT_TIMEOUT, WRITE_TIMEOUT),
                )
            except requests.RequestException as error:
                raise _write_error(self.location, error) from error
        if response.status_code >= 300:
            raise StoreError(
                f"the SPARQL server refused the change ({response.status_code}): {response.text[:500]}"
            )

    def run_update(self, update: str, generation: int, dataset: UpdateDataset) -> None:
        """Send a checked update with its generation marker as one request (atomic on Oxigraph).

        The Protocol's using-graph-uri travel as parameters. Known difference: without them, the
        server's WHERE clauses read the union of all graphs as default graph (the embedded store
        reads its empty stored default graph), and the server refuses USING written in an update
        when it runs with --union-default-graph.
        """
        params = {"using-graph-uri": list(dataset.using), "using-named-graph-uri": list(dataset.using_named)}
        self.state.update_journal(generation, {"strategy": "marked-update"})
        try:
            response = self.http.post(
                f"{self.location}/update",
                params=params,
                data=with_generation(with_base(update, dataset.base_iri), self.base, generation).encode(
                    "utf-8"
                ),
                headers={"Content-Type": "application/sparql-update"},
                timeout=(CONNECT_TIMEOUT, WRITE_TIMEOUT),
            )
        except requests.RequestException as error:
            raise _write_error(self.location, error) from error
        if response.status_code == 400:
            raise QuerySyntaxError(without_base(response.text.strip(), dataset.base_iri))
        if response.status_code >= 300:
            raise UpdateError(
                f"the SPARQL server refused the update ({response.status_code}): {response.text[:500]}"
            )

    def recover(self, pending: ChangeRecord | None) -> bool:
        """Replay the journaled steps of a change a stopped writer left pending.

        For an update, ask the store whether it recorded the change's generation instead.
        """
        if pending is not None and pending.journal.get("strategy") == "marked-update":
            check = QueryRequest(generation_check(self.base, pending.generation))
            return b"true" in self.query(check, deadline=30).read()
        return self._replay(pending)

    def dump_quads(self, output: IO[bytes]) -> None:
        """Write the whole dataset as N-Quads, read through the Graph Store Protocol."""
        with self.http.get(
            f"{self.location}/store",
            headers={"Accept": "application/n-quads"},
            stream=True,
            timeout=(CONNECT_TIMEOUT, WRITE_TIMEOUT),
        ) as response:
            if response.status_code != 200:
                raise StoreError(f"the SPARQL server answered {response.status_code} to a dataset read")
            shutil.copyfileobj(response.raw, output)

    def load_dataset(self, nquads: IO[bytes]) -> None:
        """Send N-Quads to the server's bulk loader (``POST /store``), streamed.

        The server gives blank nodes labels of its own: the same graphs, not the same bytes.
        """
        try:
            response = self.http.post(
                f"{self.location}/store",
                data=iter(lambda: nquads.read(1 << 20), b""),
                headers={"Content-Type": "application/n-quads"},
                timeout=(CONNECT_TIMEOUT, WRITE_TIMEOUT),
            )
        except requests.RequestException as error:
            raise _write_error(self.location, error) from error
        if response.status_code not in (200, 201, 204):
            raise StoreError(
                f"the SPARQL server answered {response.status_code} to a bulk load: {response.text}"
            )

    def staging(self, size_hint: int = 0) -> Staging:
        """An in-memory scratch store: the change travels to the server as one update anyway."""
        return Staging(self.base)

    def close(self) -> None:
        """Close the HTTP connections."""
        self.http.close()


def _write_error(location: str, error: requests.RequestException) -> StoreError:
    """A refused connection wrote nothing; any other failure leaves the outcome unknown."""
    if isinstance(error, requests.ConnectionError) and "NewConnectionError" in repr(error):
        return StoreError(f"cannot reach the SPARQL server at {location}: {error}")
    return WriteInterrupted(f"the SPARQL server at {location} stopped answering during a change: {error}")


def protocol_form(request: QueryRequest) -> list[tuple[str, str]]:
    """The SPARQL Protocol form: query (substitutions bound in its text), dataset parameters."""
    form = [("query", with_values(with_base(request.query, request.base_iri), request.substitutions))]
    default_graphs = request.default_graphs
    if default_graphs == () and request.named_graphs is not None:
        default_graphs = (EMPTY_GRAPH,)  # an empty default graph: naming no graph would mean the union
    form += [("default-graph-uri", g) for g in default_graphs or ()]
    form += [("named-graph-uri", g) for g in request.named_graphs or ()]
    return form


def _kind(query: str, media_type: str) -> str:
    """Which kind of answer a response holds: a graph by its media type, else boolean or solutions."""
    if any(f.media_type == media_type.split(";")[0].strip() for f in RDF_FORMATS.values()):
        return "graph"
    return "boolean" if query_form(query) == "ASK" else "solutions"


def capped_answer(
    kind: str, response: requests.Response, until: float | None, cap: int, chosen: RdfFormat | ResultFormat
) -> Answer:
    """Read a TSV or N-Triples answer one line past ``cap``, then close it and convert what was kept."""
    counted = line_cap(kind, cap)
    with contextlib.suppress(CapReached):
        for chunk in response_chunks(response, until):
            counted.write(chunk)
    response.close()
    output = io.BytesIO()
    convert(counted.kept(), kind, chosen.format, output)
    return Answer(kind, chosen.media_type, iter([output.getvalue()]), counted.full)


def response_chunks(response: requests.Response, until: float | None) -> Iterator[bytes]:
    """The response body in chunks; past the deadline the connection is closed and QueryTimeout raised."""
    with response:
        try:
            for chunk in response.iter_content(CHUNK_SIZE):
                if until is not None and time.monotonic() > until:
                    raise QueryTimeout()
                yield chunk
        except requests.Timeout as error:
            raise QueryTimeout() from error
