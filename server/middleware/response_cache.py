"""Repeated GETs answered from memory, in front of the app, until the store's generation changes.

A view opts in with :func:`cacheable`: the response's bytes are then a function of the store's
generation and of the request's host, path, query string, ``Accept``, ``Accept-Profile`` and
whether it has an ``Origin``, which together are the cache key. A complete response gets an
``ETag`` of its bytes at once; a streamed one is copied as it goes out and kept (with its ETag)
when it ends whole and small enough. A hit skips Flask, the policy check and the store;
``If-None-Match`` gets 304. Requests with credentials are never cached, and the whole cache is
dropped when the generation changes.
The size is bounded in bytes, keys included (LRU), an entry at most an eighth of it. An answer
pushed out leaves its validator behind (its ETag and the headers of a 304, in at most half the
cache's size again), so that a harvester revalidating more documents than the cache holds still
gets its 304 without the document being built again.
"""

from __future__ import annotations

import hashlib
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from flask import Response, request
from werkzeug.http import parse_date

from bd4m_kg.server.middleware.metrics import CACHE_HITS

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
Key = tuple[str, str, str, str, bool, str]
MARK = "X-Same-Until-Change"  # set by cacheable(); only marked responses are kept; never sent
KEPT_WITH_304 = (
    "etag",
    "vary",
    "cache-control",
    "access-control-allow-origin",
    "access-control-expose-headers",
    "last-modified",
)


@dataclass(frozen=True)
class Stored:
    """A complete 200 response: its headers (with ETag and Content-Length) and its body."""

    headers: list[tuple[str, str]]
    body: bytes
    etag: str

    @property
    def size(self) -> int:
        """Bytes this entry holds, roughly: the body plus the headers."""
        return len(self.body) + sum(len(k) + len(v) for k, v in self.headers) + 200


