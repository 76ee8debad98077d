"""Named queries: each documented and runnable; headline answers checked against the fact sheet.

The expected answers below were written by hand from ../shared/domain/directory-facts.md (row
numbers of its project table in the comments), not by running the queries.
"""

from __future__ import annotations

from collections import Counter

import pyoxigraph as ox
import pytest

from bd4m_kg.sparql.named_queries import NamedQueryError, load_named_queries, run_named_query

PROJECT = "https://w3id.org/bd4m/id/project/"
ORGANISATION = "https://w3id.org/bd4m/id/organisation/"
COLLABORATIVE = "https://w3id.org/bd4m/id/collaborative/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
QUERIES = load_named_queries()


def column(store, name, variable, values=None) -> list[str]:
    return [row[variable].value for row in run_named_query(store, QUERIES[name], values)]


def slugs(iris, prefix) -> set[str]:
    return {iri.removeprefix(prefix) for iri in iris}


def test_there_are_at_least_ten_documented_queries():
    assert len(QUERIES) >= 10
    for query in QUERIES.values():
        assert query.title.endswith("?"), query.name
        assert len(query.description) > 40, query.name


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_query_runs_and_answers(store, name):
    rows = list(run_named_query(store, QUERIES[name]))
    assert rows, name


def test_mobile_network_data_projects(store):
    # rows 1, 2, 3, 19, 20, 28, 29, 30, 31, 32, 33, 34, 35, 41, 42, 48; leads 7, 8, 9, 21, 22, 23 (issue 22)
    expected = {
        "d4d-challenge-senegal",
        "d4d-challenge-cote-divoire",
        "flowminder-individual-displacement-cdr",
        "jrc-mobile-network-operators-covid-19",
        "georgia-mobile-phone-human-mobility",
        "indonesia-cross-border-tourism-mobile-positioning",
        "ghana-covid-19-mobility",
        "nepal-earthquake-displacement",
        "haiti-earthquake-cholera-mobility",
        "turkey-cdr-refugee-integration",
        "data-for-refugees-challenge",
        "namibia-mobile-phone-migration-statistics",
        "namibia-senegal-short-long-term-mobility",
        "rwanda-internal-migration-phone-records",
        "afghanistan-violence-internal-displacement",
        "senegal-temporary-migration-dataset",
        "mozambique-cyclone-displacement",
        "bangladesh-cyclone-mahasen-mobility",
        "teralytics-puerto-rico-hurricane-maria",
        "estonia-covid-19-mobility",
        "estonia-finland-cross-border-mobility",
        "hummingbird-h2020",
    }
    assert slugs(column(store, "projects-using-data-source-type", "project"), PROJECT) == expected


def test_satellite_imagery_projects_by_parameter(store):
    # rows 44, 45, 46, 47, 48; lead 2 of leads-2026-12.md (issue 22); leads 12, 13, 18, 19:
    # syria-night-time-light-crisis, immap-urban-s-night-time-light, mapping-vulnerable-populations-ai,
    # unosat-mogadishu-idp-shelters; leads 14, 15: the Rohingya camps and Kutupalong-Balukhali
    values = {"type": "https://w3id.org/bd4m/vocab/data-source-type/satellite-imagery"}
    assert slugs(column(store, "projects-using-data-source-type", "project", values), PROJECT) == {
        "idmc-satellite-imagery-displacement",
        "cameroon-refugee-mapping",
        "digitalglobe-sudanese-refugee-arrivals",
        "msf-camp-shelter-counting",
        "lebanon-refugee-tent-detection",
        "hummingbird-h2020",
        "syria-night-time-light-crisis",
        "immap-urban-s-night-time-light",
        "mapping-vulnerable-populations-ai",
        "unosat-mogadishu-idp-shelters",
        "rohingya-camp-population-feature-extraction",
        "kutupalong-balukhali-camp-growth-cnn",
    }


