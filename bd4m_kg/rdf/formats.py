"""The RDF and query-result formats we read and write: one table of short name, media type and extension.

>>> rdf_format_for_path(Path("records.trig")).name
'TriG'
>>> RESULT_FORMATS["csv"].media_type
'text/csv; charset=utf-8'
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox


@dataclass(frozen=True)
class RdfFormat:
    """A serialisation of RDF graphs or datasets."""

    short: str
    extension: str
    format: ox.RdfFormat

    @property
    def media_type(self) -> str:
        """The format's IANA media type."""
        return self.format.media_type

    @property
    def name(self) -> str:
        """The format's human name, e.g. ``TriG``."""
        return self.format.name

    @property
    def keeps_graphs(self) -> bool:
        """True when the format carries graph names (N-Quads, TriG)."""
        return self.format.supports_datasets


@dataclass(frozen=True)
class ResultFormat:
    """A serialisation of SELECT and ASK results."""

    short: str
    extension: str
    format: ox.QueryResultsFormat

    @property
    def media_type(self) -> str:
        """The format's IANA media type."""
        return self.format.media_type


RDF_FORMATS: dict[str, RdfFormat] = {
    f.short: f
    for f in (
        RdfFormat("ttl", "ttl", ox.RdfFormat.TURTLE),
        RdfFormat("nt", "nt", ox.RdfFormat.N_TRIPLES),
        RdfFormat("nq", "nq", ox.RdfFormat.N_QUADS),
        RdfFormat("trig", "trig", ox.RdfFormat.TRIG),
        RdfFormat("rdf", "rdf", ox.RdfFormat.RDF_XML),
        RdfFormat("jsonld", "jsonld", ox.RdfFormat.JSON_LD),
    )
}

RESULT_FORMATS: dict[str, ResultFormat] = {
    f.short: f
    for f in (
        ResultFormat("json", "srj", ox.QueryResultsFormat.JSON),
        ResultFormat("xml", "srx", ox.QueryResultsFormat.XML),
        ResultFormat("csv", "csv", ox.QueryResultsFormat.CSV),
        ResultFormat("tsv", "tsv", ox.QueryResultsFormat.TSV),
    )
}

_EXTRA_EXTENSIONS = {"owl": "rdf", "xml": "rdf", "json": "jsonld", "n3": "ttl"}


class UnknownFormatError(ValueError):
    """A file whose RDF format cannot be told from its name."""


def rdf_format_for_path(path: Path) -> RdfFormat:
    """The RDF format of a file, from its extension (``.ttl .nt .nq .trig .rdf .owl .jsonld``)."""
    extension = path.suffix.lower().lstrip(".")
    short = _EXTRA_EXTENSIONS.get(extension, extension)
    by_extension = {f.extension: f for f in RDF_FORMATS.values()}
    if short not in by_extension:
        known = ", ".join(sorted(f".{e}" for e in [*by_extension, *_EXTRA_EXTENSIONS]))
        raise UnknownFormatError(f"{path}: cannot tell its RDF format from the extension (known: {known})")
    return by_extension[short]


def rdf_format_for_media_type(media_type: str) -> RdfFormat | None:
    """The RDF format for a media type (parameters such as ``charset`` are ignored), or None."""
    wanted = essence(media_type)
    return next((f for f in RDF_FORMATS.values() if essence(f.media_type) == wanted), None)


def result_format_for_media_type(media_type: str) -> ResultFormat | None:
    """The query-results format for a media type (parameters are ignored), or None."""
    wanted = essence(media_type)
    return next((f for f in RESULT_FORMATS.values() if essence(f.media_type) == wanted), None)


def essence(media_type: str) -> str:
    """A media type without its parameters: ``text/csv; charset=utf-8`` → ``text/csv``."""
    return media_type.split(";", 1)[0].strip().lower()
