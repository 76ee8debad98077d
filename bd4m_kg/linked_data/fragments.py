"""Triple Pattern Fragments: the triples of the directory that match one pattern, a page at a time.

A client such as Comunica answers SPARQL over them by asking many cheap, cacheable patterns
(https://linkeddatafragments.org/specification/triple-pattern-fragments/). The dataset is the
union of the store's graphs, the default graph of the SPARQL endpoint; with ``graph`` the pattern
is a quad pattern over the named graphs. Values are in the TPF syntax: an IRI bare (or in angle
brackets), a literal quoted (``"7"^^<http://www.w3.org/2001/XMLSchema#integer>``, ``"7"^^http://…``
or ``"text"@en``), a variable empty or ``?name`` (equal names must match equal terms).

Every page is a bounded read: on a store this process can read, index lookups
(``quads_for_pattern``) with no query and no reader process; on a remote store one COUNT over at
most :data:`COUNT_LIMIT` + 1 rows and one SELECT with LIMIT and OFFSET. Counts are exact up to
:data:`COUNT_LIMIT` matches; past it they say :data:`COUNT_LIMIT` and are a lower bound (an
estimate). The matches of an exactly counted pattern come in a fixed order, so walking the pages
sees each once: N-Quads order from the embedded store (the same whichever copy answers), SPARQL's
ORDER BY from a remote one. Past the limit they come in the order of the index that answers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from itertools import islice
from urllib.parse import quote

import pyoxigraph as ox

from bd4m_kg.store import Store

PAGE_SIZE = 100
TITLE = "Linked Data Fragment of the Data Innovation Directory"
COUNT_LIMIT = 100_000
POSITIONS = ("subject", "predicate", "object", "graph")

HYDRA = "http://www.w3.org/ns/hydra/core#"
VOID = "http://rdfs.org/ns/void#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
SD = "http://www.w3.org/ns/sparql-service-description#"
DCTERMS = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
PREFIXES = {"hydra": HYDRA, "void": VOID, "rdf": RDF, "sd": SD, "dcterms": DCTERMS, "foaf": FOAF}

Term = ox.NamedNode | ox.Literal
Slot = Term | str | None  # a term; a named variable (its name); None, a variable of its own
_VARIABLE = re.compile(r"\?\w+")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


class BadParameter(ValueError):
    """A parameter whose value is not a term of the TPF syntax (or not allowed in its place): a 400."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"parameter {parameter}: {message}")
        self.parameter = parameter


@dataclass(frozen=True)
class Pattern:
    """A triple pattern (``quads`` False: over the union of the graphs) or a quad pattern.

    ``given`` keeps the request's non-empty values, in the order of :data:`POSITIONS`, for links.
    """

    subject: Slot = None
    predicate: Slot = None
    object: Slot = None
    graph: Slot = None
    quads: bool = False
    given: tuple[tuple[str, str], ...] = ()

    @property
    def slots(self) -> tuple[Slot, Slot, Slot, Slot]:
        """Subject, predicate, object and graph."""
        return (self.subject, self.predicate, self.object, self.graph)


def parse_term(value: str, parameter: str) -> Slot:
    """A parameter's value as a term, a variable's name, or None for an anonymous variable.

    >>> parse_term("http://example.org/x", "subject")
    <NamedNode value=http://example.org/x>
    >>> parse_term('"7"^^http://www.w3.org/2001/XMLSchema#integer', "object").value
    '7'
    >>> parse_term('"Nairobi"@en', "object").language
    'en'
    >>> parse_term("?who", "subject"), parse_term("", "subject")
    ('who', None)
    >>> parse_term("Nairobi", "object")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    bd4m_kg.linked_data.fragments.BadParameter: parameter object: 'Nairobi' is not an absolute IRI, ...
    """
    if value == "":
        return None
    if value.startswith("?"):
        if not _VARIABLE.fullmatch(value):
            raise BadParameter(parameter, f"{value!r} is not a variable (? and word characters)")
        return value[1:]
    if value.startswith('"'):
        if parameter != "object":
            raise BadParameter(parameter, f"a literal cannot be the {parameter}")
        return _literal(value, parameter)
    if value.startswith("_:"):
        raise BadParameter(parameter, "blank nodes cannot be asked for: their labels are local to a page")
    iri = value[1:-1] if value.startswith("<") and value.endswith(">") else value
    if not _SCHEME.match(iri):
        raise BadParameter(parameter, f"{value!r} is not an absolute IRI, a quoted literal or a variable")
    try:
        return ox.NamedNode(iri)
    except ValueError as error:
        raise BadParameter(parameter, f"{value!r} is not an IRI: {error}") from error


