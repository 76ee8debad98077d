"""Browsing and searching the directory: records by kind, with facets, counts and full-text search.

An SQLite index (``search/<generation>.sqlite`` in the state folder) is built from the store once
per generation: one row per record (name, other names, summary) in an FTS5 table whose tokenizer
folds case and diacritics (``Turk`` finds Türk Telekom, ``bogazici`` finds Boğaziçi), and one row
per facet value. A search combines words (all must match, each as a prefix) and facet values.
The same file holds what reconciliation matches against (:mod:`bd4m_kg.browse.entities`).
"""

from __future__ import annotations

import math
import sqlite3
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bd4m_kg.browse.entities import index_entities
from bd4m_kg.rdf.namespaces import COUNTRY, REGION
from bd4m_kg.store import Store

PAGE_SIZE = 20
CONCEPTS = "concepts"  # vocabulary concepts are indexed for the site-wide search too
INDEX_VERSION = 7  # a new version builds the index again: an older file lacks the newer tables
_BUILDING = threading.Lock()
PREFIXES = """
PREFIX bd4m: <https://w3id.org/bd4m/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <https://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""


@dataclass(frozen=True)
class Kind:
    """A kind of record people browse: its path, class, facets (name → title) and their query."""

    path: str
    title: str
    rdf_class: str
    facets: dict[str, str]
    facet_patterns: str  # SPARQL binding ?facet and ?value for a record ?r

    @property
    def noun(self) -> str:
        """The title as a common noun ("projects", "data collaboratives"), or as a name ("BD4M Studios")."""
        named = any(sum(c.isupper() for c in word) > 1 for word in self.title.split())
        return self.title if named else self.title.lower()

    def counted(self, total: int) -> str:
        """The number of records in words: "1 project", "5 data collaboratives", "2 BD4M Studios"."""
        noun = self.noun
        return f"{total} {noun if total != 1 else noun[:-1]}"


REGIONS, COUNTRIES = str(REGION).rstrip("/"), str(COUNTRY).rstrip("/")


def _places(place: str) -> str:
    """Facet patterns for where a record is: every region it covers or lies in, and its countries.

    A record covering Ethiopia counts under Ethiopia, Eastern Africa, Sub-Saharan Africa, Africa
    and World, so ``region=africa`` finds it.
    """
    return (
        f" UNION {{ ?r {place}/skos:broader* ?value . ?value skos:inScheme <{REGIONS}>"
        " BIND('region' AS ?facet) }"
        f" UNION {{ ?r {place} ?value . ?value skos:inScheme <{COUNTRIES}> BIND('country' AS ?facet) }}"
    )


def _organisations() -> str:
    """Facet patterns for the organisations a project involves: in any role, as data holder, as user."""
    involved = "?r bd4m:involvement ?i . ?i <http://www.w3.org/ns/prov#agent> ?value"
    role = "<http://www.w3.org/ns/prov#hadRole> <https://w3id.org/bd4m/vocab/role/{}>"
    return (
        f" UNION {{ {involved} BIND('organisation' AS ?facet) }}"
        f" UNION {{ {involved} ; {role.format('data-holder')} BIND('holder' AS ?facet) }}"
        f" UNION {{ {involved} ; {role.format('data-user')} BIND('user' AS ?facet) }}"
    )


def _challenges(via: str = "") -> str:
    """Facet patterns for the challenges a record's sources state, with their broader categories.

    ``via`` reads them from a linked record instead (a collaborative's project). ``challenge=quality``
    finds a record whose sources state selection bias.
    """
    return f" UNION {{ ?r {via}bd4m:challenge/skos:broader* ?value BIND('challenge' AS ?facet) }}"


STUDIO_ORGANISATIONS = "bd4m:organiser|bd4m:funder|bd4m:participant/<http://www.w3.org/ns/prov#agent>"

KINDS = {
    "projects": Kind(
        "projects",
        "Projects",
        "bd4m:Project",
        {
            "source": "Data-source type",
            "theme": "Theme",
            "need": "Policy need",
            "region": "Region",
            "country": "Country",
            "year": "Start year",
            "organisation": "Organisation (any role)",
            "holder": "Data holder",
            "user": "Data user",
            "challenge": "Challenge",
        },
        "{ ?r bd4m:usesDataSource/bd4m:sourceType ?value BIND('source' AS ?facet) }"
        " UNION { ?r dcterms:subject ?value BIND('theme' AS ?facet) }"
        " UNION { ?r bd4m:policyNeed ?value BIND('need' AS ?facet) }"
        + _places("dcterms:spatial")
        + " UNION { ?r dcterms:temporal/dcat:startDate ?d BIND(SUBSTR(STR(?d), 1, 4) AS ?value)"
        " BIND('year' AS ?facet) }" + _organisations() + _challenges(),
    ),
    "organisations": Kind(
        "organisations",
        "Organisations",
        "org:Organization",
        {
            "type": "Organisation type",
            "region": "Region",
            "country": "Country",
            "role": "Role in projects",
            "studio": "BD4M Studio",
        },
        "{ ?r org:classification ?value BIND('type' AS ?facet) }"
        + _places("bd4m:basedIn")
        + " UNION { ?i <http://www.w3.org/ns/prov#agent> ?r ; <http://www.w3.org/ns/prov#hadRole> ?value"
        " BIND('role' AS ?facet) }"
        f" UNION {{ ?value a bd4m:Studio ; {STUDIO_ORGANISATIONS} ?r BIND('studio' AS ?facet) }}",
    ),
    "collaboratives": Kind(
        "collaboratives",
        "Data collaboratives",
        "bd4m:DataCollaborative",
        {"type": "Collaborative type", "source": "Data-source type", "challenge": "Challenge"},
        "{ ?r bd4m:collaborativeType ?value BIND('type' AS ?facet) }"
        " UNION { ?r bd4m:forProject/bd4m:usesDataSource/bd4m:sourceType ?value BIND('source' AS ?facet) }"
        + _challenges()
        + _challenges("bd4m:forProject/"),
    ),
    "studios": Kind(
        "studios",
        "BD4M Studios",
        "bd4m:Studio",
        {
            "region": "Region",
            "country": "Country",
            "year": "Year",
            "source": "Data asked for",
            "organisation": "Organisation",
        },
        "{ ?r dcterms:temporal/dcat:startDate ?d BIND(SUBSTR(STR(?d), 1, 4) AS ?value)"
        " BIND('year' AS ?facet) }"
        + _places("dcterms:spatial")
        + " UNION { ?r bd4m:neededDataset/bd4m:neededSourceType ?value BIND('source' AS ?facet) }"
        f" UNION {{ ?r {STUDIO_ORGANISATIONS} ?value BIND('organisation' AS ?facet) }}",
    ),
}


@dataclass(frozen=True)
class FacetValue:
    """One value of a facet: its key in URLs, its label, how many matching records have it."""

    key: str
    label: str
    count: int
    chosen: bool


@dataclass
class Found:
    """One page of a search: the records, the facets with counts, and where the page is."""

    records: list[dict[str, str]]
    total: int
    page: int
    pages: int
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)


def search(
    store: Store,
    kind: Kind,
    words: str = "",
    chosen: dict[str, list[str]] | None = None,
    page: int = 1,
    size: int = PAGE_SIZE,
) -> Found:
    """Records of ``kind`` matching every word (as a prefix) and every chosen facet value, ``size`` a page."""
    chosen = {k: v for k, v in (chosen or {}).items() if k in kind.facets and v}
    matching, parameters = _matching(kind, words, chosen)
    with closing_db(index_path(store)) as db:
        total = db.execute(f"SELECT count(*) FROM ({matching})", parameters).fetchone()[0]
        pages = max(1, math.ceil(total / size))
        page = min(max(page, 1), pages)
        rows = db.execute(
            f"SELECT iri, name, summary FROM records WHERE iri IN ({matching}) ORDER BY sort_name "
            "LIMIT ? OFFSET ?",
            [*parameters, size, (page - 1) * size],
        ).fetchall()
        facets = {facet: _facet(db, facet, matching, parameters, chosen) for facet in kind.facets}
    records = [{"iri": iri, "name": name, "summary": summary} for iri, name, summary in rows]
    return Found(records, total, page, pages, facets)


def index_path(store: Store) -> Path:
    """The search index of the store's current generation, built first if it is missing."""
    folder = store.state.folder / "search"
    generation = store.generation
    path = folder / f"{generation}.v{INDEX_VERSION}.sqlite"
    with _BUILDING:
        if not path.exists():
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=folder, suffix=".part", delete=False) as part:
                building = Path(part.name)
            try:
                _build(store, building)
                building.rename(path)  # atomic: another process sees the whole index or none
            finally:
                building.unlink(missing_ok=True)
            for old in folder.glob("*.sqlite"):
                built_at = old.name.split(".", 1)[0]
                if built_at.isdigit() and int(built_at) <= generation and old != path:
                    old.unlink(missing_ok=True)
    return path