class ResponseCache:
    """WSGI middleware keeping complete, ETag-bearing GET responses of the current generation."""

    def __init__(
        self, app: WSGIApp, pinned: Callable[[], AbstractContextManager[int]], max_bytes: int
    ) -> None:
        """``pinned``: reads the store's generation and holds it for a request (StoreState.pinned)."""
        self.app = app
        self.pinned = pinned
        self.max_bytes = max_bytes
        self._entries: OrderedDict[Key, Stored] = OrderedDict()
        self._bytes = 0
        self._validators: OrderedDict[Key, Stored] = OrderedDict()  # evicted answers' 304s, no body
        self._validator_bytes = 0
        self._generation: int | None = None
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        """Answer from memory when possible; otherwise run the app and keep what it allows.

        A GET or HEAD sees one generation of the store from here to its last header.
        """
        if not _cacheable_request(environ):
            return self.app(environ, _unmarked(start_response))
        with self.pinned() as generation:
            if not self.max_bytes:
                return self.app(environ, _unmarked(start_response))
            key = _key(environ)
            stored = self._get(generation, key) or self._validator(key, environ)
            if stored is None:
                return self._fill(environ, start_response, generation, key)
        CACHE_HITS.inc()
        return _send(stored, environ, start_response)

    @property
    def bytes_held(self) -> int:
        """Bytes the entries hold now (never more than ``max_bytes``)."""
        return self._bytes

    def _get(self, generation: int, key: Key) -> Stored | None:
        with self._lock:
            if generation != self._generation:
                self._entries.clear()
                self._validators.clear()
                self._bytes = self._validator_bytes = 0
                self._generation = generation
                return None
            stored = self._entries.get(key)
            if stored is not None:
                self._entries.move_to_end(key)
            return stored

    def _put(self, generation: int, key: Key, stored: Stored) -> None:
        if _held(key, stored) > self.max_bytes // 8:
            return
        with self._lock:
            if generation != self._generation or key in self._entries:
                return
            self._entries[key] = stored
            self._bytes += _held(key, stored)
            if key in self._validators:
                self._validator_bytes -= _held(key, self._validators.pop(key))
            while self._bytes > self.max_bytes:
                dropped = self._entries.popitem(last=False)
                self._bytes -= _held(*dropped)
                self._keep_validator(*dropped)

    def _validator(self, key: Key, environ: dict[str, Any]) -> Stored | None:
        """The 304 of an evicted answer whose ETag the request names (else None)."""
        if "HTTP_IF_NONE_MATCH" not in environ:
            return None
        with self._lock:
            kept = self._validators.get(key)
            if kept is not None:
                self._validators.move_to_end(key)
        return kept if kept is not None and etag_matches(environ["HTTP_IF_NONE_MATCH"], kept.etag) else None

    def _keep_validator(self, key: Key, stored: Stored) -> None:
        """Keep what a 304 needs of an answer leaving the cache, in at most half the cache's size again.

        (Called under the lock.) Header values are interned: most are the same for every answer.
        """
        headers = [(k, sys.intern(v)) for k, v in stored.headers if k.lower() in KEPT_WITH_304]
        kept = Stored(headers=headers, body=b"", etag=stored.etag)
        self._validators[key] = kept
        self._validator_bytes += _held(key, kept)
        while self._validator_bytes > self.max_bytes // 2:
            self._validator_bytes -= _held(*self._validators.popitem(last=False))

    def _fill(
        self, environ: dict[str, Any], start_response: Callable[..., Any], generation: int, key: Key
    ) -> Iterable[bytes]:
        seen: dict[str, Any] = {}

        def remember(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            seen.update(status=status, headers=headers)
            return start_response(status, headers, exc_info) if exc_info else None

        body = self.app(environ, remember)
        headers: list[tuple[str, str]] = seen["headers"]
        names = {name.lower() for name, _ in headers}
        headers = [(k, v) for k, v in headers if k != MARK]
        if not _storable(environ, seen["status"], names):
            start_response(seen["status"], headers)
            return body
        if "etag" not in names:
            start_response(seen["status"], headers)
            return _Closing(self._copy(body, headers, generation, key), body)
        try:
            data = b"".join(body)
        finally:
            _close(body)
        stored = Stored(headers=headers, body=data, etag=dict((k.lower(), v) for k, v in headers)["etag"])
        self._put(generation, key, stored)
        return _send(stored, environ, start_response)

    def _copy(
        self, body: Iterable[bytes], headers: list[tuple[str, str]], generation: int, key: Key
    ) -> Iterator[bytes]:
        """Send a streamed answer on, keeping a copy; store it when it ended whole and small enough."""
        copy: list[bytes] | None = []
        size = 0
        try:
            for chunk in body:
                if copy is not None:
                    size += len(chunk)
                    copy = copy if size <= self.max_bytes // 8 else None
                    if copy is not None:
                        copy.append(chunk)
                yield chunk
        finally:
            _close(body)
        if copy is not None:
            data = b"".join(copy)
            etag = f'"{hashlib.blake2b(data, digest_size=16).hexdigest()}"'
            kept = [*headers, ("Content-Length", str(len(data))), ("ETag", etag)]
            self._put(generation, key, Stored(headers=kept, body=data, etag=etag))


class _Closing:
    """An iterable that closes ``body`` when closed, even before its first chunk was asked for.

    (A generator's ``finally`` does not run when it is closed before it started.)
    """

    def __init__(self, chunks: Iterator[bytes], body: Iterable[bytes]) -> None:
        self.chunks, self.body = chunks, body

    def __iter__(self) -> Iterator[bytes]:
        return self.chunks

    def close(self) -> None:
        """Close the copying generator and the app's body (its query is stopped)."""
        close = getattr(self.chunks, "close", None)
        if close is not None:
            close()
        _close(self.body)


def cacheable(response: Response) -> Response:
    """Mark a GET answer as fixed until the store changes.

    A complete one gets an ETag (and a 304 for a matching If-None-Match) now; a streamed one is kept
    by the cache when it ends whole.
    """
    response.headers[MARK] = "1"
    return response if response.is_streamed else conditional(response)


def conditional(response: Response) -> Response:
    """A complete response with an ETag of its bytes (unless it has one) and 304 when it matches."""
    response.add_etag()
    return response.make_conditional(request)


def _unmarked(start_response: Callable[..., Any]) -> Callable[..., Any]:
    def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        kept = [(k, v) for k, v in headers if k != MARK]
        return start_response(status, kept, exc_info) if exc_info else start_response(status, kept)

    return start


def _cacheable_request(environ: dict[str, Any]) -> bool:
    """GET or HEAD of a whole representation as it is now, without credentials.

    A Range request gets its 206, a Memento request the version of another time.
    """
    return (
        environ["REQUEST_METHOD"] in ("GET", "HEAD")
        and "HTTP_AUTHORIZATION" not in environ
        and "HTTP_RANGE" not in environ
        and "HTTP_ACCEPT_DATETIME" not in environ  # a Memento TimeGate's answer depends on it
    )


def _key(environ: dict[str, Any]) -> Key:
    return (
        environ.get("HTTP_HOST", ""),  # pages name the server they were asked of
        environ.get("PATH_INFO", ""),
        environ.get("QUERY_STRING", ""),
        environ.get("HTTP_ACCEPT", ""),
        "HTTP_ORIGIN" in environ,
        environ.get("HTTP_ACCEPT_PROFILE", ""),
    )


def _held(key: Key, stored: Stored) -> int:
    """Bytes an entry holds: its response and its key (a long query string or Accept counts too)."""
    return stored.size + sum(len(part) for part in key[:4])


def _storable(environ: dict[str, Any], status: str, names: set[str]) -> bool:
    """Whether a response may be kept: a 200 to a GET that its view marked, setting no cookie."""
    return (
        environ["REQUEST_METHOD"] == "GET"
        and status.startswith("200")
        and MARK.lower() in names
        and "set-cookie" not in names
    )


def _close(body: Iterable[bytes]) -> None:
    if hasattr(body, "close"):
        body.close()


def _send(stored: Stored, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    if _not_modified(environ, stored):
        start_response("304 Not Modified", [(k, v) for k, v in stored.headers if k.lower() in KEPT_WITH_304])
        return []
    start_response("200 OK", stored.headers)
    return [] if environ["REQUEST_METHOD"] == "HEAD" else [stored.body]


def _not_modified(environ: dict[str, Any], stored: Stored) -> bool:
    """Whether the client's copy is current: If-None-Match when sent, else If-Modified-Since."""
    if "HTTP_IF_NONE_MATCH" in environ:
        return etag_matches(environ["HTTP_IF_NONE_MATCH"], stored.etag)
    if "HTTP_IF_MODIFIED_SINCE" not in environ:
        return False
    since = parse_date(environ["HTTP_IF_MODIFIED_SINCE"])
    modified = parse_date(next((v for k, v in stored.headers if k.lower() == "last-modified"), None))
    return since is not None and modified is not None and modified <= since


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """Whether ``If-None-Match`` names this ETag (weak comparison, as RFC 9110 asks for it)."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    plain = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == plain for tag in if_none_match.split(","))


def init_app(app: Any) -> None:
    """Put the cache in front of the app, sized by ANSWER_CACHE, keyed by the store's generation.

    It also pins the generation for every GET and HEAD, whether the cache is on or not.
    """
    from bd4m_kg.server.middleware.store import EXTENSION

    store = app.extensions[EXTENSION]
    app.wsgi_app = ResponseCache(app.wsgi_app, store.state.pinned, int(app.config["ANSWER_CACHE"]))
