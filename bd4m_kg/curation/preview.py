"""A record of a submission as it would read once published: the live description, its graph replaced.

The page shows what the submission says of the record, with the labels and the links from other
records the live graph gives it, before a curator publishes anything.
"""

from __future__ import annotations

import pyoxigraph as ox

from bd4m_kg.curation.inbox import Submission
from bd4m_kg.curation.submissions import read_submission
from bd4m_kg.curation.validation_context import live_context
from bd4m_kg.linked_data.describe import Description, describe
from bd4m_kg.rdf.iris import graph_iri, record_graph, thing_iri
from bd4m_kg.store import Store


class NotInSubmission(LookupError):
    """The submission holds no graph for the record asked for (a 404)."""


def preview(store: Store, submission: Submission, body: bytes, record: str) -> Description:
    """The description of ``record`` (``kind/slug``) with the submission's graph in place of the live one."""
    graph, topic = graph_iri(store.base, record), thing_iri(store.base, record)
    with read_submission(body, submission.media_type, submission.filename, store.base) as staged:
        if graph not in staged.graphs():
            raise NotInSubmission(f"submission {submission.id} has no record {record}")
        quads = list(staged.scratch)
    live = describe(store, topic)
    triples = [q.triple for q in quads]
    kept = [q for q in live.quads if q.graph_name != ox.NamedNode(graph)]
    own = {t.subject for t in triples}  # the context also gives them inferred types; show what was said
    labels = [_in_owner_graph(t, store.base) for t in live_context(store, triples) if t.subject not in own]
    return Description(topic, [*kept, *quads, *labels], live.graphs | {graph})


def _in_owner_graph(triple: ox.Triple, base: str) -> ox.Quad:
    owner = record_graph(triple.subject.value, base) if isinstance(triple.subject, ox.NamedNode) else None
    graph = ox.NamedNode(owner) if owner else ox.DefaultGraph()
    return ox.Quad(triple.subject, triple.predicate, triple.object, graph)
