"""A description read as a directory entry: what a person sees on a record's page.

The page model is built from the same quads as the RDF documents: the topic's title, kind, other
names and summary; its facts (property → linked values); the nodes it owns (involvements, data
sources, outputs) as tables; its sources; and what links to it from other records, grouped by how.
Nothing here knows HTML; every link is a local path for our IRIs or the IRI itself elsewhere.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from bd4m_kg.linked_data.describe import Description
from bd4m_kg.linked_data.profiles import SCHEMA_TYPES
from bd4m_kg.rdf.iris import page_path

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
DCAT = "http://www.w3.org/ns/dcat#"
PROV = "http://www.w3.org/ns/prov#"
SCHEMA = "https://schema.org/"
BD4M = "https://w3id.org/bd4m/ontology#"

LABEL_PROPERTIES = (f"{SKOS}prefLabel", f"{RDFS}label", f"{DCTERMS}title")
SUMMARY_PROPERTIES = (f"{DCTERMS}description", f"{SKOS}definition")
NOT_FACTS = {f"{RDF}type", f"{SKOS}altLabel", f"{DCTERMS}source", *LABEL_PROPERTIES, *SUMMARY_PROPERTIES}
SECTION_TITLES = {
    f"{BD4M}involvement": "Who is involved",
    f"{BD4M}usesDataSource": "Data sources",
    f"{BD4M}output": "Outputs",
    f"{BD4M}participant": "Data holders and users considered",
    f"{BD4M}neededDataset": "Datasets needed",
    "http://www.w3.org/ns/org#hasMembership": "Memberships",
    f"{BD4M}holdingsReport": "Holdings reported",
}
INCOMING_TITLES = {
    f"{PROV}agent": "Takes part in",
    f"{BD4M}heldBy": "Holds data for",
    f"{BD4M}forProject": "Data collaboratives",
    f"{BD4M}dataSource": "Used by",
    "http://www.w3.org/ns/org#subOrganizationOf": "Units",
    f"{DCTERMS}subject": "Records on this theme",
    f"{BD4M}policyNeed": "Projects addressing this need",
    f"{DCTERMS}spatial": "Records covering this place",
    f"{PROV}hadRole": "Involvements in this role",
    f"{SKOS}broader": "Narrower concepts",
    f"{SKOS}hasTopConcept": "Top concept of",
    "http://www.w3.org/ns/org#member": "Member of",
    f"{BD4M}organiser": "Organised",
    f"{BD4M}funder": "Funded",
    f"{BD4M}challenge": "Records meeting this challenge",
    f"{BD4M}questionsFrom": "Studios drawing on these questions",
}
COLUMN_NAMES = {
    f"{PROV}agent": "Organisation",
    f"{PROV}hadRole": "Role",
    f"{RDFS}label": "Name",
    f"{RDFS}comment": "Note",
    f"{BD4M}sourceType": "Type",
}


@dataclass(frozen=True)
class Link:
    """A value on the page: its text, and where it leads (None: plain text)."""

    text: str
    href: str | None = None
    external: bool = False


@dataclass
class Table:
    """Rows of nodes with the same role on the page: a title, column names, cells of links."""

    title: str
    columns: list[str]
    rows: list[tuple[str, list[list[Link]]]] = field(default_factory=list)  # (anchor, cells)


@dataclass
class RecordPage:
    """Everything a record's page shows."""

    topic: str
    title: str
    kind: str
    other_names: list[str]
    summary: list[str]
    facts: list[tuple[str, list[Link]]]
    parts: list[Table]
    sources: list[Link]
    incoming: list[Table]
    json_ld: str


