"""``bd4m-kg release VERSION`` on a served store: the release's dumps never change afterwards, VoID
and DCAT list it as a dated version of the dataset, and the home page says how to cite it."""

from __future__ import annotations

import csv
import io
import subprocess

import requests
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, VOID, XSD, Namespace

from conftest import BD4M_KG
from test_submissions import call, edited, submit, tokens

__all__ = ["tokens"]
RELEASE = URIRef("https://w3id.org/bd4m/releases/1.0")
DCAT = Namespace("http://www.w3.org/ns/dcat#")  # DCAT 3 terms (rdflib's DCAT is version 2)


def release(options: list[str], version: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [BD4M_KG, "release", version, *options], capture_output=True, text=True, timeout=300
    )


def test_a_release_is_frozen_listed_and_citable(own_server, tokens):
    url, options = own_server[0], own_server[1]
    made = release(options, "1.0")
    assert made.returncode == 0, made.stderr
    assert release(options, "1.0").returncode == 2 and release(options, "one").returncode == 2
    listed = requests.get(f"{url}/releases", timeout=30).json()["releases"]
    assert [r["version"] for r in listed] == ["1.0"]
    assert requests.get(f"{url}/releases.json", timeout=30).json()["releases"] == listed
    as_csv = requests.get(f"{url}/releases.csv", timeout=30)
    assert as_csv.headers["Content-Type"].startswith("text/csv")
    [row] = csv.DictReader(io.StringIO(as_csv.text))
    assert row["version"] == "1.0" and row["url"] == f"{url}/releases/1.0" and int(row["triples"]) > 1000
    frozen = requests.get(f"{url}/releases/1.0/bd4m.nq.gz", timeout=60)
    assert frozen.status_code == 200 and "immutable" in frozen.headers["Cache-Control"]
    assert frozen.content == requests.get(f"{url}/dumps/bd4m.nq.gz", timeout=60).content
    number = submit(url, tokens["ana"], edited(b"to release internal displacement")).json()["id"]
    assert call("POST", f"{url}/curate/submissions/{number}/publish", tokens["cleo"]).status_code == 200
    assert requests.get(f"{url}/dumps/bd4m.nq.gz", timeout=60).content != frozen.content
    assert requests.get(f"{url}/releases/1.0/bd4m.nq.gz", timeout=60).content == frozen.content
    assert requests.get(f"{url}/releases/1.0/../state.sqlite", timeout=30).status_code == 404

    catalog = Graph().parse(data=requests.get(f"{url}/catalog", timeout=60).text, format="turtle")
    assert (URIRef("https://w3id.org/bd4m/dataset"), DCAT.hasVersion, RELEASE) in catalog
    assert catalog.value(RELEASE, DCAT.version) == Literal("1.0")
    assert catalog.value(RELEASE, DCTERMS.issued).datatype == XSD.date
    void = Graph().parse(data=requests.get(f"{url}/.well-known/void", timeout=60).text, format="turtle")
    assert URIRef(f"{url}/releases/1.0/bd4m.nq.gz") in set(void.objects(RELEASE, VOID.dataDump))

    home = requests.get(url, headers={"Accept": "text/html"}, timeout=30).text
    issued = listed[0]["date"]
    assert f"version 1.0 (released {issued})" in home and "https://w3id.org/bd4m/releases/1.0" in home
    assert "International Organization for Migration" in home  # the publisher named by the catalogue record