def _literal(value: str, parameter: str) -> ox.Literal:
    """``"lexical"``, ``"lexical"@lang`` or ``"lexical"^^datatype`` (the datatype bare or in <>)."""
    end = value.rfind('"')
    if end == 0:
        raise BadParameter(parameter, f"{value!r} has no closing quote")
    lexical, rest = value[1:end], value[end + 1 :]
    try:
        if rest == "":
            return ox.Literal(lexical)
        if rest.startswith("@"):
            return ox.Literal(lexical, language=rest[1:])
        if rest.startswith("^^"):
            datatype = rest[2:]
            datatype = datatype[1:-1] if datatype.startswith("<") and datatype.endswith(">") else datatype
            if not _SCHEME.match(datatype):
                raise ValueError(f"{datatype!r} is not an absolute IRI")
            return ox.Literal(lexical, datatype=ox.NamedNode(datatype))
    except ValueError as error:
        raise BadParameter(parameter, f"{value!r} is not a literal: {error}") from error
    raise BadParameter(parameter, f"{value!r}: only @language or ^^datatype may follow the closing quote")


def parse_pattern(values: Mapping[str, str]) -> Pattern:
    """The pattern of a request's ``subject``, ``predicate``, ``object`` and ``graph`` values.

    ``graph`` present (even as a variable) makes it a quad pattern over the named graphs.

    >>> parse_pattern({"predicate": "http://www.w3.org/2000/01/rdf-schema#label"}).given
    (('predicate', 'http://www.w3.org/2000/01/rdf-schema#label'),)
    >>> parse_pattern({"graph": "?g"}).quads
    True
    """
    slots = {name: parse_term(values.get(name, ""), name) for name in POSITIONS}
    given = tuple((name, values[name]) for name in POSITIONS if values.get(name))
    return Pattern(**slots, quads="graph" in values, given=given)


@dataclass(frozen=True)
class Fragment:
    """One page of a fragment: its matches, how many match in all, and whether a next page exists."""

    pattern: Pattern
    page: int
    size: int
    matches: list[ox.Quad]
    total: int
    exact: bool  # False: ``total`` is a lower bound, counting stopped at COUNT_LIMIT
    has_next: bool


def read_fragment(
    store: Store, pattern: Pattern, page: int = 1, size: int = PAGE_SIZE, deadline: float | None = None
) -> Fragment:
    """Page ``page`` (from 1) of the fragment of ``pattern``, by index lookups where this process can."""
    with store.lookups() as view:
        if view.quads is not None:
            return _from_index(view.quads, pattern, page, size)
    return _from_queries(store, pattern, page, size, deadline)


def _from_index(quads: ox.Store, pattern: Pattern, page: int, size: int) -> Fragment:
    start = (page - 1) * size
    found = list(islice(_matching(quads, pattern), COUNT_LIMIT + 1))
    if len(found) <= COUNT_LIMIT:
        found.sort(key=str)  # the same order from the snapshot and from the memory copy
        shown = found[start : start + size]
        return Fragment(pattern, page, size, shown, len(found), True, len(found) > start + size)
    shown = list(islice(_matching(quads, pattern), start, start + size + 1))
    return Fragment(pattern, page, size, shown[:size], COUNT_LIMIT, False, len(shown) > size)


def _matching(quads: ox.Store, pattern: Pattern) -> Iterator[ox.Quad]:
    """The quads matching ``pattern`` in index order (named graphs only: the union, or the quad pattern)."""
    bound = [s if isinstance(s, ox.NamedNode | ox.Literal) else None for s in pattern.slots]
    graph = bound[3] if pattern.quads else None
    same = _same_variables(pattern)
    for quad in quads.quads_for_pattern(bound[0], bound[1], bound[2], graph):  # type: ignore[arg-type]
        if quad.graph_name == ox.DefaultGraph():
            continue  # the stored default graph stays empty; queries see the union instead
        if same and not _consistent(quad, same):
            continue
        yield quad


def _same_variables(pattern: Pattern) -> list[list[int]]:
    """Positions sharing a variable name, where a name occurs more than once."""
    names: dict[str, list[int]] = {}
    for position, slot in enumerate(pattern.slots[: 4 if pattern.quads else 3]):
        if isinstance(slot, str):
            names.setdefault(slot, []).append(position)
    return [positions for positions in names.values() if len(positions) > 1]