def test_confirmed_directory_entries(store):
    # rows 1, 5, 23, 24, 26, 28, 29 (DID = yes); DID pages read for issue 22 (leads 1, 2, 3, 6;
    # the Global Mobilities Database page: global-mobilities-database; the DID's two Yahoo! pages)
    assert slugs(column(store, "directory-entries", "project"), PROJECT) == {
        "covid-19-mobility-monitoring-project",
        "idmc-satellite-imagery-displacement",
        "data-for-integration-challenge",
        "skills-mapping-armenian-diaspora",
        "ghana-covid-19-mobility",
        "jrc-facebook-international-mobility",
        "drc-mixed-migration-foresight",
        "easo-early-warning-forecasting",
        "google-searches-bilateral-migration",
        "namibia-mobile-phone-migration-statistics",
        "namibia-senegal-short-long-term-mobility",
        "global-mobilities-database",
        "you-are-where-you-email",
        "yahoo-log-ins-global-migration",
    }


def test_collaboratives_by_type(store):
    rows = run_named_query(store, QUERIES["collaboratives-by-type"])
    counts = {(r["typeName"].value, r["evidenceName"].value): int(r["collaboratives"].value) for r in rows}
    assert counts == {
        ("Trusted intermediary", "Inferred from the source"): 2,  # rows 1, 33
        ("Trusted intermediary", "Stated by the source"): 1,  # row 2 (GovLab case page)
        ("Public interface", "Inferred from the source"): 7,  # rows 4, 5, 6, 9, 26, 39, 43
        ("Prizes and challenges", "Inferred from the source"): 4,  # row 20; leads 3, 22, 23
        ("Research and analysis partnership", "Inferred from the source"): 5,  # rows 32, 50; leads 1, 9;
        # issue 22: global-mobilities-database (Sabre's data for the Migration Policy Centre)
        ("Data pooling", "Inferred from the source"): 1,  # row 40
        ("unknown", "Inferred from the source"): 2,  # row 23 (pro-bono partnership); lead 21
        ("unknown", "Stated by the source"): 3,  # rows 3, 41, 45 ("type ?")
    }


def test_data_holders_for_international_organisations(store):
    # data users that are UN, EU or IOM bodies: rows 5, 6, 13 (Meta), 15, 16, 51, 54 (Twitter),
    # 19 (Türk Telekom), 25 (Google, Frontex, Eurostat), 44 (UNHCR proGres, Ecopia AI), 45 (DigitalGlobe);
    # GDELT for the EUAA in rows 24 and 25 (issue 22: easo-early-warning-forecasting,
    # euaa-dynenet-asylum-forecasting)
    holders = column(store, "data-holders-for-international-organisations", "holder")
    assert slugs(holders, ORGANISATION) == {
        "meta",
        "twitter",
        "turk-telekom",
        "google",
        "frontex",
        "eurostat",
        "unhcr",
        "ecopia-ai",
        "digitalglobe",
        "gdelt",
    }
    rows = run_named_query(store, QUERIES["data-holders-for-international-organisations"])
    projects = {r["holder"].value.removeprefix(ORGANISATION): int(r["projects"].value) for r in rows}
    assert projects["twitter"] == 4
    assert projects["gdelt"] == 2  # rows 24 and 25, read from their records
    # issue 22, lead 11: crisisready-ukraine-refugee-flow-maps (Meta's data, used by UNICEF, World Bank)
    assert projects["meta"] == 4


def test_collaboratives_linking_private_holders_with_statistical_offices(store):
    # row 1 (Ghana Statistical Service, Vodafone Ghana), row 41 (Statistics Estonia, Telia, Elisa, Tele2),
    # lead 21 (BPS-Statistics Indonesia, Telkomsel)
    rows = run_named_query(store, QUERIES["private-holders-and-statistical-offices"])
    found = {
        (r["collaborative"].value.removeprefix(COLLABORATIVE), r["office"].value.removeprefix(ORGANISATION))
        for r in rows
    }
    assert found == {
        ("ghana-covid-19-mobility", "ghana-statistical-service"),
        ("estonia-covid-19-mobility", "statistics-estonia"),
        ("indonesia-cross-border-tourism-mobile-positioning", "bps-statistics-indonesia"),
    }


