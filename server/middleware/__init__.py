"""The app-wide machinery around every request, below the views' HTTP helpers.

The app's store (opened once, closed at exit), the answer cache, chunked bodies, CORS, proxies,
rate limits, security headers, the audit log and metrics. Nothing here imports ``http/`` or
``views/``.
"""
