"""Linked data: describing a resource, building its document, resolving an IRI to it."""
