"""Dereferencing on ``bd4m-kg serve`` (both kinds of store): 303 from things to documents, every
format by extension, ``?format=`` and ``Accept``, Link headers, 404/410/301, ETags that follow the
graphs a document was built from, and documents that hold every triple the dump has."""

from __future__ import annotations

import json
import re

import pyoxigraph as ox
import pytest
import requests
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDFS, VOID

from conftest import chromium_page, same_graphs, screenshot

BASE = "https://w3id.org/bd4m/"
IOM = URIRef(f"{BASE}id/organisation/iom")
PROJECT = "cameroon-refugee-mapping"
LICENCE = URIRef("https://creativecommons.org/licenses/by/4.0/")
FORMATS = {
    "ttl": ("text/turtle", "turtle"),
    "nt": ("application/n-triples", "nt"),
    "rdf": ("application/rdf+xml", "xml"),
    "jsonld": ("application/ld+json", "json-ld"),
    "nq": ("application/n-quads", "nquads"),
    "trig": ("application/trig", "trig"),
}


@pytest.fixture(scope="module")
def url(served) -> str:
    return served[0]


def get(url: str, path: str, **headers: str) -> requests.Response:
    return requests.get(f"{url}{path}", headers=headers, allow_redirects=False, timeout=30)


def parsed(response: requests.Response, rdflib_format: str) -> Graph:
    if rdflib_format in {"nquads", "trig"}:
        dataset = Dataset()
        dataset.parse(data=response.content, format=rdflib_format)
        merged = Graph()
        for s, p, o, _ in dataset.quads((None, None, None, None)):
            merged.add((s, p, o))
        return merged
    return Graph().parse(data=response.content, format=rdflib_format)


def test_a_thing_answers_303_to_its_document(url):
    for accept in ("text/turtle", "text/html", "*/*"):
        response = get(url, "/id/organisation/iom", Accept=accept)
        assert response.status_code == 303
        assert response.headers["Location"].endswith("/doc/organisation/iom")
        assert "Accept" in response.headers["Vary"]
    concept = get(url, "/vocab/theme/health?format=nt")
    assert concept.status_code == 303 and concept.headers["Location"].endswith(
        "/doc/vocab/theme/health?format=nt"
    )


@pytest.mark.parametrize("short", FORMATS)
def test_a_document_in_every_format_by_extension_format_and_accept(url, short):
    media_type, rdflib_format = FORMATS[short]
    answers = [
        get(url, f"/doc/project/{PROJECT}.{short}"),
        get(url, f"/doc/project/{PROJECT}?format={short}"),
        get(url, f"/doc/project/{PROJECT}", Accept=f"text/html;q=0.5, {media_type}"),
    ]
    graphs = []
    for response in answers:
        assert response.status_code == 200, response.text
        assert response.headers["Content-Type"].startswith(media_type)
        graphs.append(parsed(response, rdflib_format))
    assert all(len(g) == len(graphs[0]) for g in graphs)
    document = URIRef(f"{BASE}doc/project/{PROJECT}")
    topic = URIRef(f"{BASE}id/project/{PROJECT}")
    assert (document, FOAF.primaryTopic, topic) in graphs[0]
    assert (document, DCTERMS.license, LICENCE) in graphs[0]
    assert (document, VOID.inDataset, URIRef(f"{BASE}dataset")) in graphs[0]
    assert graphs[0].value(topic, RDFS.label) is not None


