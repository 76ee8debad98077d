"""Building a store from the checkout (``bd4m-kg init``) and counting what it holds (``bd4m-kg stats``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from bd4m_kg.layout import KnowledgeFile, knowledge_files
from bd4m_kg.publishing.changes import ChangeResult, apply_change, stage_knowledge
from bd4m_kg.store import Store

KINDS_QUERY = """
PREFIX bd4m: <{base}ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?kind (COUNT(DISTINCT ?thing) AS ?count) WHERE {
  VALUES (?class ?kind) {
    (bd4m:Project "projects") (org:Organization "organisations")
    (bd4m:DataCollaborative "collaboratives") (bd4m:Studio "studios") (skos:Concept "concepts")
  }
  ?thing a ?class .
} GROUP BY ?kind
"""

SIZE_QUERY = "SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?g) AS ?graphs) WHERE { GRAPH ?g { ?s ?p ?o } }"


def build_store(
    store: Store,
    root: Path | None = None,
    base: str | None = None,
    actor: str = "init",
    progress: Callable[[list[KnowledgeFile]], Iterable[KnowledgeFile]] = lambda files: files,
) -> ChangeResult:
    """Fill the store from ontology/, shapes/ and data/ as one change; drop graphs the checkout lacks."""
    if base is not None:
        store.state.put("base", base)
    files = list(knowledge_files(root))
    with store.staging() as staging:
        stage_knowledge(staging, progress(files))
        stale = set(store.graph_names()) - set(staging.graphs())
        return apply_change(store, staging, actor, f"build from {len(files)} knowledge files", drop=stale)


@dataclass(frozen=True)
class StoreStats:
    """How much the store holds."""

    generation: int
    triples: int
    graphs: int
    kinds: dict[str, int]  # projects, organisations, collaboratives, studios, concepts


def store_stats(store: Store, deadline: float | None = None) -> StoreStats:
    """Count triples, graphs and records by kind (the home page and ``bd4m-kg stats``)."""
    generation = store.generation
    size = store.select(SIZE_QUERY, deadline)[0]
    kinds = dict.fromkeys(("projects", "organisations", "collaboratives", "studios", "concepts"), 0)
    for row in store.select(KINDS_QUERY.replace("{base}", store.base), deadline):
        kinds[row["kind"].value] = int(row["count"].value)
    return StoreStats(generation, int(size["triples"].value), int(size["graphs"].value), kinds)
