"""The client's address behind reverse proxies, trusting ``X-Forwarded-For`` only from them.

``TRUSTED_PROXIES`` lists the proxies' addresses or networks (e.g. ``127.0.0.1 10.0.0.0/8``).
When a request comes from one of them, the client is the right-most address of
``X-Forwarded-For`` that is not itself a trusted proxy; from anyone else the header is ignored,
so a client cannot choose the address that rate limits and the audit log see.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from typing import Any

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def trusted_networks(setting: object) -> list[Network]:
    """The TRUSTED_PROXIES setting (spaces or commas between entries) as networks."""
    entries = str(setting or "").replace(",", " ").split()
    return [ipaddress.ip_network(entry, strict=False) for entry in entries]


def client_address(peer: str, forwarded_for: str, trusted: Iterable[Network]) -> str:
    """The address to treat as the client's.

    >>> nets = trusted_networks("127.0.0.1 10.0.0.0/8")
    >>> client_address("127.0.0.1", "203.0.113.9, 10.1.2.3", nets)
    '203.0.113.9'
    >>> client_address("198.51.100.7", "203.0.113.9", nets)  # not a proxy: the header is ignored
    '198.51.100.7'
    """
    networks = list(trusted)
    if not forwarded_for or not _within(peer, networks):
        return peer
    for hop in reversed([part.strip() for part in forwarded_for.split(",") if part.strip()]):
        if not _within(hop, networks):
            return hop
    return peer


def _within(address: str, networks: list[Network]) -> bool:
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(parsed in network for network in networks)


class ForwardedFor:
    """WSGI middleware setting ``REMOTE_ADDR`` to the client's address when a trusted proxy forwards."""

    def __init__(self, app: Callable[..., Any], trusted: list[Network]) -> None:
        self.app, self.trusted = app, trusted

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        """Rewrite the peer address, then run the app."""
        forwarded = environ.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded and self.trusted:
            environ["REMOTE_ADDR"] = client_address(environ.get("REMOTE_ADDR", ""), forwarded, self.trusted)
        return self.app(environ, start_response)


def init_app(app: Any) -> None:
    """Put the rewrite in front of everything else (the answer cache included)."""
    app.wsgi_app = ForwardedFor(app.wsgi_app, trusted_networks(app.config["TRUSTED_PROXIES"]))
