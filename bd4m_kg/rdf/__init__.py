"""RDF itself.

Formats and media types, namespaces, the IRI scheme, reading files, source lines, SPARQL text
limits.
"""
