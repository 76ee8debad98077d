"""What a harvester and a search engine get from ``bd4m-kg serve`` (both kinds of store): dumps with
HTTP caching, VoID counts that equal the dump, a DCAT-AP catalogue whose checksums match the
downloads, sitemap.xml and robots.txt, and a crawl that starts from the base URL alone."""

from __future__ import annotations

import gzip
import hashlib
import random
import re
import shutil
from urllib.parse import urljoin

import pytest
import requests
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, FOAF, RDF, VOID

from bd4m_kg.publishing.building import build_store
from bd4m_kg.publishing.dumps import current_dumps, dumps_folder
from bd4m_kg.store import open_store

SPDX = Namespace("http://spdx.org/rdf/terms#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")  # a plain Namespace: pytest probes module globals
DATASET = URIRef("https://w3id.org/bd4m/dataset")
DUMPS = ("bd4m.nq.gz", "bd4m.trig.gz", "bd4m.ttl.gz")


@pytest.fixture(scope="module")
def url(served) -> str:
    return served[0]


def turtle(url: str, path: str) -> Graph:
    response = requests.get(urljoin(url, path), headers={"Accept": "text/turtle"}, timeout=60)
    assert response.status_code == 200, response.text
    return Graph().parse(data=response.content, format="turtle")


def download(url: str, name: str) -> requests.Response:
    response = requests.get(f"{url}/dumps/{name}", timeout=120)
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/gzip"
    return response


def test_dumps_are_gzip_files_with_http_caching(url):
    for name in DUMPS:
        response = download(url, name)
        assert int(response.headers["Content-Length"]) == len(response.content)
        assert response.headers["ETag"] and response.headers["Last-Modified"]
        text = gzip.decompress(response.content).decode()
        assert text.startswith("# BD4M Data Innovation Directory, generation ")
        assert "Last change-feed member included" in text.splitlines()[1]
        again = requests.get(
            f"{url}/dumps/{name}", headers={"If-None-Match": response.headers["ETag"]}, timeout=30
        )
        assert again.status_code == 304
    part = requests.get(f"{url}/dumps/bd4m.nq.gz", headers={"Range": "bytes=0-99"}, timeout=30)
    assert part.status_code == 206 and len(part.content) == 100
    assert requests.get(f"{url}/dumps/bd4m.zip", timeout=30).status_code == 404


def test_the_three_dumps_hold_the_same_graph_and_void_counts_it(url):
    quads = Dataset()
    quads.parse(data=gzip.decompress(download(url, "bd4m.nq.gz").content), format="nquads")
    trig = Dataset()
    trig.parse(data=gzip.decompress(download(url, "bd4m.trig.gz").content), format="trig")
    union = Graph().parse(data=gzip.decompress(download(url, "bd4m.ttl.gz").content), format="turtle")
    merged = Graph()
    for s, p, o, _ in quads.quads():
        merged.add((s, p, o))
    assert isomorphic(merged, union)
    assert len(list(quads.quads())) == len(list(trig.quads()))
    void = turtle(url, "/.well-known/void")
    assert int(void.value(DATASET, VOID.triples)) == len(union)
    assert int(void.value(DATASET, VOID.entities)) > 500
    assert {str(o) for o in void.objects(DATASET, VOID.dataDump)} == {f"{url}/dumps/{n}" for n in DUMPS}
    assert void.value(DATASET, VOID.sparqlEndpoint) == URIRef(f"{url}/sparql")
    assert void.value(DATASET, VOID.uriSpace) == Literal("https://w3id.org/bd4m/")
    assert void.value(DATASET, DCTERMS.license) is not None and void.value(DATASET, DCTERMS.modified)
    project_class = URIRef("https://w3id.org/bd4m/ontology#Project")
    partition = next(
        p for p in void.objects(DATASET, VOID.classPartition) if void.value(p, VOID["class"]) == project_class
    )
    projects = {s for s in union.subjects(RDF.type, project_class)}
    assert int(void.value(partition, VOID.entities)) == len(projects)
    subsets = list(void.objects(DATASET, VOID.subset))
    assert sum(int(void.value(s, VOID.triples)) for s in subsets) == len(list(quads.quads()))


