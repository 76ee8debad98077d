"""``DESCRIBE <iri> …``, the harvester's query: answered by index lookups on the embedded store and by
the engine elsewhere, and the same answer either way. ``DESCRIBE <iri> WHERE {}`` always goes to the
engine, so each answer is compared with the engine's own, blank nodes and all, in every RDF format."""

from __future__ import annotations

import pytest
import requests
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

BASE = "https://w3id.org/bd4m/"
DESCRIBED = {
    "a record": [f"{BASE}id/project/project-jetson"],
    "a class, with restrictions": [f"{BASE}ontology#Project"],
    "a shape, blank nodes within blank nodes": [f"{BASE}shapes#ProjectShape"],
    "a concept": [f"{BASE}vocab/country/af"],
    "two at once": [f"{BASE}id/organisation/iom", f"{BASE}id/organisation/unhcr"],
    "one not in the graph": ["https://example.org/nothing-here"],
}
FORMATS = {  # media type: rdflib's name for it
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
    "application/n-quads": "nquads",
    "application/trig": "trig",
}


def described(url: str, query: str, accept: str = "text/turtle") -> tuple[Graph, requests.Response]:
    """The answer to ``query`` as a graph (every quad's triple), and the response."""
    response = requests.get(f"{url}/sparql", params={"query": query}, headers={"Accept": accept}, timeout=60)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith(accept)
    parsed = Dataset()
    parsed.parse(data=response.content, format=FORMATS[accept])
    graph = Graph()
    for s, p, o, _ in parsed.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph, response


@pytest.mark.parametrize("what", sorted(DESCRIBED))
def test_describe_answers_as_the_engine_does(served, what):
    url, _ = served
    iris = " ".join(f"<{iri}>" for iri in DESCRIBED[what])
    quick, response = described(url, f"DESCRIBE {iris}")
    engine, _ = described(url, f"DESCRIBE {iris} WHERE {{}}")
    assert isomorphic(quick, engine)
    assert (len(quick) > 0) == (what != "one not in the graph")
    assert response.headers["Result-Truncated"] == "false" and "Result-Cap" in response.headers


@pytest.mark.parametrize("accept", sorted(FORMATS))
def test_describe_in_every_rdf_format(served, accept):
    url, _ = served
    shape = f"<{BASE}shapes#ProjectShape>"
    quick, _ = described(url, f"DESCRIBE {shape}", accept)
    engine, _ = described(url, f"DESCRIBE {shape} WHERE {{}}", accept)
    assert len(quick) > 100 and isomorphic(quick, engine)


def test_describe_names_its_dataset_or_prefixes_and_still_answers_the_same(served):
    url, _ = served
    record = f"{BASE}id/project/project-jetson"
    plain, _ = described(url, f"DESCRIBE <{record}>")
    prefixed, _ = described(url, f"PREFIX p: <{BASE}id/project/>\nDESCRIBE p:project-jetson")
    assert isomorphic(plain, prefixed)
    graph = f"{BASE}graph/project/project-jetson"
    response = requests.get(
        f"{url}/sparql",
        params={"query": f"DESCRIBE <{record}>", "default-graph-uri": f"{BASE}graph/ontology"},
        headers={"Accept": "text/turtle"},
        timeout=60,
    )
    assert response.status_code == 200 and len(Graph().parse(data=response.content, format="turtle")) == 0
    own, _ = described(url, f"DESCRIBE <{record}> FROM <{graph}>")
    assert 0 < len(own) <= len(plain)
