"""Named SPARQL queries: ``queries/<name>.rq`` with a front-matter block of ``#+`` lines (YAML).

A parameter is a variable of the query with a default IRI; a caller may bind another value,
which is substituted as an RDF term (never spliced into the query text).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import yaml

from bd4m_kg.layout import project_root
from bd4m_kg.rdf.query_values import WHERE, with_values

FRONT_MATTER = "#+"


Bindable = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple  # what a variable may be bound to


class NamedQueryError(ValueError):
    """A named query that is missing, malformed or called with an unknown parameter."""


@dataclass(frozen=True)
class Parameter:
    """A variable of a named query that a caller may bind; its default is an IRI."""

    name: str
    description: str
    default: str


@dataclass(frozen=True)
class NamedQuery:
    """A SPARQL query with a title, a description and parameters."""

    name: str
    title: str
    description: str
    sparql: str
    parameters: list[Parameter] = field(default_factory=list)

    def bindings(self, values: dict[str, str] | None = None) -> dict[str, str]:
        """Each parameter's IRI: the caller's value, else the default; unknown names are refused."""
        values = values or {}
        unknown = set(values) - {p.name for p in self.parameters}
        if unknown:
            raise NamedQueryError(f"{self.name} has no parameter {', '.join(sorted(unknown))}")
        for name, value in values.items():
            try:
                ox.NamedNode(value)
            except ValueError as error:
                raise NamedQueryError(f"parameter {name} must be an IRI, not {value!r}: {error}") from error
        return {p.name: values.get(p.name, p.default) for p in self.parameters}

    def standalone(self, values: dict[str, str] | None = None) -> str:
        """The query text with its parameters bound in it (for any SPARQL endpoint)."""
        text = "\n".join(line for line in self.sparql.splitlines() if not line.startswith(FRONT_MATTER))
        return with_values(text + "\n", self.bindings(values))

    def substitutions(self, values: dict[str, str] | None = None) -> dict[ox.Variable, Bindable]:
        """The parameters' values as pyoxigraph substitutions: the caller's, else the defaults."""
        return {ox.Variable(name): ox.NamedNode(iri) for name, iri in self.bindings(values).items()}


def parse_named_query(path: Path) -> NamedQuery:
    """Read one ``.rq`` file: its ``#+`` front matter and the query after it."""
    text = path.read_text(encoding="utf-8")
    header = [line[len(FRONT_MATTER) :] for line in text.splitlines() if line.startswith(FRONT_MATTER)]
    try:
        meta = yaml.safe_load("\n".join(line.removeprefix(" ") for line in header)) or {}
    except yaml.YAMLError as error:
        raise NamedQueryError(f"{path}: front matter is not valid YAML: {error}") from error
    if not isinstance(meta, dict) or not meta.get("title") or not meta.get("description"):
        raise NamedQueryError(f"{path}: front matter needs a title and a description")
    parameters = [
        Parameter(name, str(spec.get("description", "")), str(spec["default"]))
        for name, spec in (meta.get("parameters") or {}).items()
    ]
    if parameters and WHERE.search(text) is None:
        raise NamedQueryError(f"{path}: a query with parameters needs its WHERE keyword spelled out")
    return NamedQuery(path.stem, str(meta["title"]), str(meta["description"]).strip(), text, parameters)


def load_named_queries(folder: Path | None = None) -> dict[str, NamedQuery]:
    """Every named query of ``queries/``, by name."""
    folder = folder or project_root() / "queries"
    return {path.stem: parse_named_query(path) for path in sorted(folder.glob("*.rq"))}


def run_named_query(
    store: ox.Store, query: NamedQuery, values: dict[str, str] | None = None
) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
    """Run a named query over the union of the store's graphs, with its parameters bound."""
    return store.query(
        query.sparql, use_default_graph_as_union=True, substitutions=query.substitutions(values)
    )
