"""Curation.

The inbox, validation with reports a person can act on, publication, history, tokens and the audit
log.
"""
