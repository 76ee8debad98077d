"""The URL converters the routes use beyond Werkzeug's own behaviour."""

from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter

LARGEST = 2**63 - 1  # the largest whole number SQLite (the inbox, the feed log) can hold


class StoredInteger(IntegerConverter):
    """``<int:…>`` for numbers kept in SQLite: a larger one matches no route (404), never an overflow."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", LARGEST)
        super().__init__(*args, **kwargs)
