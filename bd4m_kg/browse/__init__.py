"""Browsing the directory: search with facets, charts and statistics."""