class closing_db:
    """A read-only connection to an index, closed when the block ends."""

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)

    def __enter__(self) -> sqlite3.Connection:
        return self.db

    def __exit__(self, *exc: object) -> None:
        self.db.close()


def _matching(kind: Kind, words: str, chosen: dict[str, list[str]]) -> tuple[str, list[object]]:
    """The SQL selecting the IRIs of matching records, and its parameters."""
    query = "SELECT iri FROM records WHERE kind = ?"
    parameters: list[object] = [kind.path]
    text = fts_query(words)
    if text:
        query += " AND rowid IN (SELECT rowid FROM record_text WHERE record_text MATCH ?)"
        parameters.append(text)
    for facet, keys in chosen.items():
        query += f" AND iri IN (SELECT iri FROM facets WHERE facet = ? AND key IN ({_marks(keys)}))"
        parameters += [facet, *keys]
    return query, parameters


def _facet(
    db: sqlite3.Connection, facet: str, matching: str, parameters: list[object], chosen: dict[str, list[str]]
) -> list[FacetValue]:
    """A facet's values among the matching records, most frequent first."""
    rows = db.execute(
        f"SELECT key, label, count(DISTINCT iri) AS n FROM facets WHERE facet = ? AND iri IN ({matching}) "
        "GROUP BY key, label ORDER BY n DESC, label",
        [facet, *parameters],
    ).fetchall()
    return [FacetValue(key, label, n, key in chosen.get(facet, [])) for key, label, n in rows]


