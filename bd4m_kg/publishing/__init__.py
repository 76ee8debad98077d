"""Publishing.

The one write path, the change feed, dumps, releases, VoID/DCAT/Service Description, export and
backup.
"""
