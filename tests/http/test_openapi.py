"""``/openapi.json`` on ``bd4m-kg serve`` describes the live routes: every documented operation
answers on the running server (never 404 or 405), writes need the bearer token they document,
and the pages a visitor reaches from the home page are all documented."""

from __future__ import annotations

import re

import pytest
import requests

from conftest import new_token

RECORD = "project/afghanistan-violence-internal-displacement"
EXAMPLES = {  # documented path template -> a path the running server knows
    "/changes/page/{number}": "/changes/page/0",
    "/curate/submissions/{number}": "/curate/submissions/1",
    "/curate/submissions/{number}/body": "/curate/submissions/1/body",
    "/curate/submissions/{number}/preview/{record}": f"/curate/submissions/1/preview/{RECORD}",
    "/curate/submissions/{number}/publish": "/curate/submissions/1/publish",
    "/curate/submissions/{number}/reject": "/curate/submissions/1/reject",
    "/curate/records/{kind}/{slug}/retire": f"/curate/records/{RECORD}/retire",
    "/curate/records/{kind}/{slug}/rollback": f"/curate/records/{RECORD}/rollback",
    "/doc/{kind}/{slug}/history": f"/doc/{RECORD}/history",
    "/doc/{kind}/{slug}/history.{extension}": f"/doc/{RECORD}/history.csv",
    "/timemap/{kind}/{slug}": f"/timemap/{RECORD}",
    "/projects.{extension}": "/projects.json",
    "/organisations.{extension}": "/organisations.csv",
    "/collaboratives.{extension}": "/collaboratives.json",
    "/studios.{extension}": "/studios.json",
    "/search.{extension}": "/search.json",
    "/releases.{extension}": "/releases.csv",
    "/curate/submissions.{extension}": "/curate/submissions.csv",
    "/doc/{rest}": f"/doc/{RECORD}",
    "/dataset/{name}": "/dataset/bd4m.nq.gz",
    "/dumps/{name}": "/dumps/bd4m.nq.gz",
    "/graph-store/{rest}": "/graph-store/no-such-graph",
    "/graph/{rest}": f"/graph/{RECORD}",
    "/id/{rest}": f"/id/{RECORD}",
    "/ontology.{extension}": "/ontology.ttl",
    "/ontology/{version}": "/ontology/0.1.0",
    "/shapes.{extension}": "/shapes.ttl",
    "/version/{generation}/{rest}": f"/version/1/{RECORD}",
    "/queries/{name}": "/queries/directory-entries",
    "/q/{key}": "/q/AAAAAAAAAA",
    "/releases/{version}": "/releases/0.1",
    "/releases/{version}/{name}": "/releases/0.1/bd4m.nq.gz",
    "/vocab/{rest}": "/vocab/theme/early-warning",
    "/vocabularies/{vocid}": "/vocabularies/theme",
    "/rest/v1/{vocid}/": "/rest/v1/theme/",
    "/rest/v1/{vocid}/search": "/rest/v1/theme/search?query=*",
    "/rest/v1/{vocid}/topConcepts": "/rest/v1/theme/topConcepts",
    "/rest/v1/{vocid}/lookup": "/rest/v1/theme/lookup?label=Asylum",
    "/rest/v1/{vocid}/label": "/rest/v1/theme/label?uri=https://w3id.org/bd4m/vocab/theme/asylum",
    "/rest/v1/{vocid}/broader": "/rest/v1/theme/broader?uri=https://w3id.org/bd4m/vocab/theme/asylum",
    "/rest/v1/{vocid}/narrower": "/rest/v1/theme/narrower?uri=https://w3id.org/bd4m/vocab/theme/asylum",
    "/rest/v1/{vocid}/related": "/rest/v1/theme/related?uri=https://w3id.org/bd4m/vocab/theme/asylum",
    "/rest/v1/{vocid}/data": "/rest/v1/theme/data?uri=https://w3id.org/bd4m/vocab/theme/asylum",
}


@pytest.fixture(scope="module")
def description(served) -> dict:
    answer = requests.get(f"{served[0]}/openapi.json", timeout=30)
    assert answer.status_code == 200 and answer.headers["Content-Type"] == "application/json"
    return answer.json()