def fts_query(words: str) -> str:
    """Each word as a quoted prefix term, all required: safe whatever the user typed.

    >>> fts_query('Türk "tele')
    '"Türk"* "tele"*'
    """
    printable = "".join(ch for ch in words if ch.isprintable() or ch.isspace())  # no NUL reaches FTS5
    terms = [w.replace('"', "") for w in printable.split()]
    return " ".join(f'"{t}"*' for t in terms if t)


def _marks(values: Iterable[object]) -> str:
    return ",".join("?" for _ in values) or "NULL"


def _index_text(
    store: Store, db: sqlite3.Connection, kind: str, rdf_class: str, name: str, summary: str, other: str
) -> None:
    """Index the name, other names and summary of each resource of a class, as records of ``kind``."""
    rows = store.select(
        PREFIXES
        + f"""
        SELECT ?r (SAMPLE(?name) AS ?n) (SAMPLE(?summary) AS ?s)
               (GROUP_CONCAT(DISTINCT ?alt; separator=" ") AS ?a)
        WHERE {{ ?r a {rdf_class} ; {name} ?name .
                 OPTIONAL {{ ?r {summary} ?summary }} OPTIONAL {{ ?r {other} ?alt }}
                 FILTER(isIRI(?r)) }} GROUP BY ?r"""
    )
    for row in rows:
        label, text = row["n"].value, row["s"].value if "s" in row else ""
        cursor = db.execute(
            "INSERT OR IGNORE INTO records (iri, kind, name, sort_name, summary) VALUES (?, ?, ?, ?, ?)",
            (row["r"].value, kind, label, label.casefold(), text),
        )
        if cursor.rowcount:
            db.execute(
                "INSERT INTO record_text (rowid, name, other_names, summary) VALUES (?, ?, ?, ?)",
                (cursor.lastrowid, label, row["a"].value if "a" in row else "", text),
            )


def _build(store: Store, path: Path) -> None:
    db = sqlite3.connect(path)
    try:
        db.executescript(
            """
            CREATE TABLE records (rowid INTEGER PRIMARY KEY, iri TEXT UNIQUE, kind TEXT, name TEXT,
                                  sort_name TEXT, summary TEXT);
            CREATE TABLE facets (iri TEXT, facet TEXT, key TEXT, label TEXT);
            CREATE INDEX facets_by_value ON facets (facet, key);
            CREATE VIRTUAL TABLE record_text USING fts5(name, other_names, summary,
                                  tokenize = 'unicode61 remove_diacritics 2');
            """
        )
        for kind in KINDS.values():
            _index_kind(store, db, kind)
        _index_text(
            store,
            db,
            CONCEPTS,
            "skos:Concept",
            "skos:prefLabel",
            "skos:definition",
            "skos:altLabel|skos:notation",
        )
        index_entities(store, db)
        db.commit()
    finally:
        db.close()


def _index_kind(store: Store, db: sqlite3.Connection, kind: Kind) -> None:
    _index_text(store, db, kind.path, kind.rdf_class, "rdfs:label", "dcterms:description", "skos:altLabel")
    facet_rows = store.select(
        PREFIXES
        + f"""
        SELECT DISTINCT ?r ?facet ?value (SAMPLE(?l) AS ?label) WHERE {{
          ?r a {kind.rdf_class} . {kind.facet_patterns}
          OPTIONAL {{ ?value skos:prefLabel|rdfs:label ?l FILTER(lang(?l) = "en" || lang(?l) = "") }}
        }} GROUP BY ?r ?facet ?value"""
    )
    db.executemany(
        "INSERT INTO facets (iri, facet, key, label) VALUES (?, ?, ?, ?)",
        [
            (
                row["r"].value,
                row["facet"].value,
                row["value"].value.rstrip("/").rsplit("/", 1)[-1],
                row["label"].value if "label" in row else row["value"].value,
            )
            for row in facet_rows
        ],
    )
