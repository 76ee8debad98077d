"""The ``bd4m-kg`` command line: each command wraps one core function, one module per command group.

Exit codes: 0 ok, 1 the knowledge does not pass a check, 2 usage, unreadable input or an
unreachable store.
"""

from bd4m_kg.cli import (  # noqa: F401 - each module registers its commands on main
    access,
    curation,
    knowledge,
    publishing,
    query,
    serve,
    store,
)
from bd4m_kg.cli.app import main

__all__ = ["main"]