def operations(description: dict):
    for path, methods in description["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_the_document_is_openapi_3_1_with_a_summary_for_every_operation(description):
    assert description["openapi"].startswith("3.1")
    assert description["components"]["securitySchemes"]["bearer"] == {"type": "http", "scheme": "bearer"}
    found = list(operations(description))
    assert len(found) >= 30
    for path, method, operation in found:
        assert operation["summary"].endswith(".") and operation["responses"], (path, method)
        names = {p["name"] for p in operation["parameters"] if p.get("in") == "path"}
        assert names == set(re.findall(r"{(\w+)}", path)), path
    ids = [operation["operationId"] for _, _, operation in found]
    assert len(ids) == len(set(ids))


def test_every_documented_operation_answers_on_the_live_server(served, description):
    url = served[0]
    for path, method, operation in operations(description):
        concrete = EXAMPLES[path] if "{" in path else path
        answer = requests.request(method.upper(), f"{url}{concrete}", timeout=60, allow_redirects=False)
        if not concrete.startswith(("/releases/", "/graph-store/", "/q/")):  # no release, graph or link
            assert answer.status_code not in (404, 405), (method, concrete, answer.status_code)
        if "security" in operation:
            assert answer.status_code == 401, (method, concrete, answer.status_code)
            assert answer.headers["WWW-Authenticate"].startswith("Bearer")


def test_writes_are_documented_with_their_role(description):
    roles = {(path, method): op.get("x-role") for path, method, op in operations(description)}
    assert roles[("/update", "post")] == "admin"
    assert roles[("/graph-store", "put")] == "admin"
    assert roles[("/curate/submissions", "post")] == "submitter"
    assert roles[("/curate/submissions/{number}/publish", "post")] == "curator"
    assert roles[("/sparql", "get")] is None


def test_the_pages_linked_from_home_are_documented(served, description):
    home = requests.get(served[0], headers={"Accept": "text/html"}, timeout=30).text
    links = {href for href in re.findall(r'href="(/[^"#?]*)', home) if not href.startswith("/static/")}
    templates = [re.compile("^" + re.sub(r"{\w+}", ".+", path) + "$") for path in description["paths"]]
    assert links and all(any(t.match(link) for t in templates) for link in links), links


LISTINGS = {  # a listing that checks its parameters -> a value each documented one takes
    "/projects": {},
    "/projects.{extension}": {},
    "/organisations": {},
    "/organisations.{extension}": {},
    "/collaboratives": {},
    "/collaboratives.{extension}": {},
    "/studios": {},
    "/studios.{extension}": {},
    "/releases": {},
    "/releases.{extension}": {},
    "/curate/submissions": {"state": "valid", "before": "1"},
    "/curate/submissions.{extension}": {"state": "valid", "before": "1"},
}
SAMPLES = {"page": "1", "size": "1", "format": "json", "q": "migration"}


def query_parameters(description: dict, operation: dict, where: str = "query") -> set[str]:
    """The names of an operation's query (or header) parameters, its shared ones looked up."""
    shared = description["components"]["parameters"]
    found = [shared[p["$ref"].rsplit("/", 1)[-1]] if "$ref" in p else p for p in operation["parameters"]]
    return {p["name"] for p in found if p["in"] == where}


IN_PROGRESS: set[tuple[str, str]] = set()  # views written beside this test, not yet described


def test_every_operation_documents_its_answers(description):
    undescribed = {(p, m) for p, m, op in operations(description) if "default" in op["responses"]}
    if undescribed and undescribed <= IN_PROGRESS:
        pytest.xfail(f"not yet described in its view's docstring: {sorted(undescribed)}")
    assert not undescribed  # every view says what it answers (YAML after --- in its docstring)
    for path, _, operation in operations(description):
        assert any(code.startswith("2") or code.startswith("3") for code in operation["responses"]), path
    documented = {(p, m): op for p, m, op in operations(description)}
    assert "requestBody" in documented[("/sparql", "post")]
    assert "generation" in str(documented[("/curate/records/{kind}/{slug}/rollback", "post")]["requestBody"])
    assert {"queries", "extend"} <= query_parameters(description, documented[("/reconcile", "get")])
    headers = query_parameters(description, documented[("/doc/{rest}", "get")], "header")
    assert {"Accept-Datetime", "Accept-Profile"} <= headers


@pytest.fixture(scope="module")
def curator(served) -> str:
    return new_token(served[1], "openapi-listings", "curator")


@pytest.mark.parametrize("path", sorted(LISTINGS))
def test_a_listing_documents_exactly_the_parameters_it_takes(served, description, curator, path):
    """Each documented parameter is taken; any other, one another listing takes included, is a 400."""
    url, token = served[0], curator
    headers = {"Authorization": f"Bearer {token}"}
    concrete = url + path.replace("{extension}", "json")
    documented = query_parameters(description, description["paths"][path]["get"])
    every = set().union(*(query_parameters(description, description["paths"][p]["get"]) for p in LISTINGS))
    for name in documented:
        value = LISTINGS[path].get(name) or SAMPLES.get(name, "x")
        answer = requests.get(concrete, params={name: value}, headers=headers, timeout=30)
        assert answer.status_code == 200, (path, name, answer.text[:300])
    for name in (every - documented) | {"regoin"}:
        answer = requests.get(concrete, params={name: "x"}, headers=headers, timeout=30)
        assert answer.status_code == 400 and answer.json()["parameter"] == name, (path, name)
