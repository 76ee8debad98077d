"""The directory by place: how many projects cover each country and each region, for the map.

Counts come from the search index's facets (a region counts every project covering it or any
place in it); codes come from the vocabularies' notations: ISO 3166-1 alpha-2 for countries,
UN M49 for regions (the European Union has its ISO reserved code, which no map shape carries).
"""

from __future__ import annotations

from dataclasses import dataclass

from bd4m_kg.browse.search import COUNTRIES, KINDS, REGIONS, search
from bd4m_kg.store import Store

NOTATIONS = f"""
SELECT ?concept ?notation WHERE {{
  VALUES ?scheme {{ <{COUNTRIES}> <{REGIONS}> }}
  ?concept <http://www.w3.org/2004/02/skos/core#inScheme> ?scheme ;
           <http://www.w3.org/2004/02/skos/core#notation> ?notation .
}}"""


@dataclass(frozen=True)
class Place:
    """A country or region with the number of projects covering it and the listing of them."""

    key: str  # the facet key: the concept's last path segment
    label: str
    code: str  # ISO 3166-1 alpha-2 (countries) or UN M49 (regions)
    projects: int
    href: str


def project_places(store: Store) -> dict[str, list[Place]]:
    """``{"country": [...], "region": [...]}``, most projects first."""
    found = search(store, KINDS["projects"])
    rows = store.select(NOTATIONS)
    codes = {row["concept"].value.rsplit("/", 1)[-1]: row["notation"].value for row in rows}
    return {
        facet: [
            Place(v.key, v.label, codes.get(v.key, ""), v.count, f"/projects?{facet}={v.key}")
            for v in found.facets[facet]
        ]
        for facet in ("country", "region")
    }
