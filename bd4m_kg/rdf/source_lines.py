"""Where a statement is written in a Turtle or N-Triples file, found by a tokenizer pass.

A validation report can then point a curator at the line to fix.

:func:`statement_lines` maps ``(subject IRI, predicate IRI)`` to the line of the first such
statement, and ``(subject IRI, None)`` to the line where the subject is first described. Blank
nodes have no name a report could use, so statements about them are not mapped ("line unknown").
"""

from __future__ import annotations

import json
import re
from urllib.parse import urljoin
from xml.parsers import expat

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
TOKEN = re.compile(
    r"""
    (?P<space>[ \t\r]+) | (?P<newline>\n) | (?P<comment>\#[^\n]*)
  | (?P<long>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*''')
  | (?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<directive>@prefix|@base|(?i:PREFIX|BASE)(?=[\s<]))
  | (?P<langtag>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<datatype>\^\^)
  | (?P<blank>_:[^\s;,.()\[\]]+)
  | (?P<punct>[;,.\[\]()])
  | (?P<name>[^\s;,()\[\]"'<]+?(?=[\s;,()\[\]"'<]|\.(?:\s|$)|$))
    """,
    re.VERBOSE | re.DOTALL,
)


def statement_lines(text: str, base: str = "") -> dict[tuple[str, str | None], int]:
    """The line (from 1) of each (subject, predicate), and of each subject, in a Turtle or N-Triples text.

    >>> lines = statement_lines('@prefix ex: <http://e/> .\\nex:a a ex:T ;\\n  ex:p "x" .')
    >>> lines[("http://e/a", "http://e/p")], lines[("http://e/a", None)]
    (3, 2)
    """
    reader = _Reader(base)
    line = 1
    for match in TOKEN.finditer(text):
        kind, value = match.lastgroup, match.group()
        if kind == "newline":
            line += 1
        elif kind in ("long", "string"):
            reader.term(None, line)
            line += value.count("\n")
        elif kind not in ("space", "comment"):
            reader.token(kind or "", value, line)
    return reader.found


