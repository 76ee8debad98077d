"""A client starting from the home page of ``bd4m-kg serve`` (every kind of store) finds every
interface where its kind of client looks: the home page's ``Link`` header, and VoID's URI lookup,
Hydra search form and change feed. Each one it finds answers."""

from __future__ import annotations

import pytest
import requests
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, VOID

HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
LDES = Namespace("https://w3id.org/ldes#")
DATASET = URIRef("https://w3id.org/bd4m/dataset")
TOPIC = "https://w3id.org/bd4m/id/organisation/flowminder"


@pytest.fixture(scope="module")
def url(served) -> str:
    return served[0]


@pytest.fixture(scope="module")
def void(url) -> Graph:
    answer = requests.get(f"{url}/.well-known/void", headers={"Accept": "text/turtle"}, timeout=60)
    return Graph().parse(data=answer.text, format="turtle")


def test_the_home_pages_links_lead_to_every_interface_and_each_answers(url):
    home = requests.get(url, headers={"Accept": "text/html"}, timeout=30)
    targets = {link["url"] for link in requests.utils.parse_header_links(home.headers["Link"])}
    wanted = {"/sparql", "/fragments", "/changes", "/reconcile", "/rest/v1/vocabularies", "/openapi.json"}
    assert wanted <= targets
    for target in targets:
        assert requests.get(f"{url}{target}", timeout=60).status_code == 200, target


def test_void_gives_the_uri_lookup_and_the_fragments_search_form(url, void):
    lookup = void.value(DATASET, VOID.uriLookupEndpoint)
    described = Graph().parse(
        data=requests.get(f"{lookup}{TOPIC}", headers={"Accept": "text/turtle"}, timeout=60).text,
        format="turtle",
    )
    assert (URIRef(TOPIC), RDFS.label, None) in described
    form = void.value(DATASET, HYDRA.search)
    assert (form, RDF.type, HYDRA.IriTemplate) in void
    template = str(void.value(form, HYDRA.template))
    assert template.endswith("fragments{?subject,predicate,object}")
    variables = {str(void.value(m, HYDRA.variable)) for m in void.objects(form, HYDRA.mapping)}
    assert variables == {"subject", "predicate", "object"}


def test_void_leads_to_the_change_feed(url, void):
    feed = next(o for o in void.objects(DATASET, RDFS.seeAlso) if (o, RDF.type, LDES.EventStream) in void)
    stream = Graph().parse(
        data=requests.get(str(feed), headers={"Accept": "text/turtle"}, timeout=60).text, format="turtle"
    )
    assert (feed, RDF.type, LDES.EventStream) in stream
