"""Reconciliation (W3C Entity Reconciliation API 0.2, as OpenRefine speaks it): match names to our IRIs.

Candidates come from the entity tables of the search index (:mod:`bd4m_kg.browse.entities`):
names sharing trigrams with the query, after case and accents are folded away, then scored.

**Scores** run from 0 to 100. A query's *name score* against a candidate is the best, over the
candidate's names (its label, other names, a concept's code), of

- the whole folded query against the whole folded name (``difflib`` ratio), and
- the query's words each against the name's most alike word (weighted by length), times
  0.7 + 0.3 x the share of the name's letters in words the query matched (at ratio 0.8 or more):
  a query that is a part of a name scores less than the whole name.

Without properties the score is the name score. With properties (``country`` and the others of
:data:`~bd4m_kg.browse.entities.PROPERTIES`) it is 0.75 x name score + 0.25 x the mean of the
property scores: 100 when a value given is one of the candidate's (by id, or by a name of the
value), else the best ratio of the text given against the names of the candidate's values.

``match: true`` means the candidate is the record meant, with no one else close: its score is at
least 90 and every other candidate scores at least 10 less. "Turk Telecom" (92) is matched to
Türk Telekom and "flowmindr" (95) to Flowminder; "Bogazici" (83, a part of the name) is proposed
as Boğaziçi University for the curator to confirm.
"""

from __future__ import annotations

import difflib
import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from bd4m_kg.browse.entities import PROPERTY_BY_ID, TYPE_BY_KIND, TYPES, EntityType, fold
from bd4m_kg.browse.search import closing_db, index_path
from bd4m_kg.store import Store

MATCH_SCORE, MATCH_LEAD = 90, 10
NAME_WEIGHT = 0.75
WORD_MATCH = 0.8
CANDIDATES = 100  # names read from the index per query before scoring
DEFAULT_LIMIT, MAX_LIMIT = 5, 50
MAX_QUERIES, MAX_IDS, MAX_PROPERTIES = 100, 1000, 20


class ReconciliationError(ValueError):
    """A request the service cannot read (bad JSON, a wrong shape, too many queries): a 400."""


@dataclass
class Candidate:
    """An entity scored against one query."""

    iri: str
    kind: str
    scheme: str
    name: str
    description: str
    score: float = 0.0
    name_score: float = 0.0
    property_scores: dict[str, float] = field(default_factory=dict)


def similarity(query: str, name: str) -> float:
    """How alike a query and a name are, 0 to 100, as the module's docstring says.

    >>> similarity("flowmindr", "Flowminder"), similarity("Türk Telecom", "Türk Telekom")
    (95.0, 92.0)
    >>> similarity("Bogazici", "Boğaziçi University"), similarity("TURKIYE", "Türkiye")
    (83.0, 100.0)
    """
    q, n = fold(query), fold(name)
    if not q or not n:
        return 0.0
    whole = difflib.SequenceMatcher(None, q, n).ratio()
    q_words, n_words = q.split(), n.split()
    matched: set[int] = set()
    found = 0.0
    for word in q_words:
        ratios = [difflib.SequenceMatcher(None, word, other).ratio() for other in n_words]
        best = max(range(len(ratios)), key=ratios.__getitem__)
        found += len(word) * ratios[best]
        if ratios[best] >= WORD_MATCH:
            matched.add(best)
    coverage = found / sum(map(len, q_words))
    share = sum(len(n_words[i]) for i in matched) / sum(map(len, n_words))
    return round(100 * max(whole, coverage * (0.7 + 0.3 * share)), 0)


def kinds_of(type_ids: Iterable[str]) -> tuple[set[str], set[str]]:
    """The kinds and vocabularies (scheme IRIs) a query's types name; unknown types name nothing."""
    kinds, schemes = set(), set()
    for type_id in type_ids:
        known = [t.kind for t in TYPES if t.id == type_id]
        kinds.update(known)
        if not known:
            schemes.add(type_id)
    return kinds, schemes


