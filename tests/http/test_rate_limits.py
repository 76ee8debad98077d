"""Per-client rate limits on ``bd4m-kg serve``: queries, named queries, validations and submissions
past their limit get 429 with ``Retry-After`` in the JSON error shape (exposed through CORS);
token holders are not limited; answers from the cache are not counted."""

from __future__ import annotations

import subprocess

import pytest
import requests

from conftest import BD4M_KG, serving

LIMITS = {
    "RATE_LIMIT_QUERIES": "3 per minute",
    "RATE_LIMIT_CURATION": "2 per minute",
    "RATE_LIMIT_LINKS": "2 per minute",
}


@pytest.fixture(scope="module")
def limited(tmp_path_factory):
    folder = tmp_path_factory.mktemp("limited")
    options = ["--store", str(folder / "store")]
    with serving(folder, options, settings=LIMITS) as (url, _):
        command = [BD4M_KG, "token", "create", "ana", "--role", "submitter", *options]
        token = subprocess.run(command, capture_output=True, text=True, check=True).stdout.split()[-1]
        yield url, token


def test_queries_past_the_limit_get_429_with_retry_after(limited):
    url, token = limited
    answers = [
        requests.get(
            f"{url}/sparql", params={"query": f"ASK {{}} # {i}"}, headers={"Origin": "https://a.example"}
        )
        for i in range(3)
    ]
    assert [a.status_code for a in answers] == [200, 200, 200]
    refused = requests.get(f"{url}/queries/directory-entries", headers={"Origin": "https://a.example"})
    assert refused.status_code == 429  # named queries share the query limit
    assert int(refused.headers["Retry-After"]) > 0
    assert refused.json()["status"] == 429 and "Retry-After" in refused.json()["error"]
    assert "Retry-After" in refused.headers["Access-Control-Expose-Headers"]
    again = requests.get(
        f"{url}/sparql", params={"query": "ASK {} # 0"}, headers={"Origin": "https://a.example"}
    )
    assert again.status_code == 200  # an answer from the cache costs nothing and is not counted
    with_token = requests.get(
        f"{url}/sparql", params={"query": "ASK {} # 9"}, headers={"Authorization": f"Bearer {token}"}
    )
    assert with_token.status_code == 200


def test_short_links_past_the_limit_get_429(limited):
    url, token = limited
    statuses = [
        requests.post(f"{url}/sparql/links", json={"query": f"ASK {{}} # link {i}"}, timeout=60).status_code
        for i in range(3)
    ]
    assert statuses == [201, 201, 429]
    bearer = {"Authorization": f"Bearer {token}"}
    spared = requests.post(f"{url}/sparql/links", json={"query": "ASK {}"}, headers=bearer, timeout=60)
    assert spared.status_code == 201


def test_validations_past_the_limit_get_429(limited):
    url, _ = limited
    statuses = [
        requests.post(
            f"{url}/curate/validate",
            data=b'<https://example.org/a> <https://example.org/b> "c" .',
            headers={"Content-Type": "application/n-triples", "Accept": "application/json"},
            timeout=60,
        ).status_code
        for _ in range(3)
    ]
    assert statuses == [200, 200, 429]


def test_submitters_are_limited_per_token_and_curators_are_not(limited, tmp_path):
    url, token = limited
    statuses = [
        requests.post(
            f"{url}/curate/submissions",
            data=b"",
            headers={"Authorization": f"Bearer {token}", "Content-Type": "text/turtle"},
            timeout=60,
        ).status_code
        for _ in range(3)
    ]
    assert statuses == [201, 201, 429]  # kept (and reported unreadable) until the limit
