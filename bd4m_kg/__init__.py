"""bd4m-kg: the Data Innovation Directory of the Big Data for Migration Alliance as a knowledge graph."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("bd4m-kg")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"
