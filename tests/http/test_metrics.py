"""``/metrics`` on ``bd4m-kg serve``: Prometheus text that counts requests by route and status,
query durations and timeouts, answers from the cache, validations and publications; and the
slow-query log. The record edited is real; the edit is test input."""

from __future__ import annotations

import re

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from conftest import serving
from test_submissions import call, edited, submit, tokens

__all__ = ["tokens"]


def scrape(url: str) -> dict[tuple[str, tuple], float]:
    answer = requests.get(f"{url}/metrics", timeout=30)
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(answer.text)
        for sample in family.samples
    }


def value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_requests_queries_cache_validations_and_publications_are_counted(own_server, tokens):
    url = own_server[0]
    before = scrape(url)
    query = {"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 3 # metrics"}
    for _ in range(3):
        assert requests.get(f"{url}/sparql", params=query, timeout=30).status_code == 200
    assert requests.get(f"{url}/sparql", params={"query": "SELECT"}, timeout=30).status_code == 400
    number = submit(url, tokens["ana"], edited(b"to count internal displacement")).json()["id"]
    assert call("POST", f"{url}/curate/submissions/{number}/publish", tokens["cleo"]).status_code == 200
    after = scrape(url)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("bd4m_http_requests_total", route="/sparql", method="GET", status="200") == 1  # 2 from cache
    assert grew("bd4m_http_requests_total", route="/sparql", method="GET", status="400") == 1
    assert grew("bd4m_answer_cache_hits_total") >= 2
    assert grew("bd4m_query_seconds_count") >= 1
    assert grew("bd4m_validations_total", outcome="conforms") == 1
    assert grew("bd4m_publications_total", outcome="published") == 1
    assert (
        value(after, "bd4m_store_generation")
        == requests.get(f"{url}/health", timeout=30).json()["generation"]
    )
    assert grew("bd4m_http_request_seconds_count", route="/curate/submissions/<int:number>/publish") == 1


def test_slow_queries_and_timeouts_are_logged_and_counted(tmp_path):
    options = ["--store", str(tmp_path / "store")]
    settings = {"SLOW_QUERY": "0", "QUERY_DEADLINE": "0.5"}
    with serving(tmp_path, options, settings=settings) as (url, _):
        heavy = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } # slow"
        assert requests.get(f"{url}/sparql", params={"query": heavy}, timeout=60).status_code == 503
        assert value(scrape(url), "bd4m_query_timeouts_total") == 1
    log = (tmp_path / "serve.log").read_text()
    assert re.search(r"\d+\.\d\d s \(stopped\): SELECT \(COUNT\(\*\) AS \?n\)", log), log[-2000:]


@pytest.mark.parametrize("path", ["/metrics"])
def test_metrics_are_documented(served, path):
    assert path in requests.get(f"{served[0]}/openapi.json", timeout=30).json()["paths"]