def _consistent(quad: ox.Quad, same: list[list[int]]) -> bool:
    terms = (quad.subject, quad.predicate, quad.object, quad.graph_name)
    return all(len({terms[p] for p in positions}) == 1 for positions in same)


def _from_queries(store: Store, pattern: Pattern, page: int, size: int, deadline: float | None) -> Fragment:
    """One bounded COUNT and one SELECT for the page (one row more, to know of a next page).

    An exactly counted pattern's page is ordered by its terms: without ORDER BY a server may
    answer OFFSET from a different order each time (Virtuoso does), and a client walking the pages
    would see some triples twice and others never.
    """
    names = ("?_s", "?_p", "?_o", "?_g")
    terms = [
        str(slot) if isinstance(slot, ox.NamedNode | ox.Literal) else f"?v_{slot}" if slot else names[i]
        for i, slot in enumerate(pattern.slots)
    ]
    triple = f"{terms[0]} {terms[1]} {terms[2]}"
    where = f"GRAPH {terms[3]} {{ {triple} }}" if pattern.quads else f"{triple} ."
    variables = list(dict.fromkeys(t for t in terms[: 4 if pattern.quads else 3] if t.startswith("?")))
    projection = " ".join(variables) or "(1 AS ?_found)"
    counted = store.select(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT {projection} WHERE {{ {where} }} "
        f"LIMIT {COUNT_LIMIT + 1} }}",
        deadline,
    )
    total = int(counted[0]["n"].value) if counted else 0
    exact = total <= COUNT_LIMIT
    order = f"ORDER BY {' '.join(variables)} " if exact and variables else ""
    rows = store.select(
        f"SELECT {projection} WHERE {{ {where} }} {order}LIMIT {size + 1} OFFSET {(page - 1) * size}",
        deadline,
    )
    shown = [_quad(row, pattern.slots, terms, pattern.quads) for row in rows[:size]]
    return Fragment(pattern, page, size, shown, total if exact else COUNT_LIMIT, exact, len(rows) > size)


def _quad(
    row: Mapping[str, ox.NamedNode | ox.BlankNode | ox.Literal],
    slots: tuple[Slot, ...],
    terms: list[str],
    quads: bool,
) -> ox.Quad:
    """A row of the page's SELECT as a quad: each variable's value, or the pattern's own term."""
    used = zip(slots[: 4 if quads else 3], terms[: 4 if quads else 3], strict=True)
    values = [row[t[1:]] if t.startswith("?") else slot for slot, t in used]
    return ox.Quad(values[0], values[1], values[2], values[3] if quads else ox.DefaultGraph())  # type: ignore[arg-type]


@dataclass(frozen=True)
class Addresses:
    """Where a page is: the fragments' URL (no query), the URL the page was asked by, the dataset's IRI."""

    endpoint: str
    requested: str
    dataset: str


def fragment_url(endpoint: str, pattern: Pattern, page: int | None = None) -> str:
    """The URL of the fragment of ``pattern`` (or of one of its pages), its values percent-encoded.

    >>> fragment_url("http://h/fragments", parse_pattern({"object": '"a b"@en'}), 2)
    'http://h/fragments?object=%22a%20b%22%40en&page=2'
    """
    given = [*pattern.given, *([("graph", "")] if pattern.quads and not pattern.graph else [])]
    parts = [f"{name}={quote(value, safe='')}" for name, value in given]
    parts += [f"page={page}"] if page is not None else []
    return endpoint + ("?" + "&".join(parts) if parts else "")


def page_statements(fragment: Fragment, at: Addresses, graphs: bool) -> list[ox.Triple | ox.Quad]:
    """The page as RDF: its matches, then its metadata and controls.

    With ``graphs`` (TriG, N-Quads, JSON-LD) the metadata sit in a graph of their own, named
    ``{fragment}#metadata`` and linked to the fragment by ``foaf:primaryTopic``, as the TPF servers
    do, so a client tells them from the data; without it they sit beside the data triples.
    """
    data: list[ox.Triple | ox.Quad] = [q if fragment.pattern.quads else q.triple for q in fragment.matches]
    fragment_iri = fragment_url(at.endpoint, fragment.pattern)
    meta = ox.NamedNode(fragment_iri + "#metadata")
    triples = [ox.Triple(meta, ox.NamedNode(FOAF + "primaryTopic"), ox.NamedNode(fragment_iri))]
    triples += _controls(fragment, at, fragment_iri)
    if not graphs:
        return [*data, *triples[1:]]
    return [*data, *(ox.Quad(t.subject, t.predicate, t.object, meta) for t in triples)]