def test_the_catalogue_describes_each_download_truly(url):
    catalog = turtle(url, "/catalog")
    root = next(catalog.subjects(RDF.type, DCAT.Catalog))
    publisher = catalog.value(root, DCTERMS.publisher)
    assert str(catalog.value(publisher, FOAF.name)) == "International Organization for Migration"
    assert catalog.value(root, DCTERMS.title) and catalog.value(DATASET, DCTERMS.description)
    distributions = list(catalog.objects(DATASET, DCAT.distribution))
    assert len(distributions) == 3
    for distribution in distributions:
        body = requests.get(str(catalog.value(distribution, DCAT.downloadURL)), timeout=120).content
        assert int(catalog.value(distribution, DCAT.byteSize)) == len(body)
        checksum = catalog.value(distribution, SPDX.checksum)
        assert str(catalog.value(checksum, SPDX.checksumValue)) == hashlib.sha256(body).hexdigest()
        assert str(catalog.value(distribution, DCAT.mediaType)).startswith(
            "http://www.iana.org/assignments/media-types/"
        )
        assert catalog.value(distribution, DCTERMS.license) is not None
    service = next(catalog.subjects(RDF.type, DCAT.DataService))
    assert catalog.value(service, DCAT.endpointURL) == URIRef(f"{url}/sparql")
    assert catalog.value(service, DCTERMS.title) is not None


def test_sitemap_and_robots(url):
    sitemap = requests.get(f"{url}/sitemap.xml", timeout=30)
    locations = re.findall(r"<loc>(.*?)</loc>", sitemap.text)
    assert f"{url}/doc/project/cameroon-refugee-mapping" in locations
    assert len([loc for loc in locations if "/doc/" in loc]) > 150
    robots = requests.get(f"{url}/robots.txt", timeout=30).text
    assert "Disallow: /sparql" in robots and f"Sitemap: {url}/sitemap.xml" in robots


def test_a_harvester_starting_from_the_base_url_alone(url):
    """Home page → Link to VoID → dump → dereference a sample of IRIs in every format: each
    document holds what the dump says about its subject."""
    home = requests.get(url, timeout=30)
    void_path = re.search(r'<([^>]+)>; rel="describedby"; type="text/turtle"', home.headers["Link"]).group(1)
    void = turtle(url, void_path)
    dump_url = next(str(o) for o in void.objects(DATASET, VOID.dataDump) if str(o).endswith(".nq.gz"))
    dump = Dataset()
    dump.parse(data=gzip.decompress(requests.get(dump_url, timeout=120).content), format="nquads")
    records = sorted(
        {s for s, _, _, _ in dump.quads() if re.search(r"/id/(project|organisation)/[^#]+$", str(s))}
    )
    formats = {
        "text/turtle": "turtle",
        "application/n-triples": "nt",
        "application/rdf+xml": "xml",
        "application/ld+json": "json-ld",
    }
    for subject in random.Random(7).sample(records, 8):
        local = str(subject).replace("https://w3id.org/bd4m/", f"{url}/")
        expected = {(s, p, o) for s, p, o, _ in dump.quads((subject, None, None, None))}
        for media_type, rdflib_format in formats.items():
            response = requests.get(local, headers={"Accept": media_type}, timeout=30)  # follows the 303
            assert response.status_code == 200 and response.url.endswith(local.split("/id/", 1)[1])
            assert expected <= set(Graph().parse(data=response.content, format=rdflib_format)), subject


def test_the_same_generation_gives_the_same_dump_bytes(tmp_path):
    """Dumps written twice from one state of the store are byte-identical: the gzip header has no
    name and mtime 0, and the serialisations keep the store's order."""
    with open_store(tmp_path / "store") as store:
        build_store(store, actor="test")
        first = current_dumps(store)
        folder = dumps_folder(store) / str(first.generation)
        header = (folder / "bd4m.nq.gz").read_bytes()[:10]
        assert header[3] == 0 and header[4:8] == b"\0\0\0\0"  # no FNAME flag, MTIME 0
        shutil.rmtree(folder)
        second = current_dumps(store)
    assert [(f.name, f.sha256) for f in first.files] == [(f.name, f.sha256) for f in second.files]