def test_projects_with_turk_telekom_data(store):
    # rows 19, 20, 48
    assert slugs(column(store, "projects-with-data-holder", "project"), PROJECT) == {
        "turkey-cdr-refugee-integration",
        "data-for-refugees-challenge",
        "hummingbird-h2020",
    }


def test_covid_19_projects(store):
    # rows 1, 7, 15, 41; leads 1 and 9 of leads-2026-12.md (issue 22)
    assert slugs(column(store, "projects-by-policy-need", "project"), PROJECT) == {
        "covid-19-mobility-monitoring-project",
        "jrc-mobile-network-operators-covid-19",
        "ghana-covid-19-mobility",
        "immap-facebook-venezuelan-migrants-colombia",
        "twitter-migration-sentiment-covid-19",
        "estonia-covid-19-mobility",
    }


def test_projects_covering_africa(store):
    # rows 1, 17, 21, 23, 28, 29, 30, 32, 33, 44, 45, 46, 48; leads 22, 23, 24 (issue 22);
    # lead 19: unosat-mogadishu-idp-shelters (Somalia); lead 33: CABC's xenophobia analytics (South Africa)
    assert len(set(column(store, "projects-covering-region", "project"))) == 18


def test_policy_need_counts_add_up(store):
    rows = run_named_query(store, QUERIES["projects-per-policy-need-per-year"])
    per_need = Counter()
    for row in rows:
        per_need[row["needName"].value] += int(row["projects"].value)
    assert per_need["Tackling COVID-19"] == 6  # rows 1, 7, 15, 41; leads 1, 9


def test_an_unknown_parameter_is_refused(store):
    with pytest.raises(NamedQueryError, match="no parameter colour"):
        run_named_query(store, QUERIES["directory-entries"], {"colour": "https://example.org/red"})


def test_parameters_are_bound_as_terms_not_text(store):
    injection = {"holder": "https://example.org/x> } UNION { ?s ?p ?o"}
    with pytest.raises(ValueError):
        list(run_named_query(store, QUERIES["projects-with-data-holder"], injection))
    assert isinstance(
        QUERIES["projects-with-data-holder"].substitutions()[ox.Variable("holder")], ox.NamedNode
    )


@pytest.mark.parametrize("name", sorted(name for name, query in QUERIES.items() if query.parameters))
def test_the_text_sent_to_other_engines_answers_as_the_bound_query_does(store, name):
    """Remote engines get the text with its values in a VALUES block: the same answer as binding them."""
    query = QUERIES[name]
    other = {p.name: _another_value(store, query, p.name, p.default) for p in query.parameters}
    for values in (None, other):
        bound = _rows(run_named_query(store, query, values))
        sent = _rows(store.query(query.standalone(values), use_default_graph_as_union=True))
        assert sent == bound and bound, (name, values)


def _rows(solutions) -> set[tuple[str, ...]]:
    """Each row's values, a GROUP_CONCAT's parts sorted (the engine may concatenate in any order)."""
    return {tuple(_parts(term.value) if term else "" for term in row) for row in solutions}


def _parts(value: str) -> str:
    return ", ".join(sorted(value.split(", ")))


def _another_value(store, query, parameter: str, default: str) -> str:
    """A resource like the default (its class, its scheme) that gives the query another answer."""
    candidates = store.query(
        f"""SELECT DISTINCT ?v WHERE {{
          <{default}> a ?t . ?v a ?t FILTER (?v != <{default}>)
          OPTIONAL {{ <{default}> <{SKOS}inScheme> ?scheme }}
          FILTER (!BOUND(?scheme) || EXISTS {{ ?v <{SKOS}inScheme> ?scheme }})
        }} ORDER BY ?v""",
        use_default_graph_as_union=True,
    )
    for row in candidates:
        if list(run_named_query(store, query, {parameter: row["v"].value})):
            return row["v"].value
    raise AssertionError(f"no other value of {parameter} gives {query.name} an answer")