def _types(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    raise ReconciliationError("type must be a type id or a list of them")


def find_candidates(db: sqlite3.Connection, text: str, types: list[str]) -> dict[str, Candidate]:
    """Entities with a name sharing trigrams (or, for a short query, a first word) with ``text``."""
    folded = fold(text)
    if not folded:
        return {}
    kinds, schemes = kinds_of(types)
    where, parameters = type_filter(kinds, schemes, bool(types))
    grams = sorted({folded[i : i + 3] for i in range(len(folded) - 2)})[:200]
    if grams:
        match = " OR ".join(f'"{g}"' for g in grams)  # folded text holds letters, digits and spaces only
        rows = db.execute(
            "SELECT e.iri, e.kind, e.scheme, e.name, e.description FROM entity_trigrams t "
            "JOIN entity_names n ON n.rowid = t.rowid JOIN entities e ON e.iri = n.iri "
            f"WHERE entity_trigrams MATCH ? {where} ORDER BY bm25(entity_trigrams) LIMIT ?",
            [match, *parameters, CANDIDATES],
        ).fetchall()
    else:
        rows = db.execute(
            "SELECT e.iri, e.kind, e.scheme, e.name, e.description FROM entity_names n "
            "JOIN entities e ON e.iri = n.iri WHERE (n.folded = ? OR n.folded LIKE ? || ' %') "
            f"{where} LIMIT ?",
            [folded, folded, *parameters, CANDIDATES],
        ).fetchall()
    return {row[0]: Candidate(*row) for row in rows}


def type_filter(kinds: set[str], schemes: set[str], typed: bool) -> tuple[str, list[object]]:
    """The SQL keeping entities of these kinds or vocabularies (nothing to add when no type is asked)."""
    if not typed:
        return "", []
    marks = ",".join("?" * len(kinds)) or "NULL"
    scheme_marks = ",".join("?" * len(schemes)) or "NULL"
    return f"AND (e.kind IN ({marks}) OR e.scheme IN ({scheme_marks}))", [*kinds, *schemes]


def names_of(db: sqlite3.Connection, iris: Iterable[str]) -> dict[str, list[str]]:
    """Every name of each entity."""
    iris = list(iris)
    found: dict[str, list[str]] = {iri: [] for iri in iris}
    rows = db.execute(f"SELECT iri, name FROM entity_names WHERE iri IN ({_marks(iris)})", iris)
    for iri, name in rows:
        found[iri].append(name)
    return found


def values_of(
    db: sqlite3.Connection, iris: Iterable[str], properties: Iterable[str]
) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """``{(entity, property): [(value id or "", label)]}`` for these entities and properties."""
    iris, properties = list(iris), list(properties)
    found: dict[tuple[str, str], list[tuple[str, str]]] = {}
    rows = db.execute(
        f"SELECT iri, property, value, label FROM entity_values WHERE iri IN ({_marks(iris)}) "
        f"AND property IN ({_marks(properties)}) ORDER BY rowid",
        [*iris, *properties],
    )
    for iri, prop, value, label in rows:
        found.setdefault((iri, prop), []).append((value, label))
    return found


def read_json(text: str | None, what: str) -> Any:
    """A request parameter's JSON, or a :class:`ReconciliationError` saying what is wrong with it."""
    try:
        return json.loads(text or "")
    except ValueError as error:
        raise ReconciliationError(f"{what} is not JSON: {error}") from None


def reconcile(store: Store, queries: object) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Candidates for each query of a batch (``{"q0": {"query": ..., "type": ..., ...}}``), best first."""
    if not isinstance(queries, dict) or not all(isinstance(q, dict) for q in queries.values()):
        raise ReconciliationError(
            'queries must be an object of queries, e.g. {"q0": {"query": "Flowminder"}}'
        )
    if len(queries) > MAX_QUERIES:
        raise ReconciliationError(f"at most {MAX_QUERIES} queries a batch, not {len(queries)}")
    with closing_db(index_path(store)) as db:
        return {key: {"result": _reconcile_one(db, query)} for key, query in queries.items()}


def _reconcile_one(db: sqlite3.Connection, query: dict[str, Any]) -> list[dict[str, Any]]:
    text, types = query.get("query", ""), _types(query.get("type"))
    given = query.get("properties") or []
    if not isinstance(text, str) or not isinstance(given, list) or not all(_is_property(p) for p in given):
        raise ReconciliationError('a query has a "query" text and "properties" of {"pid": ..., "v": ...}')
    limit = query.get("limit", DEFAULT_LIMIT)
    if not isinstance(limit, int | float) or isinstance(limit, bool):
        raise ReconciliationError("limit must be a number")
    known = [p for p in given if p["pid"] in PROPERTY_BY_ID][:MAX_PROPERTIES]
    candidates = find_candidates(db, text, types) if text.strip() else _having(db, known, types)
    scored = score(db, text, candidates, known)
    best = scored[0].score if scored else 0
    certain = best >= MATCH_SCORE and (len(scored) == 1 or scored[1].score <= best - MATCH_LEAD)
    schemes = scheme_names(db)
    return [
        {
            "id": c.iri,
            "name": c.name,
            **({"description": c.description} if c.description else {}),
            "score": c.score,
            "match": certain and i == 0,
            "type": type_of(c, schemes),
            "features": [{"id": "name", "value": c.name_score}]
            + [{"id": f"property:{pid}", "value": value} for pid, value in c.property_scores.items()],
        }
        for i, c in enumerate(scored[: max(1, min(int(limit), MAX_LIMIT))])
    ]


def _is_property(given: object) -> bool:
    return isinstance(given, dict) and isinstance(given.get("pid"), str) and "v" in given


def score(
    db: sqlite3.Connection, text: str, candidates: dict[str, Candidate], given: list[dict[str, Any]]
) -> list[Candidate]:
    """The candidates scored against the query's text and properties (module docstring), best first."""
    names = names_of(db, candidates)
    values = values_of(db, candidates, {p["pid"] for p in given})
    value_names = names_of(db, {v for found in values.values() for v, _ in found if v})
    for candidate in candidates.values():
        candidate.name_score = max((similarity(text, n) for n in names[candidate.iri]), default=0.0)
        for prop in given:
            mine = values.get((candidate.iri, prop["pid"]), [])
            wanted = prop["v"] if isinstance(prop["v"], list) else [prop["v"]]
            scores = [_value_score(v, mine, value_names) for v in wanted] or [0.0]
            candidate.property_scores[prop["pid"]] = round(sum(scores) / len(scores), 0)
        parts = list(candidate.property_scores.values())
        if not parts:
            candidate.score = candidate.name_score
        elif text.strip():
            candidate.score = round(NAME_WEIGHT * candidate.name_score + (1 - NAME_WEIGHT) * _mean(parts), 1)
        else:
            candidate.score = round(_mean(parts), 1)
    return sorted(candidates.values(), key=lambda c: (-c.score, c.name))


def _mean(numbers: list[float]) -> float:
    return sum(numbers) / len(numbers)


def _value_score(wanted: object, mine: list[tuple[str, str]], value_names: dict[str, list[str]]) -> float:
    """100 when ``wanted`` (an id, or a text) is one of the values, else how alike the closest is."""
    if isinstance(wanted, dict):
        if any(value == wanted.get("id") for value, _ in mine):
            return 100.0
        wanted = wanted.get("name", "")
    text = str(wanted).lower() if isinstance(wanted, bool) else str(wanted)
    return max(
        (similarity(text, name) for value, label in mine for name in [label, *value_names.get(value, [])]),
        default=0.0,
    )


def _having(db: sqlite3.Connection, given: list[dict[str, Any]], types: list[str]) -> dict[str, Candidate]:
    """For a query of properties only: the entities having one of the values given (by id or name)."""
    kinds, schemes = kinds_of(types)
    where, parameters = type_filter(kinds, schemes, bool(types))
    found: dict[str, Candidate] = {}
    for prop in given:
        for wanted in prop["v"] if isinstance(prop["v"], list) else [prop["v"]]:
            value = wanted.get("id", "") if isinstance(wanted, dict) else ""
            text = fold(str(wanted.get("name", "") if isinstance(wanted, dict) else wanted))
            rows = db.execute(
                "SELECT DISTINCT e.iri, e.kind, e.scheme, e.name, e.description FROM entity_values v "
                "JOIN entities e ON e.iri = v.iri LEFT JOIN entity_names n ON n.iri = v.value "
                f"WHERE v.property = ? AND (v.value = ? OR n.folded = ?) {where} LIMIT ?",
                [prop["pid"], value, text, *parameters, CANDIDATES],
            )
            found.update((row[0], Candidate(*row)) for row in rows)
    return found


def type_of(candidate: Candidate, schemes: dict[str, str]) -> list[dict[str, str]]:
    """A candidate's types: its class, and a concept's vocabulary."""
    kind = TYPE_BY_KIND[candidate.kind]
    types = [{"id": kind.id, "name": kind.name}]
    if candidate.scheme:
        types.append({"id": candidate.scheme, "name": schemes.get(candidate.scheme, candidate.scheme)})
    return types


def scheme_names(db: sqlite3.Connection) -> dict[str, str]:
    """The name of each vocabulary (concept scheme) by its IRI."""
    return dict(db.execute("SELECT iri, name FROM schemes").fetchall())


def all_types(db: sqlite3.Connection) -> list[dict[str, Any]]:
    """Every type entities can be reconciled against: the kinds, then each vocabulary as a kind of concept."""
    concept = TYPE_BY_KIND["concept"]
    broader = [{"id": concept.id, "name": concept.name}]
    return [{"id": t.id, "name": t.name, "description": t.description} for t in TYPES] + [
        {
            "id": iri,
            "name": f"{name} (vocabulary)",
            "description": f"A concept of {name}.",
            "broader": broader,
        }
        for iri, name in sorted(scheme_names(db).items(), key=lambda item: item[1])
    ]


def kind_of_type(db: sqlite3.Connection, type_id: str) -> EntityType | None:
    """The kind of entity a type id names (a vocabulary names concepts), or None when unknown."""
    for t in TYPES:
        if t.id == type_id:
            return t
    return TYPE_BY_KIND["concept"] if type_id in scheme_names(db) else None


def _marks(values: list[str]) -> str:
    return ",".join("?" * len(values)) or "NULL"
