"""A staged change as one SPARQL Update request: ``DROP SILENT GRAPH …; INSERT DATA { GRAPH … }``.

One request is one transaction on Oxigraph (embedded or server): if any part fails, nothing is
written. Triples are written graph by graph in N-Triples syntax, which SPARQL accepts as is.
The Protocol's using-graph-uri parameters become USING clauses in the update's text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import IO

import pyoxigraph as ox

from bd4m_kg.rdf.iris import metadata_graph
from bd4m_kg.store.staging import Staging


def write_update(staging: Staging, drop: frozenset[str], output: IO[bytes]) -> None:
    """Write the update that replaces every staged graph and drops ``drop``."""
    graphs = staging.graphs()
    for graph in sorted({*graphs, *drop}):
        output.write(f"DROP SILENT GRAPH {ox.NamedNode(graph)} ;\n".encode())
    output.write(b"INSERT DATA {\n")
    for graph in graphs:
        output.write(f"GRAPH {ox.NamedNode(graph)} {{\n".encode())
        staging.scratch.dump(output, ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph))
        output.write(b"}\n")
    output.write(b"}\n")


OWL_VERSION_INFO = "http://www.w3.org/2002/07/owl#versionInfo"


def with_generation(update: str, base: str, generation: int) -> str:
    """``update`` followed by operations recording ``generation`` in the metadata graph.

    They run in the same request, so after a crash the store itself tells whether the update
    was committed.
    """
    dataset, graph = ox.NamedNode(f"{base}dataset"), ox.NamedNode(metadata_graph(base))
    version = ox.NamedNode(OWL_VERSION_INFO)
    number = ox.Literal(str(generation), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    return (
        f"{update.rstrip().rstrip(';')}\n;\n"
        f"DROP SILENT GRAPH {graph} ;\n"  # not DELETE WHERE: it would read the update's dataset
        f"INSERT DATA {{ GRAPH {graph} {{ {dataset} {version} {number} }} }}\n"
    )


def generation_check(base: str, generation: int) -> str:
    """An ASK that is true when the store records ``generation`` (see :func:`with_generation`)."""
    dataset, graph = ox.NamedNode(f"{base}dataset"), ox.NamedNode(metadata_graph(base))
    return f"ASK {{ GRAPH {graph} {{ {dataset} <{OWL_VERSION_INFO}> {generation} }} }}"


_TOKENS = re.compile(
    r"""(?P<skip>\#[^\n]*|<[^<>"{}|^`\\\s]*>|'''.*?'''|\"\"\".*?\"\"\"|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")"""
    r"|(?P<open>\{)|(?P<close>\})|(?P<word>[A-Za-z_][A-Za-z0-9_]*)",
    re.DOTALL,
)


def with_using(text: str, using: Sequence[str], using_named: Sequence[str]) -> str:
    """Add the protocol's ``using-graph-uri`` / ``using-named-graph-uri`` to every DELETE/INSERT … WHERE.

    The Protocol gives them the meaning of USING / USING NAMED clauses, so they are written in
    front of each such WHERE (outside strings, IRIs and comments; never DELETE WHERE's).

    >>> with_using("INSERT { GRAPH <urn:g> { ?s ?p ?o } } WHERE { ?s ?p ?o }", ["urn:u"], [])
    'INSERT { GRAPH <urn:g> { ?s ?p ?o } } USING <urn:u> WHERE { ?s ?p ?o }'
    """
    clauses = [f"USING {ox.NamedNode(g)}" for g in using] + [
        f"USING NAMED {ox.NamedNode(g)}" for g in using_named
    ]
    inserts, depth, previous = [], 0, ""
    for match in _TOKENS.finditer(text):
        if match.lastgroup == "open":
            depth += 1
        elif match.lastgroup == "close":
            depth -= 1
        elif match.lastgroup == "word":
            word = match.group().upper()
            if word == "WHERE" and depth == 0 and previous == "}":
                inserts.append(match.start())
        if match.lastgroup != "skip":
            previous = "}" if match.lastgroup == "close" else match.group().upper()
    for position in reversed(inserts):
        text = f"{text[:position]}{' '.join(clauses)} {text[position:]}"
    return text
