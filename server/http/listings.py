"""Every listing as data, the way Datasette does: its page, or the same rows as JSON or CSV.

A listing answers ``/<path>.json`` and ``/<path>.csv`` (or ``?format=json|csv``, or ``Accept``) with
the same filters and paging as its page. JSON carries the rows (under the listing's own noun:
``records``, ``releases`` …) and their ``columns``, the total, ``truncated`` (true when more rows
match than this answer holds: follow ``next_url``) and the paging links; CSV carries
the rows, a header line first, and the paging links in a ``Link`` header (RFC 8288), with the
total in ``X-Total-Count``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Response, request

from bd4m_kg.rdf.negotiation import HTML_OFFER, JSON_OFFER, Offer
from bd4m_kg.server.http.errors import ApiError
from bd4m_kg.server.http.negotiation import negotiate_offer

CSV_OFFER = Offer("csv", "text/csv; charset=utf-8", ("text/csv",))
LISTING_OFFERS = (HTML_OFFER, JSON_OFFER, CSV_OFFER)
DATA_EXTENSIONS = ("json", "csv")
MAX_SIZE = 1000  # rows a data answer may hold
DATA_SIZE = 100  # rows a data answer holds unless ?size= says otherwise


@dataclass(frozen=True)
class Listing:
    """One page of a listing as data: its columns, rows, total and where the pages next to it are."""

    noun: str  # what the rows are, their key in JSON: "records", "releases", "versions" …
    columns: tuple[str, ...]
    rows: list[dict[str, object]]
    total: int | None
    next_url: str | None = None
    previous_url: str | None = None
    extra: dict[str, object] = field(default_factory=dict)  # more for JSON readers (facets, who asks)

    @property
    def truncated(self) -> bool:
        """True when more rows match than this answer holds."""
        return self.next_url is not None


def listing_offer(extension: str | None = None) -> Offer:
    """The format asked for: the path's extension first, else ``?format=`` or ``Accept``."""
    if extension:
        return JSON_OFFER if extension == "json" else CSV_OFFER
    return negotiate_offer(LISTING_OFFERS)


def data_offer(extension: str | None = None) -> Offer:
    """The format of a listing that has no page of its own: JSON unless CSV is asked for."""
    if extension:
        return listing_offer(extension)
    return negotiate_offer((JSON_OFFER, CSV_OFFER))


def checked_parameters(allowed: set[str]) -> None:
    """Refuse a parameter the listing does not know (a typo would otherwise be silently ignored)."""
    unknown = sorted(set(request.args) - allowed)
    if unknown:
        raise ApiError(
            400,
            f"{request.path} has no parameter {unknown[0]!r}; it takes {', '.join(sorted(allowed))}",
            parameter=unknown[0],
        )


def whole_number(name: str, default: int, highest: int | None = None) -> int:
    """The request's parameter ``name`` as a whole number from 1 (at most ``highest``), else a 400."""
    text = request.args.get(name)
    if text is None:
        return default
    if not text.isdigit() or int(text) < 1 or (highest is not None and int(text) > highest):
        most = f" up to {highest}" if highest is not None else ""
        raise ApiError(400, f"{name} must be a whole number from 1{most}, not {text!r}", parameter=name)
    return int(text)


def page_links(link: Callable[..., str], page: int, pages: int) -> tuple[str | None, str | None]:
    """Absolute (next, previous) URLs around ``page``; ``link`` makes a query string from changes."""
    base = request.base_url
    following = base + link(page=page + 1) if page < pages else None
    before = base + link(page=page - 1) if page > 1 else None
    return following, before


def listing_response(listing: Listing, offer: Offer) -> Response:
    """The listing as JSON or CSV, its paging links in a ``Link`` header too."""
    if offer is JSON_OFFER:
        body = {
            "ok": True,
            "columns": list(listing.columns),
            listing.noun: listing.rows,
            "total": listing.total,
            "truncated": listing.truncated,
            "next_url": listing.next_url,
            "previous_url": listing.previous_url,
            **listing.extra,
        }
        response = Response(json.dumps(body, ensure_ascii=False), content_type=offer.content_type)
    else:
        response = Response(_csv(listing), content_type=offer.content_type)
    around = ((listing.next_url, "next"), (listing.previous_url, "prev"))
    if links := [f'<{url}>; rel="{rel}"' for url, rel in around if url]:
        response.headers["Link"] = ", ".join(links)
    if listing.total is not None:
        response.headers["X-Total-Count"] = str(listing.total)
    response.headers["Vary"] = "Accept"
    return response


def _csv(listing: Listing) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(listing.columns)
    for row in listing.rows:
        writer.writerow([_cell(row.get(column)) for column in listing.columns])
    return out.getvalue()


def _cell(value: object) -> str:
    """A value as one CSV cell: lists joined by '; ', structures as JSON, nothing as empty.

    >>> _cell(["a", "b"]), _cell(None), _cell({"n": 1}), _cell(True)
    ('a; b', '', '{"n": 1}', 'true')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "; ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
