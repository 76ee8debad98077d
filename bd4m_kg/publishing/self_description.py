"""What the endpoint tells query editors about itself, with no configuration on their side.

Three parts, in the terms the editors of the field read (the SIB sparql-editor, among others):

- **prefixes**: ``sh:declare [ sh:prefix "bd4m" ; sh:namespace "…"^^xsd:anyURI ]`` (SHACL);
- **examples**: each named query as an ``sh:SPARQLExecutable`` (``bd4m_kg.sparql.examples``);
- **how the classes link**: VoID class partitions, each with its property partitions, each with the
  classes (``void:classPartition``) or datatypes (``void-ext:datatypePartition``) its objects have.

The Service Description and the VoID description carry all three, so an editor that reads either
(or runs its metadata queries over it) completes and lists examples against ``/sparql``.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from bd4m_kg.publishing.dumps import Link
from bd4m_kg.rdf.namespaces import PREFIXES

SH = "http://www.w3.org/ns/shacl#"
VOID = "http://rdfs.org/ns/void#"
VOID_EXT = "http://ldf.fi/void-ext#"
ANY_URI = ox.NamedNode("http://www.w3.org/2001/XMLSchema#anyURI")
INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
CLASS_LINK = (VOID + "classPartition", VOID + "class")
DATATYPE_LINK = (VOID_EXT + "datatypePartition", VOID_EXT + "datatype")
DESCRIBED_PREFIXES = {
    **PREFIXES,
    "void": VOID,
    "void-ext": VOID_EXT,
    "sd": "http://www.w3.org/ns/sparql-service-description#",
}


def _iri(value: str) -> ox.NamedNode:
    return ox.NamedNode(value)


def prefix_declarations(subject: ox.NamedNode | ox.BlankNode) -> list[ox.Triple]:
    """``subject sh:declare [ sh:prefix … ; sh:namespace … ]`` for every prefix of ours.

    >>> len(prefix_declarations(ox.NamedNode("https://example.org/s"))) == 3 * len(PREFIXES)
    True
    """
    triples = []
    for prefix, namespace in sorted(PREFIXES.items()):
        declaration = ox.BlankNode(f"prefix-{prefix}")
        triples += [
            ox.Triple(subject, _iri(SH + "declare"), declaration),
            ox.Triple(declaration, _iri(SH + "prefix"), ox.Literal(prefix)),
            ox.Triple(declaration, _iri(SH + "namespace"), ox.Literal(namespace, datatype=ANY_URI)),
        ]
    return triples


def class_partitions(
    dataset: ox.NamedNode | ox.BlankNode, entities: dict[str, int], links: Iterable[Link]
) -> list[ox.Triple]:
    """VoID class partitions of ``dataset``: each class, its property partitions, their objects' classes.

    Each class gets its instances (``entities``); each property partition, the classes or literal
    datatypes of its objects, with their triples (``links``).

    >>> link = ("https://e.org/A", "https://e.org/p", "https://e.org/B", False, 3)
    >>> len(class_partitions(ox.BlankNode("d"), {"https://e.org/A": 2}, [link]))
    8
    """
    triples: list[ox.Triple] = []
    classes: dict[str, ox.BlankNode] = {}
    for index, (name, count) in enumerate(sorted(entities.items())):
        classes[name] = node = ox.BlankNode(f"class-{index}")
        triples += [
            ox.Triple(dataset, _iri(VOID + "classPartition"), node),
            ox.Triple(node, _iri(VOID + "class"), _iri(name)),
            ox.Triple(node, _iri(VOID + "entities"), ox.Literal(str(count), datatype=INTEGER)),
        ]
    properties: dict[tuple[str, str], ox.BlankNode] = {}
    for subject_class, prop, target, literal, count in links:
        if subject_class not in classes:
            continue  # a class counted after the links were (the counts come from one generation)
        if (subject_class, prop) not in properties:
            properties[subject_class, prop] = node = ox.BlankNode(f"property-{len(properties)}")
            triples += [
                ox.Triple(classes[subject_class], _iri(VOID + "propertyPartition"), node),
                ox.Triple(node, _iri(VOID + "property"), _iri(prop)),
            ]
        via, kind = DATATYPE_LINK if literal else CLASS_LINK
        objects = ox.BlankNode()
        triples += [
            ox.Triple(properties[subject_class, prop], _iri(via), objects),
            ox.Triple(objects, _iri(kind), _iri(target)),
            ox.Triple(objects, _iri(VOID + "triples"), ox.Literal(str(count), datatype=INTEGER)),
        ]
    return triples