class _Index:
    """The description's triples by subject, with labels for every term."""

    def __init__(self, description: Description, base: str) -> None:
        self.base = base
        self.out: dict[ox.NamedNode | ox.BlankNode, dict[str, list[Any]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for quad in description.quads:
            values = self.out[quad.subject][quad.predicate.value]  # type: ignore[index]  # subjects of a description are IRIs or blank nodes
            if quad.object not in values:
                values.append(quad.object)

    def values(self, subject: object, predicate: str) -> list[Any]:
        return self.out.get(subject, {}).get(predicate, [])  # type: ignore[call-overload, no-any-return]  # any subject: unknown ones have no values

    def label(self, term: object) -> str:
        """The English (else any) label of a term, else a readable end of its IRI."""
        for predicate in LABEL_PROPERTIES:
            literals = [v for v in self.values(term, predicate) if isinstance(v, ox.Literal)]
            english = [v for v in literals if v.language == "en"]
            if english or literals:
                return (english or literals)[0].value
        if isinstance(term, ox.Literal):
            return term.value
        if isinstance(term, ox.NamedNode):
            return readable_name(term.value)
        return "(unnamed)"

    def link(self, term: object) -> Link:
        """A term as a link: our IRIs to their pages, others to themselves, literals as text."""
        if isinstance(term, ox.NamedNode):
            local = page_path(term.value, self.base)
            if local:
                return Link(self.label(term), local)
            labelled = self.label(term) if self.out.get(term) else term.value
            if not term.value.lower().startswith(("http://", "https://")):
                return Link(labelled)  # javascript:, data: and the like are shown, never linked
            return Link(labelled, term.value, external=True)
        return Link(self.label(term))

    def types(self, subject: object) -> list[str]:
        return [t.value for t in self.values(subject, f"{RDF}type")]


def record_page(description: Description, base: str) -> RecordPage:
    """The page model of a description."""
    index = _Index(description, base)
    topic = ox.NamedNode(description.topic)
    owned = _owned_nodes(index, topic)
    facts = [
        (index.label(ox.NamedNode(p)), [_value(index, v) for v in values])
        for p, values in index.out.get(topic, {}).items()
        if p not in NOT_FACTS and (p == f"{DCTERMS}temporal" or not any(v in owned for v in values))
    ]
    return RecordPage(
        topic=description.topic,
        title=index.label(topic),
        kind=", ".join(index.label(ox.NamedNode(t)) for t in index.types(topic)) or "Resource",
        other_names=[v.value for v in index.values(topic, f"{SKOS}altLabel")],
        summary=[p for v in _summaries(index, topic) for p in paragraphs(v)],
        facts=facts,
        parts=[*_parts(index, topic, owned), *_defined_here(index, topic, owned)],
        sources=[index.link(v) for v in index.values(topic, f"{DCTERMS}source")],
        incoming=_incoming(index, topic),
        json_ld=_json_ld(description, index, topic),
    )


def readable_name(iri: str) -> str:
    """The end of an IRI in words: ``…/data-holder`` → ``data holder``, ``…#versionInfo`` → ``version info``.

    >>> readable_name("http://www.w3.org/2002/07/owl#versionInfo")
    'version info'
    """
    end = iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", end).replace("-", " ").lower() if end else iri


def paragraphs(text: str) -> list[str]:
    """Text split at blank lines, each paragraph on one line.

    >>> paragraphs("One" + chr(10) + "line." + chr(10) * 2 + "Two.")
    ['One line.', 'Two.']
    """
    return [" ".join(block.split()) for block in re.split(r"\n\s*\n", text) if block.strip()]


def _summaries(index: _Index, topic: ox.NamedNode) -> list[str]:
    return [v.value for p in SUMMARY_PROPERTIES for v in index.values(topic, p)]


OWL = "http://www.w3.org/2002/07/owl#"
TERM_KINDS = {  # what a term of an ontology is, in words
    f"{OWL}Class": "class",
    f"{OWL}ObjectProperty": "object property (links to a thing)",
    f"{OWL}DatatypeProperty": "data property (a value)",
    f"{OWL}AnnotationProperty": "annotation property (text for people)",
    f"{OWL}FunctionalProperty": "functional (at most one value)",
    f"{OWL}TransitiveProperty": "transitive",
    f"{OWL}SymmetricProperty": "symmetric",
    f"{RDF}Property": "property",
    "http://www.w3.org/2000/01/rdf-schema#Class": "class",
    "http://www.w3.org/ns/shacl#NodeShape": "node shape",
    "http://www.w3.org/ns/shacl#PropertyShape": "property shape",
}


def _defined_here(index: _Index, topic: ox.NamedNode, owned: set[ox.NamedNode | ox.BlankNode]) -> list[Table]:
    """Terms ``topic#…`` the record defines without linking to them (an ontology's classes and properties)."""
    terms = [s for s in index.out if isinstance(s, ox.NamedNode) and _part_of(s, topic) and s not in owned]
    if not terms:
        return []
    table = Table("Defined here", ["Term", "Kind", "Definition"])
    for term in sorted(terms, key=lambda t: (index.types(t), t.value)):
        kinds = [
            Link(TERM_KINDS[t]) if t in TERM_KINDS else index.link(ox.NamedNode(t)) for t in index.types(term)
        ]
        texts = _summaries(index, term) + _comments(index, term)
        definition = [Link(" ".join(paragraphs(texts[0])))] if texts else []
        table.rows.append((term.value.rsplit("#", 1)[-1], [[Link(index.label(term))], kinds, definition]))
    return [table]


def _comments(index: _Index, term: ox.NamedNode) -> list[str]:
    return [v.value for v in index.values(term, f"{RDFS}comment")]


def _owned_nodes(index: _Index, topic: ox.NamedNode) -> set[ox.NamedNode | ox.BlankNode]:
    """Nodes the topic's record holds: blank nodes and ``topic#…`` IRIs it links to, and theirs."""
    owned: set[ox.NamedNode | ox.BlankNode] = set()
    frontier: list[ox.NamedNode | ox.BlankNode] = [topic]
    while frontier:
        for values in index.out.get(frontier.pop(), {}).values():
            for value in values:
                if _part_of(value, topic) and value not in owned:
                    owned.add(value)
                    frontier.append(value)
    return owned


def _part_of(node: object, topic: ox.NamedNode) -> bool:
    """A blank node, or an IRI ``topic#…``."""
    return isinstance(node, ox.BlankNode) or (
        isinstance(node, ox.NamedNode) and node.value.startswith(topic.value + "#")
    )


def _value(index: _Index, term: object) -> Link:
    """A fact's value; a period of time reads as its start and end (a missing one is not guessed)."""
    start = index.values(term, f"{DCAT}startDate")
    end = index.values(term, f"{DCAT}endDate")
    return (
        Link(period_text(start[0].value if start else None, end[0].value if end else None))
        if start or end
        else index.link(term)
    )


def period_text(start: str | None, end: str | None) -> str:
    """A period as a reader sees it; the sources' silence about an end is not called "ongoing".

    >>> period_text("2017-05", "2019"), period_text("2017-05", None), period_text(None, "2019")
    ('2017-05 to 2019', 'from 2017-05 (no end date given)', 'until 2019')
    """
    if start and end:
        return f"{start} to {end}"
    return f"from {start} (no end date given)" if start else f"until {end}"


def _parts(index: _Index, topic: ox.NamedNode, owned: set[ox.NamedNode | ox.BlankNode]) -> list[Table]:
    tables = []
    for predicate, values in index.out.get(topic, {}).items():
        nodes = [v for v in values if v in owned and index.out.get(v)]
        if not nodes or predicate == f"{DCTERMS}temporal":
            continue
        columns = _columns(p for n in nodes for p in index.out[n] if p != f"{RDF}type")
        table = Table(SECTION_TITLES.get(predicate, index.label(ox.NamedNode(predicate)).capitalize()), [])
        table.columns = [_column_name(index, c) for c in columns]
        for node in sorted(nodes, key=index.label):
            anchor = node.value.rsplit("#", 1)[-1] if isinstance(node, ox.NamedNode) else ""
            table.rows.append((anchor, [[_value(index, v) for v in index.values(node, c)] for c in columns]))
        tables.append(table)
    return tables


def _incoming(index: _Index, topic: ox.NamedNode) -> list[Table]:
    """What links to the topic: one table per linking property, a row per linking node and its record."""
    groups: dict[str, list[Any]] = defaultdict(list)
    for subject, properties in index.out.items():
        if subject == topic or (isinstance(subject, ox.NamedNode) and _part_of(subject, topic)):
            continue
        for predicate, values in properties.items():
            if topic in values and predicate != f"{RDF}type":
                groups[predicate].append(subject)
    tables = []
    for predicate, subjects in groups.items():
        parts = [s for s in subjects if _owner(s) != s]  # nodes of other records (an involvement, a source)
        hidden = {predicate, *NOT_FACTS} - {f"{RDFS}label"}  # a part's name is worth a column
        columns = _columns(p for s in parts for p in index.out[s] if p not in hidden)
        title = INCOMING_TITLES.get(predicate, f"Linked by {index.label(ox.NamedNode(predicate))}")
        table = Table(title, ["Record", *[_column_name(index, c) for c in columns]])
        rows = [(_owner(s), [[index.link(v) for v in index.values(s, c)] for c in columns]) for s in subjects]
        for owner, cells in sorted(rows, key=lambda row: index.label(row[0])):
            table.rows.append(("", [[index.link(owner)], *cells]))
        tables.append(table)
    return sorted(tables, key=lambda t: t.title)


def _columns(properties: Iterable[str]) -> list[str]:
    """Distinct properties in order of appearance, names first and notes last."""
    found = list(dict.fromkeys(properties))
    order = {f"{RDFS}label": -1, f"{RDFS}comment": 1, f"{DCTERMS}description": 1}
    return sorted(found, key=lambda p: order.get(p, 0))


def _column_name(index: _Index, predicate: str) -> str:
    return COLUMN_NAMES.get(predicate) or index.label(ox.NamedNode(predicate)).capitalize()


def _owner(node: object) -> object:
    """The record a linking node belongs to: itself, or the IRI before ``#``."""
    if isinstance(node, ox.NamedNode) and "#" in node.value:
        return ox.NamedNode(node.value.split("#", 1)[0])
    return node


def _json_ld(description: Description, index: _Index, topic: ox.NamedNode) -> str:
    """The topic's triples as JSON-LD, with schema.org name, description and type for search engines.

    Safe inside a ``<script>`` element: ``<``, ``>`` and ``&`` are escaped.
    """
    owned = _owned_nodes(index, topic)
    triples = [q.triple for q in description.quads if q.subject == topic or q.subject in owned]
    rdf_type = ox.NamedNode(f"{RDF}type")
    for kind in index.types(topic):
        if kind in SCHEMA_TYPES:
            triples.append(ox.Triple(topic, rdf_type, ox.NamedNode(SCHEMA + SCHEMA_TYPES[kind])))
    triples.append(ox.Triple(topic, ox.NamedNode(f"{SCHEMA}name"), ox.Literal(index.label(topic))))
    for summary in (v for p in SUMMARY_PROPERTIES for v in index.values(topic, p)):
        triples.append(ox.Triple(topic, ox.NamedNode(f"{SCHEMA}description"), summary))
    text = ox.serialize(list(dict.fromkeys(triples)), format=ox.RdfFormat.JSON_LD).decode()  # type: ignore[union-attr]  # serialize without an output returns bytes
    compact = json.dumps(json.loads(text), ensure_ascii=False, separators=(",", ":"))
    return compact.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
