"""Every operation ``/openapi.json`` marks as needing a role, tried without a token, with a wrong
one, a revoked one and one of a lower role: 401 or 403 every time, and afterwards the store, its
generation and the inbox are exactly as before."""

from __future__ import annotations

import hashlib
import subprocess

import pytest
import requests

from conftest import BD4M_KG, new_token
from test_openapi import EXAMPLES

LOWER = {"admin": "curator", "curator": "submitter"}
RECORD = b"""@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/bd4m/id/organisation/fixture-auth> a <http://www.w3.org/ns/org#Organization> ;
    rdfs:label "Fixture (test data)"@en .
"""
EVERY_QUAD = "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g ?s ?p ?o"


@pytest.fixture(scope="module")
def tokens(own_server) -> dict[str, str]:
    """A token of each role, and one of each role that was revoked at once after it was made."""
    _, options, _, _ = own_server
    made = {role: new_token(options, f"auth-{role}", role) for role in ("submitter", "curator", "admin")}
    for role in ("submitter", "curator", "admin"):
        made[f"revoked-{role}"] = new_token(options, f"auth-revoked-{role}", role)
        subprocess.run(
            [BD4M_KG, "token", "revoke", f"auth-revoked-{role}", *options], check=True, capture_output=True
        )
    return made


def secured(url: str) -> list[tuple[str, str, str]]:
    """(method, path, role) of every documented operation that needs a token."""
    description = requests.get(f"{url}/openapi.json", timeout=30).json()
    found = []
    for template, operations in description["paths"].items():
        for method, operation in operations.items():
            if "x-role" in operation:
                found.append((method.upper(), EXAMPLES.get(template, template), operation["x-role"]))
    return found


def state(url: str, admin: str) -> tuple[int, str, str]:
    """The generation, a digest of every quad, and the inbox as a curator sees it."""
    bearer = {"Authorization": f"Bearer {admin}"}
    generation = requests.get(f"{url}/health", timeout=30).json()["generation"]
    quads = requests.get(
        f"{url}/sparql",
        params={"query": EVERY_QUAD},
        headers={**bearer, "Accept": "text/tab-separated-values"},
        timeout=60,
    )
    inbox = requests.get(f"{url}/curate/submissions", headers=bearer, timeout=30)
    assert quads.status_code == 200 and inbox.status_code == 200
    return generation, hashlib.sha256(quads.content).hexdigest(), inbox.text


def test_every_secured_operation_refuses_missing_wrong_revoked_and_lower_tokens(own_server, tokens):
    url, _, admin, _ = own_server
    operations = secured(url)
    assert {method for method, _, _ in operations} >= {"POST", "PUT", "DELETE"}
    before = state(url, admin)
    tried = 0
    for method, path, role in operations:
        attempts = {
            "none": (None, 401),
            "wrong": ("bd4m_" + "x" * 43, 401),
            "revoked": (tokens[f"revoked-{role}"], 401),
        }
        if role in LOWER:
            attempts["lower"] = (tokens[LOWER[role]], 403)
        for name, (bearer, status) in attempts.items():
            headers = {"Content-Type": "text/turtle"} | (
                {"Authorization": f"Bearer {bearer}"} if bearer else {}
            )
            response = requests.request(method, f"{url}{path}", data=RECORD, headers=headers, timeout=30)
            assert response.status_code == status, (
                name,
                method,
                path,
                response.status_code,
                response.text[:300],
            )
            if status == 401:
                assert response.headers["WWW-Authenticate"].startswith("Bearer")
            tried += 1
    assert tried >= 3 * len(operations)
    assert state(url, admin) == before


def test_a_token_revoked_while_serving_is_refused_at_once(own_server):
    url, options, _, _ = own_server
    curator = new_token(options, "auth-soon-revoked", "curator")
    bearer = {"Authorization": f"Bearer {curator}"}
    assert requests.get(f"{url}/curate/submissions", headers=bearer, timeout=30).status_code == 200
    subprocess.run(
        [BD4M_KG, "token", "revoke", "auth-soon-revoked", *options], check=True, capture_output=True
    )
    assert requests.get(f"{url}/curate/submissions", headers=bearer, timeout=30).status_code == 401
