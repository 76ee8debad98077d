"""Synthetic, directory-shaped data for benchmarks (seeded; NOT directory data: every name is made up).

Projects, organisations and data collaboratives with the same classes, properties and
vocabulary concepts as data/, one named graph per record, written as N-Quads:

    python bench/generate.py 100000 /tmp/bench-100k.nq [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
BASE = "https://w3id.org/bd4m/"
ONT = f"<{BASE}ontology#"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
DCT = "<http://purl.org/dc/terms/"
PROV = "<http://www.w3.org/ns/prov#"
ORG = "<http://www.w3.org/ns/org#"
WORDS = [
    "mobility",
    "migration",
    "displacement",
    "flows",
    "stocks",
    "refugees",
    "mobile",
    "network",
    "social",
    "media",
    "satellite",
    "search",
    "trends",
    "nowcasting",
    "forecasting",
    "border",
    "labour",
    "remittances",
    "climate",
    "conflict",
    "urban",
    "rural",
    "seasonal",
    "return",
    "integration",
    "health",
    "education",
    "survey",
    "census",
    "airline",
    "passenger",
    "footprint",
    "tents",
    "shelters",
    "camp",
]


def concepts(scheme: str) -> list[str]:
    """The concept IRIs of one of our SKOS vocabularies (real concepts, so queries find them)."""
    path = ROOT / "ontology" / "vocab" / f"{scheme}.ttl"
    prefix = f"{BASE}vocab/{scheme}/"
    subjects = {q.subject.value for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)}
    return sorted(s for s in subjects if s.startswith(prefix) and s != prefix)


def literal(text: str, language: str = "en") -> str:
    """An N-Triples literal (our generated words need no escaping)."""
    return f'"{text}"@{language}'


class Generator:
    """Writes records until a number of triples is reached; the same seed gives the same bytes."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)
        self.roles = concepts("role")
        self.source_types = concepts("data-source-type")
        self.needs = concepts("policy-need")
        self.themes = concepts("theme")
        self.countries = concepts("country")
        self.organisation_types = concepts("organisation-type")
        self.collaborative_types = concepts("collaborative-type")
        self.organisations: list[str] = []

    def words(self, count: int) -> str:
        """Some random words of the field."""
        return " ".join(self.random.choice(WORDS) for _ in range(count))

    def organisation(self, number: int) -> Iterator[tuple[str, str, str]]:
        """The triples of one organisation record."""
        iri = f"{BASE}id/organisation/synthetic-org-{number}"
        self.organisations.append(iri)
        yield f"<{iri}>", RDF_TYPE, f"{ORG}Organization>"
        yield f"<{iri}>", LABEL, literal(f"Synthetic organisation {number} {self.words(2)}")
        yield f"<{iri}>", f"{ORG}classification>", f"<{self.random.choice(self.organisation_types)}>"
        yield f"<{iri}>", f"{ONT}basedIn>", f"<{self.random.choice(self.countries)}>"
        yield f"<{iri}>", "<http://xmlns.com/foaf/0.1/homepage>", f"<https://example.org/org/{number}>"
        yield f"<{iri}>", f"{DCT}source>", f"<https://example.org/source/org/{number}>"

    def project(self, number: int) -> Iterator[tuple[str, str, str]]:
        """The triples of one project record with its involvements, data source and period."""
        iri = f"{BASE}id/project/synthetic-project-{number}"
        s = f"<{iri}>"
        yield s, RDF_TYPE, f"{ONT}Project>"
        yield s, LABEL, literal(f"Synthetic project {number}: {self.words(4)}")
        yield s, f"{DCT}description>", literal(self.words(30))
        yield s, f"{DCT}source>", f"<https://example.org/source/project/{number}>"
        for theme in self.random.sample(self.themes, 2):
            yield s, f"{DCT}subject>", f"<{theme}>"
        yield s, f"{ONT}policyNeed>", f"<{self.random.choice(self.needs)}>"
        yield s, f"{DCT}spatial>", f"<{self.random.choice(self.countries)}>"
        yield s, f"{DCT}temporal>", f"<{iri}#period>"
        yield f"<{iri}#period>", RDF_TYPE, f"{DCT}PeriodOfTime>"
        yield (
            f"<{iri}#period>",
            "<http://www.w3.org/ns/dcat#startDate>",
            f'"{self.random.randint(2010, 2024)}"^^<http://www.w3.org/2001/XMLSchema#gYear>',
        )
        for index, organisation in enumerate(self.random.sample(self.organisations, 3)):
            involvement = f"<{iri}#involvement-{index}>"
            yield s, f"{ONT}involvement>", involvement
            yield involvement, RDF_TYPE, f"{ONT}Involvement>"
            yield involvement, f"{PROV}agent>", f"<{organisation}>"
            yield involvement, f"{PROV}hadRole>", f"<{self.random.choice(self.roles)}>"
        source = f"<{iri}#source>"
        yield s, f"{ONT}usesDataSource>", source
        yield source, RDF_TYPE, f"{ONT}DataSource>"
        yield source, LABEL, literal(self.words(3))
        yield source, f"{ONT}sourceType>", f"<{self.random.choice(self.source_types)}>"
        yield source, f"{ONT}heldBy>", f"<{self.random.choice(self.organisations)}>"

    def collaborative(self, number: int, project: int) -> Iterator[tuple[str, str, str]]:
        """The triples of one data collaborative record."""
        s = f"<{BASE}id/collaborative/synthetic-collaborative-{number}>"
        yield s, RDF_TYPE, f"{ONT}DataCollaborative>"
        yield s, LABEL, literal(f"Synthetic data collaborative {number}")
        yield s, f"{ONT}forProject>", f"<{BASE}id/project/synthetic-project-{project}>"
        yield s, f"{ONT}collaborativeType>", f"<{self.random.choice(self.collaborative_types)}>"
        yield s, f"{ONT}evidence>", f"<{BASE}vocab/evidence/stated>"
        yield s, f"{DCT}source>", f"<https://example.org/source/collaborative/{number}>"

    def records(self) -> Iterator[tuple[str, Iterator[tuple[str, str, str]]]]:
        """(graph IRI, triples) of each record: organisations, projects, a collaborative every 5th project."""
        number = 0
        while True:
            for org in range(number * 20 // 50, (number + 50) * 20 // 50):
                yield f"{BASE}graph/organisation/synthetic-org-{org}", self.organisation(org)
            for project in range(number, number + 50):
                yield f"{BASE}graph/project/synthetic-project-{project}", self.project(project)
                if project % 5 == 0:
                    yield (
                        f"{BASE}graph/collaborative/synthetic-collaborative-{project // 5}",
                        self.collaborative(project // 5, project),
                    )
            number += 50


def generate(triples: int, output: Path, seed: int = 7) -> int:
    """Write at least ``triples`` quads (whole records) to ``output`` as N-Quads; return how many."""
    written = 0
    with output.open("w", encoding="utf-8") as out:
        for graph, record in Generator(seed).records():
            for s, p, o in record:
                out.write(f"{s} {p} {o} <{graph}> .\n")
                written += 1
            if written >= triples:
                return written
    return written


def main() -> None:
    """Command line: ``generate.py TRIPLES FILE [--seed N]``."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("triples", type=int)
    parser.add_argument("output", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    arguments = parser.parse_args()
    count = generate(arguments.triples, arguments.output, arguments.seed)
    print(f"wrote {count:,} quads to {arguments.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
