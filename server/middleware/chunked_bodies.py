"""A body sent without a ``Content-Length`` (chunked) is held to ``UPLOAD_LIMIT`` like any other.

Werkzeug reads such a body only up to ``MAX_CONTENT_LENGTH`` and then stops without an error, so
a chunked upload past the limit would arrive cut short (a Graph Store PUT would replace a graph
with its first part) instead of being refused. This middleware reads a chunked body first, at
most one byte past the limit, and hands it on as a body of that length: the views see an
ordinary body, and one past the limit gets the usual 413 when a view reads it.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import Any, BinaryIO

from flask import Flask

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
PIECE = 64 * 1024


class ChunkedBodyLimit:
    """WSGI middleware giving chunked request bodies a ``Content-Length`` of at most limit + 1."""

    def __init__(self, app: WSGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        """Buffer a chunked body (bounded) and pass the request on with its length."""
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if chunked and not environ.get("CONTENT_LENGTH"):
            body = read_at_most(environ["wsgi.input"], self.limit + 1)
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
            del environ["HTTP_TRANSFER_ENCODING"]  # werkzeug ignores Content-Length beside it
        return self.app(environ, start_response)


def read_at_most(stream: BinaryIO, size: int) -> bytes:
    """The stream's bytes up to ``size`` (fewer when it ends first), read in pieces.

    >>> read_at_most(io.BytesIO(b"abcdef"), 4), read_at_most(io.BytesIO(b"ab"), 4)
    (b'abcd', b'ab')
    """
    pieces, left = [], size
    while left > 0 and (piece := stream.read(min(PIECE, left))):
        pieces.append(piece)
        left -= len(piece)
    return b"".join(pieces)


def init_app(app: Flask) -> None:
    """Hold chunked bodies to the app's ``MAX_CONTENT_LENGTH``."""
    app.wsgi_app = ChunkedBodyLimit(app.wsgi_app, int(app.config["MAX_CONTENT_LENGTH"]))
