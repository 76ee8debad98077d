"""The WSGI application for any WSGI server: ``bd4m_kg.server.wsgi:app`` (settings from ``BD4M_*``).

Started by ``bd4m-kg serve``, the worker dies with it; a store that cannot be opened ends the
worker with the reason on stderr.
"""

from __future__ import annotations

import sys

from bd4m_kg.server import create_app
from bd4m_kg.server.serving import die_with_parent
from bd4m_kg.store import StoreError

die_with_parent()
try:
    app = create_app()
except StoreError as error:
    print(f"Error: {error}", file=sys.stderr)
    sys.exit(2)