class _Reader:
    """A small Turtle state machine: which subject and predicate each term belongs to."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.prefixes: dict[str, str] = {}
        self.found: dict[tuple[str, str | None], int] = {}
        self.stack: list[list[str | None]] = [[None, None, "subject"]]  # [subject, predicate, expecting]
        self.directive: list[str] | None = None
        self.skip_next = False  # a datatype IRI or a language tag belongs to the literal before it

    def token(self, kind: str, value: str, line: int) -> None:
        if self.directive is not None:
            self._directive(kind, value)
            return
        if kind == "directive":
            self.directive = [value.lower().lstrip("@")]
        elif kind == "datatype":
            self.skip_next = True
        elif kind == "langtag":
            pass
        elif kind == "punct":
            self._punct(value, line)
        else:
            self.term(self._iri(kind, value), line)

    def term(self, iri: str | None, line: int) -> None:
        """A term at ``line``: subject, predicate or object, by the state of the statement."""
        if self.skip_next:
            self.skip_next = False
            return
        state = self.stack[-1]
        if state[2] == "subject":
            state[0], state[2] = iri, "predicate"
            if iri and (iri, None) not in self.found:
                self.found[(iri, None)] = line
        elif state[2] == "predicate":
            state[1], state[2] = iri, "object"
            if state[0] and iri and (state[0], iri) not in self.found:
                self.found[(state[0], iri)] = line
        # an object needs nothing: the statement was placed by its predicate

    def _punct(self, value: str, line: int) -> None:
        state = self.stack[-1]
        if value == "[":
            if state[2] == "subject":
                state[2] = "predicate"  # [ … ] as a subject: statements about a blank node
            self.stack.append([None, None, "predicate"])
        elif value == "]" and len(self.stack) > 1:
            self.stack.pop()
        elif value == "(":
            self.stack.append([None, None, "list"])
        elif value == ")" and len(self.stack) > 1:
            self.stack.pop()
        elif value == ";":
            state[2] = "predicate"
        elif value == "." and len(self.stack) == 1:
            self.stack[0] = [None, None, "subject"]

    def _directive(self, kind: str, value: str) -> None:
        """@prefix / PREFIX name IRI, @base / BASE IRI (a final '.' is read as punctuation)."""
        assert self.directive is not None
        keyword = self.directive[0]
        if kind == "name" and keyword == "prefix":
            self.directive.append(value.rstrip(":"))
        elif kind == "iri":
            iri = urljoin(self.base, value[1:-1])
            if keyword == "base":
                self.base = iri
            else:
                self.prefixes[self.directive[1] if len(self.directive) > 1 else ""] = iri
            self.directive = None

    def _iri(self, kind: str, value: str) -> str | None:
        if kind == "iri":
            return urljoin(self.base, value[1:-1])
        if kind == "name" and value == "a":
            return RDF_TYPE
        if kind == "name" and ":" in value:
            prefix, _, local = value.partition(":")
            namespace = self.prefixes.get(prefix)
            return None if namespace is None else namespace + re.sub(r"\\(.)", r"\1", local)
        return None


RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XML_NS = "http://www.w3.org/XML/1998/namespace"


def rdfxml_lines(text: str, base: str = "") -> dict[tuple[str, str | None], int]:
    """The same map as :func:`statement_lines`, for RDF/XML.

    It gives the line of each node element (by ``rdf:about`` or ``rdf:ID``) and of each property
    element or attribute under it. Entity declarations are refused: nothing outside the file is read.
    """
    parser = expat.ParserCreate(namespace_separator="")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    found: dict[tuple[str, str | None], int] = {}
    stack: list[tuple[str | None, str]] = []  # per open element: (its subject if a node, its base)

    def refuse(*_: object) -> None:
        raise ValueError("entity declarations are not read")

    def start(name: str, attributes: dict[str, str]) -> None:
        inherited = stack[-1][1] if stack else base
        element_base = urljoin(inherited, attributes.get(f"{XML_NS}base", ""))
        line = parser.CurrentLineNumber
        is_node = name != f"{RDF_NS}RDF" and (len(stack) % 2 == 1)  # rdf:RDF, node, property, node, …
        if not is_node:
            parent = next((s for s, _ in reversed(stack) if s), None) if stack else None
            if parent and name != f"{RDF_NS}RDF":
                found.setdefault((parent, name), line)
            stack.append((None, element_base))
            return
        about = attributes.get(f"{RDF_NS}about") or (
            "#" + attributes[f"{RDF_NS}ID"] if f"{RDF_NS}ID" in attributes else None
        )
        subject = urljoin(element_base, about) if about is not None else None
        if subject:
            found.setdefault((subject, None), line)
            if name != f"{RDF_NS}Description":
                found.setdefault((subject, RDF_TYPE), line)
            for attribute in attributes:
                if not attribute.startswith((RDF_NS, XML_NS)):
                    found.setdefault((subject, attribute), line)
        stack.append((subject, element_base))

    parser.StartElementHandler = start
    parser.EndElementHandler = lambda name: stack.pop()
    parser.EntityDeclHandler = refuse
    parser.Parse(text.encode(), True)
    return found


def jsonld_pointers(text: str, base: str = "") -> dict[tuple[str, str | None], str]:
    """For JSON-LD: the JSON pointer of each node object (by ``@id``) and of each of its keys.

    Keys and ids are expanded with the document's own ``@context`` (terms and prefixes given as
    strings or ``{"@id": …}``); a remote context is never fetched, so what it alone defines stays
    unmapped.
    """
    found: dict[tuple[str, str | None], str] = {}

    def walk(value: object, pointer: str, context: dict[str, str]) -> None:
        if isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, f"{pointer}/{index}", context)
        if not isinstance(value, dict):
            return
        context = {**context, **_terms(value.get("@context"))}
        subject = _expand(value["@id"], context, base) if isinstance(value.get("@id"), str) else None
        if subject:
            found.setdefault((subject, None), pointer or "/")
        for key, item in value.items():
            where = f"{pointer}/{_escape(key)}"
            if subject and not key.startswith("@"):
                found.setdefault((subject, _expand(key, context, base, vocab=True)), where)
            if subject and key in ("@type", "type"):
                found.setdefault((subject, RDF_TYPE), where)
            walk(item, where, context)

    walk(json.loads(text), "", {})
    return found


def _terms(context: object) -> dict[str, str]:
    if isinstance(context, list):
        merged: dict[str, str] = {}
        for part in context:
            merged |= _terms(part)
        return merged
    if not isinstance(context, dict):
        return {}
    terms = {}
    for term, definition in context.items():
        if isinstance(definition, str):
            terms[term] = definition
        elif isinstance(definition, dict) and isinstance(definition.get("@id"), str):
            terms[term] = definition["@id"]
    return terms


def _expand(value: str, context: dict[str, str], base: str, vocab: bool = False) -> str:
    if vocab and value in context:
        value = context[value]
    prefix, colon, local = value.partition(":")
    if colon and prefix in context and not local.startswith("//"):
        return _expand(context[prefix], context, base) + local
    if colon:
        return value
    return context.get("@vocab", "") + value if vocab else urljoin(base, value)


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")
