"""Running the app under waitress, the production WSGI server.

Why waitress: its asynchronous I/O loop reads each request whole and buffers each response
(spilling to temporary files) before and after an application thread runs, so slow clients
never hold one of the ``threads``; HTTP/1.1 keep-alive is on; it is pure Python. One process
fits the design: it is the store's single writer, and queries run in its reader processes.
"""

from __future__ import annotations

from flask import Flask
from waitress import serve


def run(app: Flask, host: str, port: int, threads: int) -> None:
    """Serve ``app`` on ``host:port`` until interrupted."""
    serve(app, host=host, port=port, threads=threads, ident="bd4m-kg", channel_timeout=60)
