"""A staged change as one SPARQL Update request: ``DROP SILENT GRAPH …; INSERT DATA { GRAPH … }``.

One request is one transaction on Oxigraph (embedded or server): if any part fails, nothing is
written. Triples are written graph by graph in N-Triples syntax, which SPARQL accepts as is.
"""

from __future__ import annotations

from typing import IO

import pyoxigraph as ox

from bd4m_kg.staging import Staging


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