def _controls(fragment: Fragment, at: Addresses, fragment_iri: str) -> list[ox.Triple]:
    """The dataset with its search form, and the page with its counts and links (TPF's metadata)."""
    dataset, page, fragment_node = (
        ox.NamedNode(at.dataset),
        ox.NamedNode(at.requested),
        ox.NamedNode(fragment_iri),
    )
    search = ox.BlankNode("triplePattern")
    triples = [
        ox.Triple(dataset, _iri(RDF, "type"), _iri(VOID, "Dataset")),
        ox.Triple(dataset, _iri(RDF, "type"), _iri(HYDRA, "Collection")),
        ox.Triple(dataset, _iri(VOID, "subset"), page),
        *([ox.Triple(dataset, _iri(VOID, "subset"), fragment_node)] if fragment_iri != at.requested else []),
        ox.Triple(dataset, _iri(HYDRA, "search"), search),
        ox.Triple(search, _iri(RDF, "type"), _iri(HYDRA, "IriTemplate")),
        ox.Triple(search, _iri(HYDRA, "template"), ox.Literal(at.endpoint + "{?subject,predicate,object}")),
        ox.Triple(search, _iri(HYDRA, "variableRepresentation"), _iri(HYDRA, "ExplicitRepresentation")),
    ]
    for name in POSITIONS[:3]:
        mapping = ox.BlankNode(name)
        triples += [
            ox.Triple(search, _iri(HYDRA, "mapping"), mapping),
            ox.Triple(mapping, _iri(HYDRA, "variable"), ox.Literal(name)),
            ox.Triple(mapping, _iri(HYDRA, "property"), _iri(RDF, name)),
        ]
    return triples + _page_metadata(fragment, at, fragment_node, page)


def _page_metadata(
    fragment: Fragment, at: Addresses, fragment_node: ox.NamedNode, page: ox.NamedNode
) -> list[ox.Triple]:
    total = ox.Literal(str(fragment.total), datatype=XSD_INTEGER)
    counted = "exactly" if fragment.exact else "at least (counting stops there)"
    kind = "quad" if fragment.pattern.quads else "triple"
    described = (
        f"The {kind}s of the directory matching {_shown(fragment.pattern)}: {counted} {fragment.total}."
    )
    triples = [
        ox.Triple(fragment_node, _iri(VOID, "subset"), page),  # after the dataset's: a client reads the last
        ox.Triple(page, _iri(RDF, "type"), _iri(HYDRA, "PartialCollectionView")),
        ox.Triple(page, _iri(DCTERMS, "title"), ox.Literal(TITLE, language="en")),
        ox.Triple(page, _iri(DCTERMS, "description"), ox.Literal(described, language="en")),
        ox.Triple(page, _iri(DCTERMS, "source"), ox.NamedNode(at.dataset)),
        ox.Triple(page, _iri(HYDRA, "totalItems"), total),
        ox.Triple(page, _iri(VOID, "triples"), total),
        ox.Triple(page, _iri(HYDRA, "itemsPerPage"), ox.Literal(str(fragment.size), datatype=XSD_INTEGER)),
        ox.Triple(page, _iri(HYDRA, "first"), ox.NamedNode(fragment_url(at.endpoint, fragment.pattern, 1))),
    ]
    if fragment.page > 1:
        previous = fragment_url(at.endpoint, fragment.pattern, fragment.page - 1)
        triples.append(ox.Triple(page, _iri(HYDRA, "previous"), ox.NamedNode(previous)))
    if fragment.has_next:
        following = fragment_url(at.endpoint, fragment.pattern, fragment.page + 1)
        triples.append(ox.Triple(page, _iri(HYDRA, "next"), ox.NamedNode(following)))
    return triples


def _shown(pattern: Pattern) -> str:
    """The pattern in SPARQL syntax, for people.

    >>> _shown(parse_pattern({"predicate": "http://x/p", "object": "?o"}))
    '{ ?s <http://x/p> ?o }'
    """
    names = ("?s", "?p", "?o", "?g")
    terms = [
        str(slot) if isinstance(slot, ox.NamedNode | ox.Literal) else f"?{slot}" if slot else names[i]
        for i, slot in enumerate(pattern.slots)
    ]
    triple = f"{terms[0]} {terms[1]} {terms[2]}"
    return f"{{ GRAPH {terms[3]} {{ {triple} }} }}" if pattern.quads else f"{{ {triple} }}"


def _iri(namespace: str, local: str) -> ox.NamedNode:
    return ox.NamedNode(namespace + local)
