"""Whole-graph downloads and the counts that describe them, written once per generation.

``dumps/<generation>/`` beside the store's state holds ``bd4m.nq.gz`` (every quad), ``bd4m.trig.gz``
(the same, grouped by graph) and ``bd4m.ttl.gz`` (the union: distinct triples), plus
``manifest.json`` with each file's size and SHA-256 and the counts VoID reports. All of it is read
under the writer lock, so the files and the counts come from one and the same state of the store.
Files are gzip with a fixed header (no name, mtime 0): the same graph gives the same bytes. Each
file starts with a comment naming its generation and the last change-feed member it includes.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, TypedDict

import pyoxigraph as ox

from bd4m_kg.publishing import feed_log
from bd4m_kg.publishing.feed import page_of
from bd4m_kg.rdf.iris import member_iri
from bd4m_kg.rdf.namespaces import PREFIXES
from bd4m_kg.rdf.rdf_io import as_file
from bd4m_kg.store import QueryRequest, Store

COMPRESSION = 6  # zlib's default: level 9 takes twice as long for a few per cent
KEEP = 2  # generations of dumps kept (a download of the previous one may still be running)
NAME = "bd4m"
DUMP_FORMATS = {"nq": "application/n-quads", "trig": "application/trig", "ttl": "text/turtle"}
UNION = "CONSTRUCT { ?s ?p ?o } WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"


@dataclass(frozen=True)
class DumpFile:
    """One written dump: its file name, the RDF media type inside the gzip, size and checksum."""

    name: str
    media_type: str
    bytes: int
    sha256: str


Link = tuple[str, str, str, bool, int]
"""(subject class, property, object class or literal datatype, whether a datatype, triples)."""


class Counts(TypedDict):
    """The VoID counts a manifest carries (see :class:`Manifest`)."""

    triples: int
    quads: int
    entities: int
    classes: dict[str, int]
    properties: dict[str, int]
    graphs: dict[str, int]
    links: list[Link]


@dataclass
class Manifest:
    """What was written for a generation, and the counts of the graph at that generation."""

    generation: int
    time: str
    files: list[DumpFile]
    triples: int  # distinct triples of the union (what bd4m.ttl.gz holds)
    quads: int
    entities: int  # distinct IRIs under the base that are subjects
    classes: dict[str, int] = field(default_factory=dict)  # class -> distinct instances
    properties: dict[str, int] = field(default_factory=dict)  # property -> distinct triples
    graphs: dict[str, int] = field(default_factory=dict)  # graph -> triples
    links: list[Link] = field(default_factory=list)  # how the classes link, for query editors

    def file(self, name: str) -> DumpFile | None:
        """The dump file called ``name`` (e.g. ``bd4m.nq.gz``), if written."""
        return next((f for f in self.files if f.name == name), None)


def dumps_folder(store: Store) -> Path:
    """Where a store's dumps live: ``dumps/`` in its state folder."""
    return store.state.folder / "dumps"


def current_dumps(store: Store) -> Manifest:
    """The dumps of the store's current generation, written first if they are not there yet."""
    found = _read_manifest(dumps_folder(store) / str(store.generation))
    if found is not None:
        return found
    with store.state.writer_lock():
        return write_dumps(store)


def latest_manifest(store: Store) -> Manifest | None:
    """The newest manifest written, of this generation or an earlier one, without waiting for any.

    For descriptions that may lag a generation (how the classes link), never for counts a
    harvester checks against a dump.
    """
    if not dumps_folder(store).is_dir():
        return None
    written = sorted((g for g in _generations(store) if g <= store.generation), reverse=True)
    return next(filter(None, (_read_manifest(dumps_folder(store) / str(g)) for g in written)), None)


def waited_dumps(store: Store, wait: float = 10.0) -> Manifest:
    """The dumps of the current generation, waiting up to ``wait`` seconds for a writer to finish.

    After a change the server writes them in the background under the writer lock; a request
    polls for them instead of queueing on that lock, and writes them itself only if they still
    have not appeared (no writer was at work, e.g. after a load by another process).
    """
    target = dumps_folder(store) / str(store.generation)
    give_up = time.monotonic() + wait
    while time.monotonic() < give_up and store.state.writer_busy():
        found = _read_manifest(target)
        if found is not None:
            return found
        time.sleep(0.1)
    return current_dumps(store)


