"""Reading RDF files: pyoxigraph parses (it never fetches a remote context or entity), rdflib receives."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import IO, cast

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node


def as_file(stream: object) -> IO[bytes]:
    """A binary stream (gzip, a socket's chunks) as pyoxigraph's parse and serialise functions type it."""
    return cast(IO[bytes], stream)


class RdfSyntaxError(ValueError):
    """A file that is not valid RDF; the message names the file, line and column."""


XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF12_REFUSED = (
    "RDF 1.2 is not taken here: the directory, its shapes and the SHACL engine are RDF 1.1. "
    "State a triple term as plain triples, and a string without its base direction"
)


MISSING_DOT = "A dot is expected at the end of statements"


def located_error(error: SyntaxError, source: bytes | Path | None = None) -> str:
    r"""The parser's message for RDF it cannot read, with a missing ``.`` put where it is missing.

    The parser notices a missing dot only at the next statement, lines later; the mistake is at
    the end of the statement before, which is the line named.

    >>> text = b"@prefix ex: <http://e/> .\nex:a ex:b ex:c   # no dot\n\nex:d ex:e ex:f .\n"
    >>> try:
    ...     list(ox.parse(text, format=ox.RdfFormat.TURTLE))
    ... except SyntaxError as error:
    ...     print(located_error(error, text))
    line 2: a '.' is missing at the end of the statement (the next one starts at line 4, column 1)
    """
    message = str(error)
    line, column = getattr(error, "lineno", None), getattr(error, "offset", None)
    if source is None or MISSING_DOT not in message or not line or not column:
        return message
    end = _statement_end(_lines_until(source, line), line, column)
    if end is None or end == line:
        return message
    where = f"the next one starts at line {line}, column {column}"
    return f"line {end}: a '.' is missing at the end of the statement ({where})"


def _lines_until(source: bytes | Path, line: int) -> list[str]:
    """The first ``line`` lines of the source, as text."""
    if isinstance(source, bytes):
        return source.decode("utf-8", "replace").split("\n")[:line]
    with source.open(encoding="utf-8", errors="replace") as text:
        return [next(text, "") for _ in range(line)]


def _statement_end(lines: list[str], line: int, column: int) -> int | None:
    """The last line before (``line``, ``column``) with something other than space or a comment."""
    if len(lines) < line:
        return None
    if _uncommented(lines[line - 1][: column - 1]).strip():
        return line
    for number in range(line - 1, 0, -1):
        if _uncommented(lines[number - 1]).strip():
            return number
    return None


def _uncommented(text: str) -> str:
    """A Turtle line without its comment (a ``#`` outside an IRI or a string).

    >>> _uncommented('ex:a ex:b "#1" , <http://e/#x> # note')
    'ex:a ex:b "#1" , <http://e/#x> '
    """
    quote, in_iri = "", False
    for index, char in enumerate(text):
        if quote:
            quote = "" if char == quote and text[index - 1] != "\\" else quote
        elif in_iri:
            in_iri = char != ">"
        elif char in "\"'":
            quote = char
        elif char == "<":
            in_iri = True
        elif char == "#":
            return text[:index]
    return text


def parse_file(path: Path, format: ox.RdfFormat = ox.RdfFormat.TURTLE) -> list[ox.Triple]:
    """Parse one RDF file into triples, or raise :class:`RdfSyntaxError` naming file, line and column."""
    try:
        return [quad.triple for quad in ox.parse(path=str(path), format=format)]
    except SyntaxError as error:
        raise RdfSyntaxError(f"{path}: {located_error(error, path)}") from error


def read_triples(path: Path, base_iri: str | None = None) -> list[ox.Triple]:
    """Any RDF file (format from its extension) parsed by pyoxigraph, graph names dropped.

    pyoxigraph never fetches a remote JSON-LD context or an XML entity; rdflib's parsers might.
    """
    from bd4m_kg.rdf.formats import rdf_format_for_path

    rdf_format = rdf_format_for_path(path).format
    try:
        quads = ox.parse(path=str(path), format=rdf_format, base_iri=base_iri or path.resolve().as_uri())
        return [quad.triple for quad in quads]
    except SyntaxError as error:
        raise RdfSyntaxError(f"{path}: {located_error(error, path)}") from error


def read_rdf(path: Path, base_iri: str | None = None) -> Graph:
    """Like :func:`read_triples`, as an rdflib graph for pySHACL."""
    return to_rdflib(read_triples(path, base_iri))


def to_rdflib(triples: Iterable[ox.Triple]) -> Graph:
    """Convert pyoxigraph triples to an rdflib graph, term by term, as rdflib's N-Triples parser would.

    Each blank node becomes a fresh rdflib one (the same within the call). rdflib reads RDF 1.1
    only: an RDF 1.2 triple term or base direction raises :class:`RdfSyntaxError`.

    >>> graph = to_rdflib(ox.parse(b'_:b <urn:p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .',
    ...                            format=ox.RdfFormat.N_TRIPLES))
    >>> [o.toPython() for o in graph.objects()]
    [1]
    """
    graph, blanks = Graph(), {}

    def term(node: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
        if isinstance(node, ox.NamedNode):
            return URIRef(node.value)
        if isinstance(node, ox.BlankNode):
            if node.value not in blanks:
                blanks[node.value] = BNode()
            return blanks[node.value]
        if node.language:
            return Literal(node.value, lang=node.language)
        if node.datatype.value == XSD_STRING:
            return Literal(node.value)
        return Literal(node.value, datatype=URIRef(node.datatype.value))

    for triple in triples:
        triple = getattr(triple, "triple", triple)  # a quad's triple
        if isinstance(triple.object, ox.Triple) or getattr(triple.object, "direction", None):
            raise RdfSyntaxError(f"{RDF12_REFUSED} ({triple})")
        graph.add((term(triple.subject), URIRef(triple.predicate.value), term(triple.object)))  # type: ignore[arg-type]  # term() maps each pyoxigraph term to its rdflib one
    return graph
