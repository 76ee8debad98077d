"""The named queries about the Alliance's own knowledge (issue 22), run on ``bd4m-kg serve`` over
every kind of store through ``/queries/<name>``.

The expected answers were written by hand from the records in data/ (the challenges their
sources state, their data holders' types, the Studios and memberships read from the pages they
cite) and from the seeds, not by running the queries.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
import requests

ID = "https://w3id.org/bd4m/id/"
CHALLENGE = "https://w3id.org/bd4m/vocab/challenge/"


@pytest.fixture(scope="module")
def url(served) -> str:
    return served[0]


def rows(url: str, name: str, **parameters: str) -> list[dict[str, str]]:
    query = "&".join(f"{key}={quote(value)}" for key, value in parameters.items())
    response = requests.get(f"{url}/queries/{name}?{query}", timeout=120)
    assert response.status_code == 200, response.text
    return [{k: v["value"] for k, v in row.items()} for row in response.json()["results"]["bindings"]]


def test_challenges_stated_for_projects_with_private_data_holders(url):
    found = {
        r["challenge"].removeprefix(CHALLENGE): (r["category"].removeprefix(CHALLENGE), int(r["projects"]))
        for r in rows(url, "challenges-with-private-data-holders")
    }
    assert found == {
        # D4D Senegal, EUAA DynENet, Ghana, IIASA, Indonesia, MIMI, Puerto Rico (Facebook), RAND,
        # the two Ukraine projects on Meta's data, Venezuela on Twitter, World Bank-LinkedIn
        "integrating-sources": ("data-analytics", 12),
        # Global air traffic, global transnational mobility, Indonesia, JRC Facebook, Latin America,
        # LinkedIn openness, Meta's global flows, the two Yahoo! projects, Twitter in OECD countries
        "selection-bias": ("quality", 10),
        # Cuebiq's COVID-19 monitoring, D4R, Facebook Disaster Maps, HumMingBird, World Bank-LinkedIn
        "privacy-and-consent": ("ethical", 5),
        # D4R, EUAA DynENet, global air traffic, global transnational mobility, iMMAP
        "errors-and-uncertainty": ("quality", 5),
        "private-public-collaboration": ("data-availability", 2),  # Global Mobilities Database, HumMingBird
        "reliability": ("quality", 2),  # Google Trends for asylum, JRC Facebook
        "data-security": ("ethical", 1),  # HumMingBird
        "skills": ("data-analytics", 1),  # Ghana
        "interoperability": ("data-analytics", 1),  # MIMI (the JRC's operators and CTDC hold no private data)
        "interpretation": ("data-analytics", 1),  # Latin America
    }


def test_the_studios_with_their_places_dates_and_questions(url):
    found = {
        r["studio"].removeprefix(f"{ID}studio/"): (r["places"], r.get("date"), int(r["questions"]))
        for r in rows(url, "studios")
    }
    assert found == {
        "west-africa-2021": ("Western Africa", None, 3),
        "digital-self-determination-2022": ("World", "2022-06-30", 2),
        "country-case-malaysia": ("Malaysia", None, 0),
        "country-case-hungary": ("Hungary", None, 0),
        "country-case-italy": ("Italy", None, 0),
    }
    west_africa = next(r for r in rows(url, "studios") if r["studio"].endswith("west-africa-2021"))
    assert set(west_africa["organisers"].split(", ")) == {
        "Joint Research Centre",
        "IOM Global Migration Data Analysis Centre",
        "The GovLab",
    }


def test_projects_since_2020_with_smartphone_location_data_and_with_mobile_network_data(url):
    default = rows(url, "projects-since-2020-using-data-source-type")
    assert [(r["project"].removeprefix(f"{ID}project/"), r["start"], r["holders"]) for r in default] == [
        ("covid-19-mobility-monitoring-project", "2020-03", "Cuebiq")
    ]
    operators = rows(
        url,
        "projects-since-2020-using-data-source-type",
        type="https://w3id.org/bd4m/vocab/data-source-type/mobile-network-data",
    )
    # Estonia's COVID-19 mobility (20 February 2020), Estonia-Finland (2020), Senegal's dataset (2024);
    # the other mobile network data projects started earlier or have no start a source gives
    assert {r["project"].removeprefix(f"{ID}project/") for r in operators} == {
        "estonia-covid-19-mobility",
        "estonia-finland-cross-border-mobility",
        "senegal-temporary-migration-dataset",
    }


def test_the_alliance_conveners_since_their_launch(url):
    found = {
        (r["convener"].removeprefix(f"{ID}organisation/"), r.get("since"))
        for r in rows(url, "alliance-conveners")
    }
    # KCMD and IOM GMDAC launched it on 25 June 2018; no source dates The GovLab's joining
    assert found == {("kcmd", "2018-06-25"), ("iom-gmdac", "2018-06-25"), ("govlab", None)}


def test_the_concept_notes_challenges_met_by_todays_projects(url):
    found = {r["name"]: int(r["projects"]) for r in rows(url, "concept-note-challenges-today")}
    assert found == {
        # data analytics (19 projects) or selection bias (9 more) or skills
        "Methodological difficulties": 28,
        "Confidentiality, security and ethical concerns": 6,  # the ethical category
        "Data access": 2,  # data availability: Global Mobilities Database, HumMingBird
        "Limited awareness and fragmented information": 0,  # matches no category
    }


def test_the_directory_then_and_now(url):
    [row] = rows(url, "directory-then-and-now")
    assert row["catalogue"] == f"{ID}catalogue/data-innovation-directory"
    assert (row["date"], row["projectsThen"], row["organisationsMoreThan"], row["covidProjectsThen"]) == (
        "2020-05-19",
        "50",
        "70",
        "9",
    )
    assert row["listedHere"] == "14"  # the confirmed listings of test_records.py
