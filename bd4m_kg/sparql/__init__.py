"""SPARQL for researchers: the protocol, the query policy, updates, named queries, tables, the Graph Store."""