def test_link_headers_name_every_alternate_and_the_headers_are_exposed(url):
    response = get(url, "/doc/organisation/iom", Accept="text/turtle", Origin="https://example.org")
    links = response.headers["Link"]
    for short, (media_type, _) in FORMATS.items():
        assert f'</doc/organisation/iom.{short}>; rel="alternate"; type="{media_type}"' in links
    assert 'type="text/html"' in links
    exposed = response.headers["Access-Control-Expose-Headers"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert all(name in exposed for name in ("ETag", "Link", "Result-Cap"))


def test_the_turtle_document_holds_every_triple_the_store_has_about_the_record(url):
    record_graph = f"{BASE}graph/organisation/iom"
    stored = requests.get(
        f"{url}/graph-store",
        params={"graph": record_graph},
        headers={"Accept": "application/n-triples"},
        timeout=30,
    )
    document = parsed(get(url, "/doc/organisation/iom.ttl"), "turtle")
    expected = Graph().parse(data=stored.content, format="nt")
    assert len(expected) > 5
    assert set(expected) <= set(document)


def test_the_document_of_an_organisation_says_what_links_to_it(url):
    document = parsed(get(url, "/doc/organisation/unhcr.nt"), "nt")
    prov_agent = URIRef("http://www.w3.org/ns/prov#agent")
    linking = set(document.subjects(prov_agent, URIRef(f"{BASE}id/organisation/unhcr")))
    assert URIRef(f"{BASE}id/project/{PROJECT}#lead-unhcr") in linking
    assert document.value(URIRef(f"{BASE}id/project/{PROJECT}"), RDFS.label) is not None  # the owner's label


def test_ontology_vocabulary_and_graph_iris_dereference(url):
    ontology = get(url, "/ontology", Accept="text/turtle")
    assert ontology.status_code == 200
    assert (URIRef(f"{BASE}ontology#Project"), RDFS.label, Literal("Project", lang="en")) in parsed(
        ontology, "turtle"
    )
    scheme = get(url, "/vocab/theme", Accept="text/turtle")
    assert scheme.status_code == 303
    assert get(url, scheme.headers["Location"], Accept="text/turtle").status_code == 200
    graph = get(url, "/graph/organisation/iom", Accept="application/n-triples")
    assert graph.status_code == 200 and (IOM, RDFS.label, None) in parsed(graph, "nt")


def test_unknown_iris_are_404_and_nothing_acceptable_is_406(url):
    for path in (
        "/id/project/no-such-project",
        "/doc/project/no-such-project",
        "/vocab/theme/nothing",
        "/doc/x",
    ):
        response = get(url, path, Accept="text/turtle")
        assert response.status_code == 404, path
        assert response.json()["ok"] is False
    injected = (
        "/graph/project/x%3E%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D%20SERVICE%20%3Chttp:%5Cu002F%5Cu002F"
        "127.0.0.1:9%3E%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D%20BIND(%3Curn:x%3E%20AS%20%3Fg)%20%7D%20%23"
    )
    for path in (injected, "/doc/project/a%20b", "/id/project/a%20b"):
        assert get(url, path, Accept="text/turtle").status_code == 404, path
    refused = get(url, "/doc/organisation/iom", Accept="image/png")
    assert refused.status_code == 406 and "text/turtle" in refused.json()["offered"]


def test_documents_have_etags_last_modified_and_304(url):
    first = get(url, "/doc/organisation/iom", Accept="text/turtle")
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    again = get(
        url, "/doc/organisation/iom", Accept="text/turtle", **{"If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304
    since = get(
        url,
        "/doc/organisation/iom",
        Accept="text/turtle",
        **{"If-Modified-Since": first.headers["Last-Modified"]},
    )
    assert since.status_code == 304
    other_format = get(url, "/doc/organisation/iom", Accept="application/n-triples")
    assert other_format.headers["ETag"] != first.headers["ETag"]


def test_the_page_embeds_its_data_as_json_ld_for_search_engines(url):
    page = get(url, f"/doc/project/{PROJECT}", Accept="text/html")
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', page.text, re.S)
    assert script is not None
    data = json.loads(script.group(1))
    graph = Graph().parse(data=json.dumps(data), format="json-ld")
    topic = URIRef(f"{BASE}id/project/{PROJECT}")
    assert (topic, URIRef("https://schema.org/name"), None) in graph
    assert (topic, None, URIRef("https://schema.org/ResearchProject")) in graph
    assert "/doc/organisation/unhcr" in page.text  # a related thing links to its page


@pytest.mark.browser
def test_in_chromium_a_project_page_reads_like_an_entry_and_links_onwards(served):
    url, options = served
    with chromium_page() as page:
        page.goto(f"{url}/id/project/{PROJECT}")  # the thing: 303 to its page
        assert page.url.endswith(f"/doc/project/{PROJECT}")
        assert "Refugee mapping in Cameroon" in page.locator("h1").inner_text()
        headings = page.locator("h2").all_inner_texts()
        assert {"Who is involved", "Data sources", "Sources", "This record as data"} <= set(headings)
        involved = page.locator("section", has=page.locator("h2", has_text="Who is involved"))
        assert involved.locator("tbody tr").count() == 5
        assert "2022 to 2023" in page.locator("dl.facts").inner_text()
        kind = "remote" if "--state" in options else "embedded"
        screenshot(page, f"record-page-{kind}")
        page.click("a:text-is('WorldPop')")
        assert page.url.endswith("/doc/organisation/worldpop")
        takes_part = page.locator("section", has=page.locator("h2", has_text="Takes part in"))
        assert "Refugee mapping in Cameroon" in takes_part.inner_text()


VARYING = {"date", "content-length"}  # header names as they arrive: lower case


def as_nquads(answer: requests.Response) -> bytes:
    """An RDF answer's quads as N-Quads, whatever format it came in."""
    rdf_format = ox.RdfFormat.from_media_type(answer.headers["Content-Type"].split(";")[0])
    return ox.serialize(ox.parse(answer.content, format=rdf_format), format=ox.RdfFormat.N_QUADS)


@pytest.mark.parametrize("accept", ["text/turtle", "application/ld+json", "*/*", "application/n-quads"])
@pytest.mark.parametrize("origin", [None, "https://elsewhere.example"])
def test_a_document_answered_in_front_of_flask_is_the_views_answer(served, accept, origin):
    """``/doc/…`` with no query string is answered before Flask; ``?format=`` goes through the view.

    Both give the same graph and the same headers, and the same 304 to the ETag. (Their bytes may
    differ in blank node labels, and so in length, while the memory copy is being filled.)
    """
    url = served[0]
    extra = {"Origin": origin} if origin else {}
    short = requests.get(f"{url}/doc/project/{PROJECT}", headers={"Accept": accept, **extra}, timeout=60)
    chosen = next(
        name for name, (media, _) in FORMATS.items() if short.headers["Content-Type"].startswith(media)
    )
    viewed = requests.get(f"{url}/doc/project/{PROJECT}?format={chosen}", headers=extra, timeout=60)
    assert short.status_code == viewed.status_code == 200
    assert same_graphs(as_nquads(short), as_nquads(viewed))
    assert {k: v for k, v in short.headers.items() if k.lower() not in VARYING} == {
        k: v for k, v in viewed.headers.items() if k.lower() not in VARYING
    }
    etag = short.headers["ETag"]
    assert etag.startswith('W/"')
    again = requests.get(
        f"{url}/doc/project/{PROJECT}", headers={"Accept": accept, "If-None-Match": etag, **extra}, timeout=60
    )
    assert again.status_code == 304 and again.content == b"" and again.headers["ETag"] == etag


def test_documents_not_answered_in_front_of_flask_keep_their_answers(served):
    """A page, a 404, a 406 and HEAD take the view's path or give its answer."""
    url = served[0]
    page = requests.get(f"{url}/doc/project/{PROJECT}", headers={"Accept": "text/html"}, timeout=60)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    missing = requests.get(f"{url}/doc/project/no-such-project.ttl", timeout=60)
    assert missing.status_code == 404 and "no-such-project" in missing.json()["error"]
    refused = requests.get(f"{url}/doc/project/{PROJECT}", headers={"Accept": "image/png"}, timeout=60)
    assert refused.status_code == 406
    head = requests.head(f"{url}/doc/project/{PROJECT}.ttl", timeout=60)
    full = requests.get(f"{url}/doc/project/{PROJECT}.ttl", timeout=60)
    assert head.status_code == 200 and head.content == b""
    assert (
        head.headers["Content-Length"] == str(len(full.content))
        and head.headers["ETag"] == full.headers["ETag"]
    )
