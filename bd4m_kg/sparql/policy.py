"""What a public query may do, decided on its algebra before it runs.

pyoxigraph would fetch a ``SERVICE`` endpoint or a ``LOAD`` source itself, and has no switch to
stop it; so a public query is parsed with rdflib's SPARQL parser, translated to algebra, and
refused when it would make the server open a URL (unless the operator allows it). The same pass
tells the query form (for content negotiation) and whether it names its own dataset.

Parsing costs milliseconds, so a query whose text holds neither ``service`` nor ``from`` (in any
case, anywhere, nor an escape that could spell them) cannot have a SERVICE or a dataset clause;
for it, reading the form after the prologue is enough, and the engine reports its syntax errors.

>>> inspect_query("SELECT * WHERE { ?s ?p ?o }").form
'SELECT'
>>> inspect_query("ASK FROM <urn:g> { ?s ?p ?o }").names_dataset
True
>>> inspect_query("PREFIX ex: <urn:x#> # no SELECT here\\nDESCRIBE ex:a").form
'DESCRIBE'
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from urllib.parse import urljoin

from pyparsing import ParseException
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Query

from bd4m_kg.rdf.complexity import TooComplex, check_sparql
from bd4m_kg.rdf.query_form import FORMS, PROLOGUE_THEN_FORM
from bd4m_kg.sparql.syntax_errors import SyntaxProblem, parser_problem

NEEDS_PARSING = re.compile(r"service|from|\\u", re.IGNORECASE)


class QueryParseError(ValueError):
    """A query that is not SPARQL 1.1; the message gives the line and column.

    ``problem`` is the engine's report, with the offending line, when the engine gave one.
    """

    def __init__(self, message: str, problem: SyntaxProblem | None = None) -> None:
        super().__init__(message)
        self.problem = problem

    @classmethod
    def of(cls, text: str, error: ParseException) -> QueryParseError:
        """The error for a text rdflib stopped reading, at the spot it stopped."""
        problem = parser_problem(text, error.lineno, error.col, error.msg)
        return cls(str(problem), problem)


class QueryRefused(ValueError):
    """A query the policy does not allow (e.g. SERVICE); the message says why and what to do."""


@dataclass(frozen=True)
class InspectedQuery:
    """What the policy learned about a query: its form and whether it has FROM / FROM NAMED."""

    form: str  # SELECT, ASK, CONSTRUCT or DESCRIBE
    from_graphs: tuple[str, ...] = ()  # FROM
    from_named_graphs: tuple[str, ...] = ()  # FROM NAMED

    @property
    def names_dataset(self) -> bool:
        """True when the query says which graphs it reads (FROM / FROM NAMED)."""
        return bool(self.from_graphs or self.from_named_graphs)

    @property
    def answers_with_graph(self) -> bool:
        """True for CONSTRUCT and DESCRIBE, which answer with RDF rather than results."""
        return self.form in {"CONSTRUCT", "DESCRIBE"}


REMEMBERED_TEXT = 8192  # characters: the verdict cache holds at most 2,048 texts of 8 Ki characters


def inspect_query(text: str, allow_service: bool = False) -> InspectedQuery:
    """Parse a query, refuse what the policy forbids, and say what kind of answer it gives.

    Verdicts are remembered for the last 2,048 query texts of at most :data:`REMEMBERED_TEXT`
    characters (parsing costs milliseconds; the bound keeps the cache's bytes bounded). A query
    nested or chained past what the engine's parser survives is refused first (:mod:`complexity`).
    """
    if len(text) <= REMEMBERED_TEXT:
        return _remembered_verdict(text, allow_service)
    return _verdict(text, allow_service)


@functools.lru_cache(maxsize=2048)
def _remembered_verdict(text: str, allow_service: bool) -> InspectedQuery:
    return _verdict(text, allow_service)


def _verdict(text: str, allow_service: bool) -> InspectedQuery:
    try:
        check_sparql(text)
    except TooComplex as error:
        raise QueryRefused(str(error)) from error
    if not NEEDS_PARSING.search(text) and (form := PROLOGUE_THEN_FORM.match(text)):
        return InspectedQuery(form.group(1).upper())
    return inspect_parsed(text, allow_service)


def inspect_parsed(text: str, allow_service: bool = False) -> InspectedQuery:
    """:func:`inspect_query` by the full parse and algebra walk, whatever the text."""
    query = _parse(text)
    names = node_names(query.algebra)
    if "ServiceGraphPattern" in names and not allow_service:
        raise QueryRefused(
            "SERVICE is not allowed here: this endpoint answers from its own graph only and does not "
            "query other endpoints. Run the federated part against that endpoint yourself."
        )
    clauses = query.algebra.get("datasetClause") or []
    return InspectedQuery(
        FORMS.get(query.algebra.name, "SELECT"),
        tuple(str(c["default"]) for c in clauses if "default" in c),
        tuple(str(c["named"]) for c in clauses if "named" in c),
    )


def _parse(text: str) -> Query:
    try:
        return translateQuery(parseQuery(text))
    except ParseException as error:
        raise QueryParseError.of(text, error) from error
    except RecursionError as error:
        raise QueryParseError("the query is nested too deeply to be read") from error
    except Exception as error:  # rdflib raises plain exceptions for semantic errors (e.g. unbound GROUP BY)
        raise QueryParseError(str(error) or type(error).__name__) from error


def node_names(node: object, found: set[str] | None = None) -> set[str]:
    """The names of every algebra / parse-tree node under ``node``."""
    found = set() if found is None else found
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, CompValue):
            found.add(current.name)
            stack.extend(current.values())
        elif isinstance(current, list | tuple):
            stack.extend(current)
    return found


def dataset_of(
    default_graphs: tuple[str, ...] | None,
    named_graphs: tuple[str, ...] | None,
    query: InspectedQuery,
    base_iri: str | None = None,
) -> dict[str, tuple[str, ...] | None]:
    """The dataset to query.

    The request's (``default-graph-uri``/``named-graph-uri``) when it names one, else the query's
    FROM / FROM NAMED (relative IRIs resolved against ``base_iri``, the endpoint's URL), else None
    for both (the union of all graphs).

    >>> dataset_of(None, None, InspectedQuery("SELECT", ("urn:g",)))
    {'default_graphs': ('urn:g',), 'named_graphs': ()}
    >>> dataset_of(None, None, InspectedQuery("SELECT", ("g",)), "http://h/sparql")["default_graphs"]
    ('http://h/g',)
    """
    if default_graphs is not None or named_graphs is not None:
        return {"default_graphs": default_graphs or (), "named_graphs": named_graphs or ()}
    if query.names_dataset:

        def resolved(graphs: tuple[str, ...]) -> tuple[str, ...]:
            return tuple(urljoin(base_iri, g) for g in graphs) if base_iri else graphs

        return {
            "default_graphs": resolved(query.from_graphs),
            "named_graphs": resolved(query.from_named_graphs),
        }
    return {"default_graphs": None, "named_graphs": None}
