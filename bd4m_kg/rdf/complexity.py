"""How deep and how long a user's SPARQL or JSON-LD is, measured before a parser that recurses sees it.

pyoxigraph parses SPARQL and JSON-LD by recursion, and a deep enough input overflows the stack and
ends the whole process instead of raising an error. Measured with pyoxigraph 0.5 on a 2 MiB thread
stack: 1,000 nested groups, 1,000 property-path steps, or 3,000 chained UNIONs, ``!`` or ``+``
crash it (each link of a chain is one more level of the tree it builds); 300 of each do not; a
JSON-LD document nested 5,000 objects deep crashes it too. So a query or update may nest brackets
at most :data:`MAX_DEPTH` deep and hold at most :data:`MAX_CHAIN` groups, operators and path steps,
and a JSON-LD document may nest at most :data:`MAX_DEPTH` deep, far beyond what real queries and
records need. The scan follows SPARQL's own tokens (IRIs, strings, prefixed names, comments), so
brackets and dashes inside them are not counted and nothing can hide a bracket from it.

>>> check_sparql("SELECT * WHERE { ?s a <http://x/((((> ; ex:data-source-type 'a{{' ; ex:a\\\\(\\\\) 1 }")
>>> check_sparql("SELECT * WHERE " + "{" * 500 + "}" * 500)
Traceback (most recent call last):
...
bd4m_kg.rdf.complexity.TooComplex: the query nests brackets 500 deep; at most 100 are read
"""

from __future__ import annotations

import re

MAX_DEPTH = 100
MAX_CHAIN = 500

_SPARQL_TOKENS = re.compile(  # possessive quantifiers: each character is read a bounded number of times
    r"""
      (?P<skip>
          <[^<>"{}|^`\\\x00-\x20]*+>                                     # IRI
        | "{3}(?:[^"\\]|\\.|"(?!""))*+"{3} | '{3}(?:[^'\\]|\\.|'(?!''))*+'{3}  # long strings
        | "(?:[^"\\\n\r]|\\.)*+" | '(?:[^'\\\n\r]|\\.)*+'             # strings
        | \#[^\n\r]*+                                                  # comment
        | (?:[^\W\d_][\w\u00b7]*+)?:(?:[\w.\-:%\u00b7]|\\[_~.\-!$&'()*+,;=/?\#@%])*+  # prefixed name
        | [?$]\w++                                                     # variable
        | \d++(?:\.\d*+)?(?:[eE][+-]?\d++)?                               # number
      )
    | (?P<open>[{(\[]) | (?P<close>[})\]])
    | (?P<word>[^\W\d_][\w\u00b7]*+)
    | (?P<operator>\|\||&&|[!|/^+*=<>&-])
    """,
    re.VERBOSE,
)
_CHAIN_WORDS = frozenset({"UNION", "OPTIONAL", "MINUS"})
_JSON_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|(?P<open>[{\[])|(?P<close>[}\]])')


class TooComplex(ValueError):
    """A text nested too deeply, or chaining too many groups and operators, to be parsed safely."""


def check_sparql(text: str, what: str = "the query") -> None:
    """Refuse a query or update that nests or chains past the bounds."""
    depth = deepest = chain = 0
    for token in _SPARQL_TOKENS.finditer(text):
        kind = token.lastgroup
        if kind == "open":
            depth += 1
            deepest = max(deepest, depth)
            chain += token.group() == "{"
        elif kind == "close":
            depth = max(0, depth - 1)
        elif kind == "operator" or (kind == "word" and token.group().upper() in _CHAIN_WORDS):
            chain += 1
    if deepest > MAX_DEPTH:
        raise TooComplex(f"{what} nests brackets {deepest} deep; at most {MAX_DEPTH} are read")
    if chain > MAX_CHAIN:
        raise TooComplex(
            f"{what} chains {chain} groups, operators and path steps; at most {MAX_CHAIN} are read. "
            "Split it into smaller queries, or list values with VALUES."
        )


def check_json(data: bytes, what: str = "the document") -> None:
    """Refuse a JSON document nested deeper than :data:`MAX_DEPTH` (strings are skipped).

    >>> check_json(b'{"a": "[[[[", "b": [[1]]}')
    """
    depth = deepest = 0
    for token in _JSON_TOKENS.finditer(data):
        if token.lastgroup == "open":
            depth += 1
            deepest = max(deepest, depth)
        elif token.lastgroup == "close":
            depth = max(0, depth - 1)
    if deepest > MAX_DEPTH:
        raise TooComplex(f"{what} nests objects and arrays {deepest} deep; at most {MAX_DEPTH} are read")
