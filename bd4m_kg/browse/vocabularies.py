"""The SKOS vocabularies for people and programs: concept trees, A to Z lists, label search.

Search ignores case and accents; ``*`` stands for any text (``bea*`` begins with, ``*bea*``
contains).

The concepts of every scheme under ``{base}vocab/`` are read from the store in one query and kept
for the generation they were read at.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from bd4m_kg.store import Store

SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
READ = f"""
SELECT ?s ?p ?o WHERE {{
  {{ ?s a <{SKOS}ConceptScheme> }} UNION {{ ?s <{SKOS}inScheme> ?any }}
  ?s ?p ?o
  FILTER (?p IN (<{SKOS}prefLabel>, <{SKOS}altLabel>, <{SKOS}hiddenLabel>, <{SKOS}definition>,
                 <{SKOS}notation>, <{SKOS}broader>, <{SKOS}narrower>, <{SKOS}related>, <{SKOS}inScheme>,
                 <{SKOS}topConceptOf>, <{SKOS}hasTopConcept>, <{DCTERMS}title>))
}}"""
_KEPT: dict[tuple[int, str], Vocabularies] = {}
_READING = threading.Lock()


@dataclass
class Concept:
    """A concept: its labels, definition, notation and its links to other concepts (IRIs)."""

    iri: str
    scheme: str = ""
    label: str = ""
    alt_labels: list[str] = field(default_factory=list)
    hidden_labels: list[str] = field(default_factory=list)
    definition: str = ""
    notation: str = ""
    broader: list[str] = field(default_factory=list)
    narrower: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)


@dataclass
class Scheme:
    """A concept scheme: its short id (``theme``), title, description and top concepts."""

    iri: str
    id: str
    title: str = ""
    description: str = ""
    top: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Match:
    """A concept a search found, and the label it was found by when that is not its own."""

    concept: Concept
    matched_label: str | None


@dataclass(frozen=True)
class Branch:
    """A concept in a scheme's tree, with the concepts under it."""

    concept: Concept
    children: list[Branch]


@dataclass
class Vocabularies:
    """Every scheme and concept of the store at one generation."""

    schemes: dict[str, Scheme]  # by id
    concepts: dict[str, Concept]  # by IRI

    def scheme_of(self, iri: str) -> Scheme | None:
        """The scheme a concept is in (or the scheme itself)."""
        concept = self.concepts.get(iri)
        scheme_iri = concept.scheme if concept else iri
        return next((s for s in self.schemes.values() if s.iri == scheme_iri), None)

    def in_scheme(self, scheme: Scheme) -> list[Concept]:
        """The concepts of a scheme, A to Z by label."""
        found = [c for c in self.concepts.values() if c.scheme == scheme.iri]
        return sorted(found, key=lambda c: folded(c.label or c.iri))

    def tree(self, scheme: Scheme) -> list[Branch]:
        """The scheme's concepts as a tree, A to Z at every level.

        Its roots are the top concepts and those with no broader concept in the scheme.
        """
        members = {c.iri: c for c in self.in_scheme(scheme)}
        children: dict[str, list[Concept]] = defaultdict(list)
        for concept in members.values():
            for parent in {*concept.broader} & members.keys():
                children[parent].append(concept)
        roots = [c for c in members.values() if c.iri in scheme.top or not {*c.broader} & members.keys()]

        def branch(concept: Concept, above: frozenset[str]) -> Branch:
            below = [c for c in children[concept.iri] if c.iri not in above]  # a cycle stops here
            return Branch(concept, [branch(c, above | {c.iri}) for c in below])

        return [branch(root, frozenset({root.iri})) for root in roots]

    def search(self, query: str, scheme: Scheme | None = None) -> list[Match]:
        """Concepts whose labels match ``query`` (``*`` stands for any text), A to Z.

        Without ``*`` the whole label must match; case and accents never matter.
        """
        pattern = re.compile(
            ".*".join(re.escape(part) for part in folded(query.strip()).split("*")), re.DOTALL
        )
        found = []
        for concept in self.concepts.values():
            if scheme is not None and concept.scheme != scheme.iri:
                continue
            if pattern.fullmatch(folded(concept.label)):
                found.append(Match(concept, None))
                continue
            other = next(
                (a for a in concept.alt_labels + concept.hidden_labels if pattern.fullmatch(folded(a))), None
            )
            if other is not None:
                shown = other if other in concept.alt_labels else None  # hidden labels stay hidden
                found.append(Match(concept, shown))
        return sorted(found, key=lambda m: folded(m.concept.label))

    def label_of(self, iri: str) -> str:
        """A concept's label, else its IRI."""
        concept = self.concepts.get(iri)
        return concept.label if concept and concept.label else iri


def folded(text: str) -> str:
    """Text without case or accents, for comparing.

    >>> folded("Türk Telekom"), folded("Boğaziçi")
    ('turk telekom', 'bogazici')
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def vocabularies(store: Store) -> Vocabularies:
    """The store's schemes and concepts at its current generation (read once per generation)."""
    key = (store.generation, store.base)
    with _READING:
        if key not in _KEPT:
            _KEPT.clear()
            _KEPT[key] = _read(store)
        return _KEPT[key]


def _read(store: Store) -> Vocabularies:
    concepts: dict[str, Concept] = {}
    schemes: dict[str, Scheme] = {}
    prefix = f"{store.base}vocab/"
    rows = [(row["s"].value, row["p"].value, row["o"].value) for row in store.select(READ)]
    scheme_iris = {o for _, p, o in rows if p == f"{SKOS}inScheme"} | {
        s for s, p, _ in rows if p == f"{SKOS}hasTopConcept"
    }
    for iri in scheme_iris:
        if iri.startswith(prefix):
            schemes[iri] = Scheme(iri, iri.removeprefix(prefix))
    for subject, predicate, value in rows:
        term = predicate.removeprefix(SKOS).removeprefix(DCTERMS)
        if subject in schemes:
            _scheme_fact(schemes[subject], term, value)
        elif subject not in scheme_iris:
            _concept_fact(concepts.setdefault(subject, Concept(subject)), term, value, schemes)
    kept = {iri: c for iri, c in concepts.items() if c.scheme in schemes}
    for concept in kept.values():  # narrower stated only as broader, and the other way round
        for parent in concept.broader:
            if parent in kept and concept.iri not in kept[parent].narrower:
                kept[parent].narrower.append(concept.iri)
        for child in concept.narrower:
            if child in kept and concept.iri not in kept[child].broader:
                kept[child].broader.append(concept.iri)
    by_id = {s.id: s for s in sorted(schemes.values(), key=lambda s: folded(s.title or s.id))}
    return Vocabularies(by_id, kept)


def _scheme_fact(scheme: Scheme, term: str, value: str) -> None:
    if term in ("title", "prefLabel") and not scheme.title:
        scheme.title = value
    elif term == "definition":
        scheme.description = value
    elif term == "hasTopConcept":
        scheme.top.append(value)


def _concept_fact(concept: Concept, term: str, value: str, schemes: dict[str, Scheme]) -> None:
    if term == "prefLabel":
        concept.label = value
    elif term in ("altLabel", "hiddenLabel"):
        (concept.alt_labels if term == "altLabel" else concept.hidden_labels).append(value)
    elif term == "definition":
        concept.definition = value
    elif term == "notation":
        concept.notation = value
    elif term == "inScheme" and value in schemes:
        concept.scheme = value
    elif term in ("broader", "narrower", "related"):
        getattr(concept, term).append(value)
    elif term == "topConceptOf" and value in schemes and concept.iri not in schemes[value].top:
        schemes[value].top.append(concept.iri)
