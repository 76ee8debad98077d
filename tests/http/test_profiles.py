"""Content negotiation by profile (W3C dx-prof-conneg) on ``bd4m-kg serve`` (every kind of store):
documents in our own model (the default) or in schema.org terms, chosen by ``Accept-Profile`` or
``?_profile=``, with ``?_mediatype=``; answers say their profile (``Content-Profile``,
``Link rel="profile"``, ``dcterms:conformsTo``); ``?_profile=alt`` lists the alternates; the
catalogue answers in DCAT-AP. Read with requests and rdflib, as a harvester reads them.
"""

from __future__ import annotations

import pytest
import requests
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF

SCHEMA = Namespace("https://schema.org/")
BD4M = Namespace("https://w3id.org/bd4m/ontology#")
ORGANISATION = URIRef("https://w3id.org/bd4m/id/organisation/turk-telekom")
DOCUMENT = "/doc/organisation/turk-telekom"
OURS = "https://w3id.org/bd4m/ontology"


@pytest.fixture(scope="module")
def url(served) -> str:
    return served[0]


def graph_of(answer: requests.Response) -> Graph:
    assert answer.status_code == 200, answer.text
    return Graph().parse(data=answer.content, format=answer.headers["Content-Type"].split(";")[0])


def test_the_default_profile_is_our_model_and_says_so(url):
    answer = requests.get(f"{url}{DOCUMENT}", headers={"Accept": "text/turtle"}, timeout=30)
    graph = graph_of(answer)
    assert answer.headers["Content-Profile"] == f"<{OURS}>"
    assert answer.links["profile"]["url"] == OURS and "Accept-Profile" in answer.headers["Vary"]
    assert (ORGANISATION, BD4M.basedIn, URIRef("https://w3id.org/bd4m/vocab/country/tr")) in graph
    assert not list(graph.triples((ORGANISATION, SCHEMA.name, None)))


@pytest.mark.parametrize(
    "ask",
    [
        {
            "headers": {
                "Accept": "text/turtle",
                "Accept-Profile": "<urn:other>;q=1, <https://schema.org/>;q=0.8",
            }
        },
        {"params": {"_profile": "schema", "_mediatype": "text/turtle"}},
        {"params": {"_profile": "https://schema.org/"}, "headers": {"Accept": "text/turtle"}},
    ],
)
def test_schema_org_is_chosen_by_header_or_token_and_says_the_same_facts(url, ask):
    answer = requests.get(f"{url}{DOCUMENT}", timeout=30, **ask)
    graph = graph_of(answer)
    assert answer.headers["Content-Profile"] == "<https://schema.org/>"
    assert answer.headers["Content-Type"].startswith("text/turtle")
    assert (ORGANISATION, RDF.type, SCHEMA.Organization) in graph
    assert (ORGANISATION, SCHEMA.name, Literal("Türk Telekom", lang="en")) in graph
    assert (ORGANISATION, SCHEMA.location, URIRef("https://w3id.org/bd4m/vocab/country/tr")) in graph
    assert not list(graph.triples((ORGANISATION, BD4M.basedIn, None)))  # only schema.org terms
    document = URIRef(f"https://w3id.org/bd4m{DOCUMENT}")
    assert (document, DCTERMS.conformsTo, URIRef("https://schema.org/")) in graph


def test_each_profile_is_its_own_answer_in_the_cache(url):
    ours = requests.get(f"{url}{DOCUMENT}", headers={"Accept": "text/turtle"}, timeout=30)
    schema = requests.get(
        f"{url}{DOCUMENT}",
        headers={"Accept": "text/turtle", "Accept-Profile": "<https://schema.org/>"},
        timeout=30,
    )
    again = requests.get(f"{url}{DOCUMENT}", headers={"Accept": "text/turtle"}, timeout=30)
    assert ours.content == again.content != schema.content and ours.headers["ETag"] != schema.headers["ETag"]


def test_the_alternates_list_every_profile_and_format(url):
    listing = requests.get(f"{url}{DOCUMENT}", params={"_profile": "alt"}, timeout=30).json()
    assert listing["default_profile"] == OURS
    assert {p["token"] for p in listing["profiles"]} == {"bd4m", "schema"}
    schema_turtle = next(
        r
        for r in listing["representations"]
        if r["profile"] == "https://schema.org/" and r["media_type"] == "text/turtle"
    )
    followed = graph_of(requests.get(f"{url}{schema_turtle['href']}", timeout=30))
    assert (ORGANISATION, RDF.type, SCHEMA.Organization) in followed
    altr = graph_of(
        requests.get(
            f"{url}{DOCUMENT}", params={"_profile": "alt"}, headers={"Accept": "text/turtle"}, timeout=30
        )
    )
    altr_ns = Namespace("https://www.w3.org/ns/dx/conneg/altr#")
    assert len(list(altr.objects(URIRef(f"{url}{DOCUMENT}"), altr_ns.hasRepresentation))) >= 12
    assert len(list(altr.objects(URIRef(f"{url}{DOCUMENT}"), altr_ns.hasDefaultRepresentation))) == 1


def test_a_profile_not_offered_is_refused_by_name_and_the_catalogue_is_dcat_ap(url):
    refused = requests.get(f"{url}{DOCUMENT}", params={"_profile": "dublin-core"}, timeout=30)
    assert refused.status_code == 400 and "bd4m, schema" in refused.json()["error"]
    catalogue = requests.get(f"{url}/catalog", headers={"Accept": "text/turtle"}, timeout=60)
    assert catalogue.headers["Content-Profile"] == "<http://data.europa.eu/r5r/>"
    assert catalogue.links["profile"]["url"] == "http://data.europa.eu/r5r/"
    assert requests.get(f"{url}/catalog", params={"_profile": "alt"}, timeout=30).json()["profiles"][0][
        "token"
    ] == ("dcat-ap")
