"""Every setting, declared once: its name, default and help.

The web app layers them (defaults, instance file, ``BD4M_*`` environment, test mapping); the CLI
reads the same names from its options and the environment. Unknown settings are refused.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bd4m_kg.layout import is_packaged, project_root


@dataclass(frozen=True)
class Setting:
    """One setting: the name (``BD4M_<NAME>`` in the environment), its default and what it does."""

    name: str
    default: object
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "HOME",
        None,
        "A folder holding ontology/, shapes/, data/ and queries/, e.g. a checkout a curator edits "
        "(default: the checkout bd4m-kg runs from, else the copy inside the installed package).",
    ),
    Setting(
        "STORE",
        None,
        "Where the graph lives: a folder for the embedded store (default: var/store in the checkout) "
        "or the http(s) URL of an Oxigraph server started with --union-default-graph.",
    ),
    Setting(
        "STATE",
        None,
        "Folder for a remote store's change log and journal (default: ~/.local/state/bd4m-kg/HOST-PORT).",
    ),
    Setting("READERS", 2, "Query processes of the embedded store; `bd4m-kg serve --workers` sets it."),
    Setting("THREADS", 4, "Python threads running the app; HTTP and sockets are handled outside them."),
    Setting("QUERY_DEADLINE", 10.0, "Seconds a query may run before its process is stopped."),
    Setting("SLOW_QUERY", 2.0, "Queries slower than this many seconds are logged with their text."),
    Setting("RESULT_CAP", 10_000, "Most rows (or triples) a public query answers; a cut answer says so."),
    Setting(
        "ANSWER_CACHE",
        64 * 1024 * 1024,
        "Bytes of complete answers kept in memory for repeated GETs until the next change; 0 turns it off.",
    ),
    Setting(
        "MEMORY_COPY",
        True,
        "Keep a copy of the embedded store in memory (about 550 bytes a quad) for documents and "
        "lookups, ten times faster than from disk; false reads them from the store's snapshot.",
    ),
    Setting(
        "UPLOAD_LIMIT", 64 * 1024 * 1024, "Largest request body in bytes; a bigger one is refused with 413."
    ),
    Setting(
        "RATE_LIMIT_QUERIES",
        "300 per minute",
        "Queries (/sparql, /queries/<name>, a batch to /reconcile) one client address may send "
        "without a token; more get 429.",
    ),
    Setting(
        "CLIENT_QUERIES",
        0,
        "Queries one client (a token, else an address) may have running at once; more get 429. "
        "0: half the query processes, at least one.",
    ),
    Setting(
        "CLIENT_QUERY_SECONDS",
        30.0,
        "Seconds of query time one client may use in any 60 seconds; past it, its queries get 429 "
        "with Retry-After while other clients keep theirs.",
    ),
    Setting(
        "RATE_LIMIT_CURATION",
        "30 per minute",
        "Validations and submissions (/curate/validate, POST /curate/submissions) per client address.",
    ),
    Setting(
        "RATE_LIMIT_LINKS",
        "30 per minute",
        "Short links to queries (POST /sparql/links) one client address may ask for without a token.",
    ),
    Setting(
        "TRUSTED_PROXIES",
        "",
        "Addresses or networks of reverse proxies whose X-Forwarded-For is believed (e.g. 127.0.0.1).",
    ),
    Setting(
        "RATE_LIMIT_STORAGE",
        "memory://",
        "Where the rate-limit counters live: memory:// (one process), or redis://… / memcached://… "
        "shared by every web process and host.",
    ),
)

DEFAULTS: dict[str, object] = {s.name: s.default for s in SETTINGS}


class SettingsError(ValueError):
    """An unknown or malformed setting."""


def default_store() -> str:
    """The embedded store folder used when no store is named.

    ``var/store`` in the checkout (or ``BD4M_HOME``); for an installed package, whose files are
    read-only, ``$XDG_DATA_HOME/bd4m-kg/store`` (``~/.local/share/bd4m-kg/store``).
    """
    root = project_root()
    if not is_packaged(root):
        return str(root / "var" / "store")
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return str(Path(data_home) / "bd4m-kg" / "store")


def check_settings(values: Mapping[str, object], allowed: frozenset[str] = frozenset()) -> None:
    """Refuse names that are neither our settings nor in ``allowed`` (e.g. Flask's own keys).

    >>> check_settings({"STORE": "x"})
    >>> check_settings({"STOER": "x"})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    bd4m_kg.config.SettingsError: unknown setting STOER; known: ANSWER_CACHE, CLIENT_QUERIES, ...
    """
    unknown = sorted(set(values) - set(DEFAULTS) - allowed)
    if unknown:
        raise SettingsError(f"unknown setting {', '.join(unknown)}; known: {', '.join(sorted(DEFAULTS))}")


def state_folder(value: object) -> Path | None:
    """The STATE setting as a path (None: the store's own default)."""
    return Path(str(value)) if value else None
