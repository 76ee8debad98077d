"""RDF answers that a browser shows as a page, and every other client gets as RDF.

The page shows the same statements as Turtle (TriG when they name graphs) with a link to
download each format.

``?format=`` wins over ``Accept`` (see :func:`bd4m_kg.server.views.sparql.negotiate_offer`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pyoxigraph as ox
from flask import Response, render_template

from bd4m_kg.rdf.formats import RDF_FORMATS
from bd4m_kg.rdf.negotiation import HTML_OFFER, Offer
from bd4m_kg.server.http.negotiation import negotiate_offer

LABELS = {
    "ttl": "Turtle",
    "trig": "TriG",
    "nt": "N-Triples",
    "nq": "N-Quads",
    "jsonld": "JSON-LD",
    "rdf": "RDF/XML",
}


GRAPHS_LEFT_OUT = (
    b"# This format has no named graphs, so the statements inside them are left out here:\n"
    b"# ask for TriG, N-Quads or JSON-LD (?format=trig) to receive them.\n"
)


@dataclass(frozen=True)
class Download:
    """A format link on the page."""

    short: str
    media_type: str
    label: str


def rdf_answer(
    statements: Iterable[ox.Triple | ox.Quad],
    offers: Sequence[Offer],
    title: str,
    about: str,
    prefixes: dict[str, str],
) -> Response:
    """The statements in the negotiated format of ``offers``, or a page showing them to a browser."""
    statements = list(statements)
    prefixes = used_prefixes(statements, prefixes)
    offer = negotiate_offer((*offers, HTML_OFFER))
    named = any(_in_named_graph(s) for s in statements)
    if offer is not HTML_OFFER:
        rdf_format = RDF_FORMATS[offer.short].format
        if named and not rdf_format.supports_datasets:
            unnamed = [
                s for s in statements if not isinstance(s, ox.Quad) or s.graph_name == ox.DefaultGraph()
            ]
            body = GRAPHS_LEFT_OUT + ox.serialize(unnamed, format=rdf_format, prefixes=prefixes)
        else:
            body = ox.serialize(statements, format=rdf_format, prefixes=prefixes)
        return Response(body, content_type=offer.content_type, headers={"Vary": "Accept"})
    shown = "trig" if named else "ttl"
    text = ox.serialize(statements, format=RDF_FORMATS[shown].format, prefixes=prefixes).decode()
    downloads = [Download(o.short, o.media_type, LABELS.get(o.short, o.short)) for o in offers]
    page = render_template("rdf.html", title=title, about=about, offers=downloads, text=text)
    return Response(page, content_type=HTML_OFFER.content_type, headers={"Vary": "Accept"})


def _in_named_graph(statement: ox.Triple | ox.Quad) -> bool:
    return isinstance(statement, ox.Quad) and statement.graph_name != ox.DefaultGraph()


def used_prefixes(statements: list[ox.Triple | ox.Quad], prefixes: dict[str, str]) -> dict[str, str]:
    """Only the prefixes some IRI of the statements starts with (a document lists what it uses).

    >>> used_prefixes([ox.Triple(ox.NamedNode("http://a/x"), ox.NamedNode("http://a/p"), ox.Literal("1"))],
    ...               {"a": "http://a/", "b": "http://b/"})
    {'a': 'http://a/'}
    """
    iris = set()
    for statement in statements:
        for term in (statement.subject, statement.predicate, statement.object):
            if isinstance(term, ox.NamedNode):
                iris.add(term.value)
            elif isinstance(term, ox.Literal):
                iris.add(term.datatype.value)
    return {name: space for name, space in prefixes.items() if any(iri.startswith(space) for iri in iris)}
