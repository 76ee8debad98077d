"""The request's format from `?format=` or `Accept`, by the core's one negotiation; 406 lists offers."""

from __future__ import annotations

from flask import request

from bd4m_kg.rdf.negotiation import NotAcceptable, Offer, negotiate
from bd4m_kg.server.http.errors import http_error


def negotiate_offer(offers: tuple[Offer, ...]) -> Offer:
    """The offer for this request (``?format=`` or ``Accept``), or a 406 listing the offers."""
    try:
        return negotiate(request.headers.get("Accept"), offers, request.args.get("format"))
    except NotAcceptable as error:
        raise http_error(error) from error
