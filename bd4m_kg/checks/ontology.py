"""Check the ontology and the records with the HermiT reasoner (owlready2, Java).

HermiT refuses ``xsd:gYear``, ``xsd:gYearMonth`` and ``xsd:date`` literals, so triples with such
objects are left out for the check only; the files keep them. owlready2 reads N-Triples, not
Turtle, and is given the text directly, so it never downloads an ontology IRI.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

XSD = "http://www.w3.org/2001/XMLSchema#"
DATATYPES_HERMIT_REFUSES = frozenset(f"{XSD}{name}" for name in ("gYear", "gYearMonth", "date"))
OWL_NOTHING = "http://www.w3.org/2002/07/owl#Nothing"
CHECK_ONTOLOGY_IRI = "https://w3id.org/bd4m/ontology-check"


class JavaMissingError(RuntimeError):
    """No ``java`` executable: HermiT cannot run."""


@dataclass(frozen=True)
class ReasonerReport:
    """What HermiT found: consistency, unsatisfiable classes, and how many triples were checked."""

    consistent: bool
    unsatisfiable_classes: list[str] = field(default_factory=list)
    triples_checked: int = 0
    triples_left_out: int = 0
    explanation: str = ""

    @property
    def ok(self) -> bool:
        """True when the ontology and data are consistent and every class is satisfiable."""
        return self.consistent and not self.unsatisfiable_classes


def reasoner_input(triples: Iterable[ox.Triple]) -> tuple[bytes, int, int]:
    """N-Triples for owlready2 without the literals HermiT refuses; also the counts kept and left out."""
    kept: list[ox.Triple] = []
    left_out = 0
    for triple in triples:
        obj = triple.object
        if isinstance(obj, ox.Literal) and obj.datatype.value in DATATYPES_HERMIT_REFUSES:
            left_out += 1
        else:
            kept.append(triple)
    return ox.serialize(kept, format=ox.RdfFormat.N_TRIPLES) or b"", len(kept), left_out


def check_consistency(triples: Iterable[ox.Triple], java: str | None = None) -> ReasonerReport:
    """Run HermiT over the triples; report inconsistency and unsatisfiable classes."""
    import owlready2

    owlready2.JAVA_EXE = java or shutil.which("java") or ""
    if not owlready2.JAVA_EXE:
        raise JavaMissingError(
            "HermiT needs Java: install a JRE (Debian: apt-get install default-jre-headless)"
        )
    text, kept, left_out = reasoner_input(triples)
    world = owlready2.World()
    ontology = world.get_ontology(CHECK_ONTOLOGY_IRI)
    ontology.load(fileobj=io.BytesIO(text), format="ntriples")
    try:
        with ontology:
            owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        unsatisfiable = sorted(cls.iri for cls in world.inconsistent_classes() if cls.iri != OWL_NOTHING)
    except owlready2.OwlReadyInconsistentOntologyError as error:
        return ReasonerReport(False, [], kept, left_out, str(error).strip())
    finally:
        world.close()
    return ReasonerReport(True, unsatisfiable, kept, left_out)
