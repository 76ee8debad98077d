"""The one way a read is asked of the store: the answer's format, the dataset, the bindings, the cap.

The endpoint, the query page, named queries and the CLI all build their :class:`QueryRequest`
here, after the policy has read the query, so each asks the same thing of the same text.
"""

from __future__ import annotations

from bd4m_kg.rdf.formats import RDF_FORMATS, RESULT_FORMATS
from bd4m_kg.sparql.policy import InspectedQuery, dataset_of
from bd4m_kg.store import QueryRequest


def query_request(
    inspected: InspectedQuery,
    text: str,
    answer_format: str,
    *,
    default_graphs: tuple[str, ...] | None = None,
    named_graphs: tuple[str, ...] | None = None,
    substitutions: dict[str, str] | None = None,
    cap: int | None = None,
    base_iri: str | None = None,
) -> QueryRequest:
    """The read for a query the policy accepted, answered in ``answer_format`` (a short name).

    A results format applies to SELECT and ASK, an RDF format to CONSTRUCT and DESCRIBE; the
    other kind of answer falls back to JSON or Turtle. The dataset is the request's graphs, else
    the query's FROM / FROM NAMED (relative to ``base_iri``), else the union of all graphs.

    >>> from bd4m_kg.sparql.policy import inspect_query
    >>> read = query_request(inspect_query("SELECT * FROM <g> { ?s ?p ?o }"), "…", "csv", base_iri="http://h/")
    >>> read.results_format, read.graph_format, read.default_graphs
    ('csv', 'ttl', ('http://h/g',))
    """
    return QueryRequest(
        text,
        results_format=answer_format if answer_format in RESULT_FORMATS else "json",
        graph_format=answer_format if answer_format in RDF_FORMATS else "ttl",
        substitutions=substitutions or {},
        cap=cap,
        base_iri=base_iri,
        **dataset_of(default_graphs, named_graphs, inspected, base_iri),
    )
