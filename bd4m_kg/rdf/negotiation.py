"""Content negotiation: one function and one table of media types for every answer we serve.

``?format=`` (a short name) wins over ``Accept``; ``Accept`` honours q-values (q=0 excludes),
``*/*`` and ``type/*``; parameters such as ``charset`` never break a match. When nothing fits,
:class:`NotAcceptable` lists what is offered (a 406 for the web layer).

>>> negotiate("text/csv;q=0.5, application/sparql-results+xml", RESULT_OFFERS).short
'xml'
>>> negotiate(None, GRAPH_OFFERS).short
'ttl'
>>> negotiate("text/csv; charset=utf-8", RESULT_OFFERS).short
'csv'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bd4m_kg.rdf.formats import RDF_FORMATS, RESULT_FORMATS, RdfFormat, ResultFormat, essence


@dataclass(frozen=True)
class Offer:
    """One format we answer in: its short name (``?format=``), ``Content-Type`` and accepted media types."""

    short: str
    content_type: str
    media_types: tuple[str, ...]  # without parameters; the first is the format's own
    names: tuple[str, ...] = ()  # other names clients send as format= (e.g. SPARQLWrapper's "turtle")

    @property
    def media_type(self) -> str:
        """The format's own media type, without parameters."""
        return self.media_types[0]


class NotAcceptable(ValueError):
    """Nothing offered fits the request; ``offered`` lists the media types that would."""

    def __init__(self, message: str, offered: Sequence[Offer]) -> None:
        super().__init__(message)
        self.offered = [o.media_type for o in offered]


def _offers(
    table: Mapping[str, RdfFormat | ResultFormat],
    aliases: dict[str, tuple[str, ...]],
    names: dict[str, tuple[str, ...]],
) -> tuple[Offer, ...]:
    return tuple(
        Offer(
            short,
            _content_type(f.media_type),
            (essence(f.media_type), *aliases.get(short, ())),
            names.get(short, ()),
        )
        for short, f in table.items()
    )


def _content_type(media_type: str) -> str:
    """The ``Content-Type`` of a format: text types say their charset (always UTF-8).

    >>> _content_type("text/turtle"), _content_type("application/trig")
    ('text/turtle; charset=utf-8', 'application/trig')
    """
    if media_type.startswith("text/") and "charset" not in media_type:
        return f"{media_type}; charset=utf-8"
    return media_type


RESULT_OFFERS = _offers(
    RESULT_FORMATS,
    {"json": ("application/json",), "xml": ("application/xml", "text/xml")},
    {"json": ("srj",), "xml": ("srx",)},
)
GRAPH_OFFERS = _offers(
    RDF_FORMATS,
    {
        "ttl": ("application/x-turtle",),
        "jsonld": ("application/json",),
        "rdf": ("application/xml", "text/xml"),
    },
    {
        "ttl": ("turtle", "n3"),
        "nt": ("ntriples", "n-triples"),
        "nq": ("nquads", "n-quads"),
        "rdf": ("xml", "rdfxml", "rdf+xml"),
        "jsonld": ("json-ld", "json"),
    },
)

HTML_OFFER = Offer("html", "text/html; charset=utf-8", ("text/html", "application/xhtml+xml"))
DOCUMENT_OFFERS = (*GRAPH_OFFERS, HTML_OFFER)  # a linked-data document: RDF for machines, a page for people
JSON_OFFER = Offer("json", "application/json", ("application/json",))
PAGE_OR_JSON = (JSON_OFFER, HTML_OFFER)  # an API answer or an error: JSON unless a page is preferred


def negotiate(accept: str | None, offers: Sequence[Offer], format: str | None = None) -> Offer:
    """Pick the offer for a request: ``format`` (a name) first, else ``Accept``, else the first offer."""
    if format:
        wanted = format.strip().lower()
        for offer in offers:
            if wanted in (offer.short, *offer.names, *offer.media_types):
                return offer
        names = ", ".join(o.short for o in offers)
        raise NotAcceptable(f"format={format!r} is not offered here; use one of {names}", offers)
    if not accept or not accept.strip():
        return offers[0]
    ranges = _accept_ranges(accept)
    scored = [
        (quality, specificity, index == 0, -rank, offer)  # a format's own media type beats an alias
        for rank, offer in enumerate(offers)
        for index, media_type in enumerate(offer.media_types)
        for quality, specificity in [_quality(ranges, media_type)]
        if quality > 0
    ]
    if not scored:
        raise NotAcceptable(f"none of the offered media types fits Accept: {accept}", offers)
    return max(scored, key=lambda score: score[:4])[4]


def prefers_html(accept: str | None, format: str | None = None) -> bool:
    """True when a request would rather have a page than JSON (a browser); ``format`` wins over Accept.

    >>> prefers_html("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
    True
    >>> prefers_html("*/*"), prefers_html(None), prefers_html("application/xhtml+xml")
    (False, False, True)
    """
    try:
        return negotiate(accept, PAGE_OR_JSON, format) is HTML_OFFER
    except NotAcceptable:
        return False


def _accept_ranges(accept: str) -> list[tuple[str, float]]:
    """``Accept`` as (media range, quality) pairs; other parameters (charset, profile) are dropped.

    >>> _accept_ranges("text/csv; charset=utf-8; q=0.5, */*;q=0")
    [('text/csv', 0.5), ('*/*', 0.0)]
    """
    ranges = []
    for part in accept.split(","):
        essence, *parameters = (p.strip() for p in part.split(";"))
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = min(1.0, max(0.0, float(value)))
                except ValueError:
                    quality = 0.0
        if essence:
            ranges.append((essence.lower(), quality))
    return ranges


def _quality(ranges: list[tuple[str, float]], media_type: str) -> tuple[float, int]:
    """The quality Accept gives a media type, from its most specific matching range (RFC 9110 12.5.1)."""
    kind = media_type.split("/")[0]
    for specificity, wanted in ((2, media_type), (1, f"{kind}/*"), (0, "*/*")):
        qualities = [quality for value, quality in ranges if value == wanted]
        if qualities:
            return max(qualities), specificity
    return 0.0, 0
