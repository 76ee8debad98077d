"""The rest of the reconciliation service: its manifest, suggest, data extension and previews.

Suggest completes what a curator types (an entity, a type, a property); data extension gives the
values of :data:`~bd4m_kg.browse.entities.PROPERTIES` for reconciled ids, as OpenRefine's "Add
columns from reconciled values" asks; a preview is the small card OpenRefine shows on hover.
All of it reads the search index of the store's generation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bd4m_kg.browse.entities import PROPERTIES, PROPERTY_BY_ID, TYPE_BY_KIND, TYPES, Property, fold
from bd4m_kg.browse.reconciliation import (
    MAX_IDS,
    MAX_PROPERTIES,
    Candidate,
    ReconciliationError,
    all_types,
    find_candidates,
    kind_of_type,
    kinds_of,
    scheme_names,
    score,
    type_filter,
    type_of,
    values_of,
)
from bd4m_kg.browse.search import closing_db, index_path
from bd4m_kg.store import Store

SUGGEST_LIMIT = 10
PREVIEW_WIDTH, PREVIEW_HEIGHT = 400, 160
PREVIEW_FACTS = ("country", "type", "scheme", "project", "start")


def manifest(root: str, base: str) -> dict[str, Any]:
    """The service manifest for a server reached at ``root`` (e.g. ``http://127.0.0.1:8080``)."""
    service = f"{root}/reconcile"
    return {
        "versions": ["0.2"],
        "name": "BD4M Data Innovation Directory",
        "identifierSpace": base,
        "schemaSpace": f"{base}ontology#",
        "documentation": f"{root}/openapi.json",
        "view": {"url": f"{service}/view?id={{{{id}}}}"},
        "preview": {
            "url": f"{service}/preview?id={{{{id}}}}",
            "width": PREVIEW_WIDTH,
            "height": PREVIEW_HEIGHT,
        },
        "defaultTypes": [{"id": t.id, "name": t.name} for t in TYPES],
        "suggest": {
            part: {"service_url": service, "service_path": f"/suggest/{part}"}
            for part in ("entity", "type", "property")
        },
        "extend": {
            "propose_properties": {"service_url": service, "service_path": "/properties"},
            "property_settings": [],
        },
    }


def suggest_entities(
    store: Store, prefix: str, type_id: str | None = None, cursor: int = 0
) -> dict[str, Any]:
    """Entities with a name word starting with ``prefix`` (shortest names first), then close names."""
    folded = fold(prefix)
    if not folded:
        return {"result": []}
    kinds, schemes = kinds_of([type_id] if type_id else [])
    where, parameters = type_filter(kinds, schemes, bool(type_id))
    with closing_db(index_path(store)) as db:
        rows = db.execute(
            "SELECT e.iri, e.kind, e.scheme, e.name, e.description, MAX(n.folded LIKE ? || '%') AS first "
            "FROM entity_names n JOIN entities e ON e.iri = n.iri "
            f"WHERE (' ' || n.folded) LIKE '% ' || ? || '%' {where} "
            "GROUP BY e.iri ORDER BY first DESC, length(e.name), e.name LIMIT ? OFFSET ?",
            [folded, folded, *parameters, SUGGEST_LIMIT, max(cursor, 0)],
        ).fetchall()
        found = [Candidate(*row[:5]) for row in rows]
        if len(found) < SUGGEST_LIMIT and cursor <= 0:  # a typo: the closest names
            seen = {c.iri for c in found}
            close = score(db, prefix, find_candidates(db, prefix, [type_id] if type_id else []), [])
            found += [c for c in close if c.iri not in seen and c.score >= 50][: SUGGEST_LIMIT - len(found)]
        schemes_named = scheme_names(db)
    return {
        "result": [
            {
                "id": c.iri,
                "name": c.name,
                **({"description": c.description} if c.description else {}),
                "notable": type_of(c, schemes_named),
            }
            for c in found
        ]
    }


def suggest_types(store: Store, prefix: str) -> dict[str, Any]:
    """The types whose name has a word starting with ``prefix`` (every type for an empty prefix)."""
    with closing_db(index_path(store)) as db:
        types = all_types(db)
    return {"result": [t for t in types if _starts_a_word(prefix, t["name"])]}


def suggest_properties(store: Store, prefix: str, type_id: str | None = None) -> dict[str, Any]:
    """The properties (of the type, when given) whose id or name has a word starting with ``prefix``."""
    properties = _properties_of(store, type_id) if type_id else list(PROPERTIES)
    return {
        "result": [
            _described(p)
            for p in properties
            if _starts_a_word(prefix, p.name) or _starts_a_word(prefix, p.id)
        ]
    }


def propose_properties(store: Store, type_id: str, limit: int | None = None) -> dict[str, Any]:
    """The properties data extension gives for entities of a type."""
    properties = [_described(p) for p in _properties_of(store, type_id)]
    answer: dict[str, Any] = {"type": type_id, "properties": properties[:limit] if limit else properties}
    if limit:
        answer["limit"] = limit
    return answer


def extend(store: Store, query: object) -> dict[str, Any]:
    """The values of the properties asked for, per id: ``{"meta": [...], "rows": {id: {pid: [...]}}}``."""
    if not isinstance(query, dict) or not isinstance(query.get("ids"), list):
        raise ReconciliationError('extend must be {"ids": [...], "properties": [{"id": ...}]}')
    ids, asked = query["ids"], query.get("properties")
    if not isinstance(asked, list) or not all(
        isinstance(p, dict) and isinstance(p.get("id"), str) for p in asked
    ):
        raise ReconciliationError('extend\'s "properties" must be a list of {"id": ...}')
    if not all(isinstance(i, str) for i in ids) or len(ids) > MAX_IDS or len(asked) > MAX_PROPERTIES:
        raise ReconciliationError(
            f"extend takes at most {MAX_IDS} ids (strings) and {MAX_PROPERTIES} properties"
        )
    unknown = [p["id"] for p in asked if p["id"] not in PROPERTY_BY_ID]
    if unknown:
        raise ReconciliationError(f"no property {', '.join(unknown)}; /reconcile/properties?type= lists them")
    properties = [PROPERTY_BY_ID[p["id"]] for p in asked]
    with closing_db(index_path(store)) as db:
        values = values_of(db, ids, [p.id for p in properties])
    rows = {
        iri: {
            p.id: [_cell(p, value, label) for value, label in values.get((iri, p.id), [])] for p in properties
        }
        for iri in ids
    }
    return {"meta": [_meta(p) for p in properties], "rows": rows}


@dataclass(frozen=True)
class Card:
    """What a preview shows of an entity: its name, types, description and a few facts."""

    iri: str
    name: str
    types: list[str]
    description: str
    facts: list[tuple[str, list[str]]]


def preview(store: Store, iri: str) -> Card | None:
    """The preview card of one of our entities, or None when the index knows no such id."""
    with closing_db(index_path(store)) as db:
        row = db.execute(
            "SELECT iri, kind, scheme, name, description FROM entities WHERE iri = ?", [iri]
        ).fetchone()
        if row is None:
            return None
        candidate = Candidate(*row)
        values = values_of(db, [iri], PREVIEW_FACTS)
        types = [t["name"] for t in type_of(candidate, scheme_names(db))]
    facts = [
        (PROPERTY_BY_ID[pid].name, [label for _, label in values[(iri, pid)]])
        for pid in PREVIEW_FACTS
        if (iri, pid) in values
    ]
    return Card(iri, candidate.name, types, candidate.description, facts)


def _properties_of(store: Store, type_id: str) -> list[Property]:
    with closing_db(index_path(store)) as db:
        kind = kind_of_type(db, type_id)
    if kind is None:
        raise ReconciliationError(f"no type {type_id}; /reconcile/suggest/type lists them")
    return [p for p in PROPERTIES if kind.kind in p.patterns]


def _described(prop: Property) -> dict[str, str]:
    return {"id": prop.id, "name": prop.name, "description": prop.description}


def _meta(prop: Property) -> dict[str, Any]:
    meta: dict[str, Any] = {"id": prop.id, "name": prop.name}
    if prop.value_kind:
        kind = TYPE_BY_KIND[prop.value_kind]
        meta["type"] = {"id": kind.id, "name": kind.name}
    return meta


def _cell(prop: Property, value: str, label: str) -> dict[str, str]:
    return {"id": value, "name": label} if prop.entity else {"str": label}


def _starts_a_word(prefix: str, text: str) -> bool:
    """Whether a word of ``text`` starts with ``prefix``, case and accents aside (an empty one: yes).

    >>> _starts_a_word("orga", "Organisation"), _starts_a_word("sation", "Organisation")
    (True, False)
    """
    folded = fold(prefix)
    return f" {fold(text)}".find(f" {folded}") >= 0 if folded else True