def write_dumps(store: Store) -> Manifest:
    """Write the dumps and counts of the current generation (call under the writer lock)."""
    generation = store.generation
    target = dumps_folder(store) / str(generation)
    found = _read_manifest(target)
    if found is not None:
        return found
    change = next(iter(store.state.changes(after=generation - 1)), None)
    time = change.time if change else ""
    last = feed_log.last_member(store.state, up_to=generation)
    header = (
        f"# BD4M Data Innovation Directory, generation {generation} ({time}).\n"
        + (
            f"# Last change-feed member included: <{member_iri(store.base, last.generation, last.graph)}>,\n"
            f"# on page <{store.base}changes/page/{page_of(last.position)}>; later changes follow it.\n"
            if last
            else f"# Later changes are in the change feed <{store.base}changes>.\n"
        )
    ).encode()
    for leftover in dumps_folder(store).glob(".*"):  # a writer stopped half-way
        shutil.rmtree(leftover, ignore_errors=True)
    work = Path(tempfile.mkdtemp(prefix=f".{generation}-", dir=_made(dumps_folder(store))))
    try:
        files = [
            _gzip(work / f"{NAME}.nq.gz", "nq", header, store.dump_quads),
            _gzip(work / f"{NAME}.trig.gz", "trig", header, lambda out: _trig(work / f"{NAME}.nq.gz", out)),
            _gzip(work / f"{NAME}.ttl.gz", "ttl", header, lambda out: _union(store, out)),
        ]
        manifest = Manifest(generation, time, files, **_counts(store))
        (work / "manifest.json").write_text(json.dumps(asdict(manifest), indent=1, sort_keys=True))
        work.rename(target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for old in sorted(_generations(store))[:-KEEP]:
        shutil.rmtree(dumps_folder(store) / str(old), ignore_errors=True)
    return manifest


def _gzip(path: Path, short: str, header: bytes, write: Callable[[IO[bytes]], None]) -> DumpFile:
    with (
        path.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=COMPRESSION) as out,
    ):
        out.write(header)
        write(as_file(out))
    digest = hashlib.sha256()
    with path.open("rb") as written:
        for block in iter(lambda: written.read(1 << 20), b""):
            digest.update(block)
    return DumpFile(path.name, DUMP_FORMATS[short], path.stat().st_size, digest.hexdigest())


def _trig(nquads_gz: Path, output: IO[bytes]) -> None:
    """The N-Quads dump again as TriG (same quads, same order, grouped by graph, with prefixes)."""
    with gzip.open(nquads_gz, "rb") as quads:
        ox.serialize(
            ox.parse(as_file(quads), ox.RdfFormat.N_QUADS), output, ox.RdfFormat.TRIG, prefixes=PREFIXES
        )


def _union(store: Store, output: IO[bytes]) -> None:
    for chunk in store.query(QueryRequest(UNION, graph_format="ttl")).chunks:
        output.write(chunk)


# Virtuoso leaves DATATYPE("x"@en) unbound: such a literal counts as what SPARQL 1.1 names it.
LANG_STRING = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#langString")
LITERAL_LINKS = f"""
SELECT ?c ?p ?t (COUNT(*) AS ?n) WHERE {{
  ?s {RDF_TYPE} ?c ; ?p ?o . FILTER (isLITERAL(?o)) BIND (DATATYPE(?o) AS ?t)
}} GROUP BY ?c ?p ?t"""
CLASS_LINKS = f"""
SELECT ?c ?p ?t (COUNT(*) AS ?n) WHERE {{
  ?s {RDF_TYPE} ?c ; ?p ?o . ?o {RDF_TYPE} ?t FILTER (?p != {RDF_TYPE})
}} GROUP BY ?c ?p ?t"""  # two queries: 6.1 s at 400,000 triples, against 7.0 s for one with OPTIONAL


def _counts(store: Store) -> Counts:
    """The VoID counts of the store as it is now."""

    def pairs(query: str) -> dict[str, int]:
        return {row["k"].value: int(row["n"].value) for row in store.select(query)}

    def number(query: str) -> int:
        return int(store.select(query)[0]["n"].value)

    distinct = "SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"
    return {
        "triples": number(f"SELECT (COUNT(*) AS ?n) WHERE {{ {distinct} }}"),
        "quads": number("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"),
        "entities": number(
            "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
            f'FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{store.base}")) }}'
        ),
        "classes": pairs(
            f"SELECT ?k (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH ?g {{ ?s {RDF_TYPE} ?k }} }} GROUP BY ?k"
        ),
        "properties": pairs(f"SELECT (?p AS ?k) (COUNT(*) AS ?n) WHERE {{ {distinct} }} GROUP BY ?p"),
        "graphs": pairs("SELECT ?k (COUNT(*) AS ?n) WHERE { GRAPH ?k { ?s ?p ?o } } GROUP BY ?k"),
        "links": sorted(
            (row["c"].value, row["p"].value, row.get("t", LANG_STRING).value, literal, int(row["n"].value))
            for literal, query in ((True, LITERAL_LINKS), (False, CLASS_LINKS))
            for row in store.select(query)
        ),
    }


def _read_manifest(folder: Path) -> Manifest | None:
    path = folder / "manifest.json"
    if not path.exists():
        return None
    data = json.loads(path.read_text())
    data["files"] = [DumpFile(**f) for f in data["files"]]
    return Manifest(**data)


def _generations(store: Store) -> Iterator[int]:
    return (int(p.name) for p in dumps_folder(store).iterdir() if p.name.isdigit())


def _made(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder
