"""The submissions inbox and publishing on ``bd4m-kg serve`` (both kinds of store): every submission
kept as received, reports with lines, roles, diff and preview, atomic publication with PROV-O
provenance, 422 for a non-conforming one and 409 for one written against an older version, with
the store untouched. The edits below change real records' wording only; they are test input."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import subprocess

import pytest
import requests

from conftest import BD4M_KG, CHECKOUT, chromium_page, screenshot

ROOT = CHECKOUT
RECORD = ROOT / "data" / "project" / "afghanistan-violence-internal-displacement.ttl"
TOPIC = "https://w3id.org/bd4m/id/project/afghanistan-violence-internal-displacement"
GRAPH = "https://w3id.org/bd4m/graph/project/afghanistan-violence-internal-displacement"
ORIGINAL = b"to track internal displacement"


def edited(words: bytes) -> bytes:
    """The real record with one phrase of its description replaced (test input)."""
    text = RECORD.read_bytes()
    assert ORIGINAL in text
    return text.replace(ORIGINAL, words)


@pytest.fixture(scope="module")
def tokens(own_server) -> dict[str, str]:
    """A submitter (ana), a second submitter (ben) and a curator (cleo) for the module's server."""
    _, options, admin, _ = own_server
    made = {"admin": admin}
    for name, role in (("ana", "submitter"), ("ben", "submitter"), ("cleo", "curator")):
        created = subprocess.run(
            [BD4M_KG, "token", "create", name, "--role", role, *options],
            capture_output=True,
            text=True,
            check=True,
        )
        made[name] = created.stdout.split()[-1]
    return made


def call(method: str, url: str, token: str | None = None, **kwargs) -> requests.Response:
    headers = kwargs.pop("headers", {})
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return requests.request(method, url, headers=headers, timeout=120, **kwargs)


def submit(url: str, token: str, body: bytes, media_type: str = "text/turtle") -> requests.Response:
    return call("POST", f"{url}/curate/submissions", token, data=body, headers={"Content-Type": media_type})


def generation(url: str) -> int:
    return requests.get(f"{url}/health", timeout=30).json()["generation"]


def description_of(url: str) -> str:
    query = f"SELECT ?d WHERE {{ <{TOPIC}> <http://purl.org/dc/terms/description> ?d }}"
    rows = call("GET", f"{url}/sparql", params={"query": query}).json()["results"]["bindings"]
    return rows[0]["d"]["value"]


def test_a_submission_is_kept_as_received_with_its_report(own_server, tokens):
    url = own_server[0]
    body = edited(b"to follow internal displacement")
    answer = submit(url, tokens["ana"], body)
    assert answer.status_code == 201, answer.text
    kept = answer.json()
    assert kept["state"] == "valid" and kept["report"]["conforms"] is True
    assert kept["checksum"] == hashlib.sha256(body).hexdigest()
    assert answer.headers["Location"] == kept["location"]
    original = call("GET", f"{url}{kept['location']}/body", tokens["ana"])
    assert original.content == body and original.headers["Content-Type"].startswith("text/turtle")


def test_unreadable_and_invalid_submissions_are_kept_too(own_server, tokens):
    url = own_server[0]
    broken = submit(url, tokens["ana"], b"@prefix x: <http://example.org/> .\nx:a x:b .\n")
    assert broken.status_code == 201 and broken.json()["state"] == "invalid"
    assert "line 2" in broken.json()["report"]["error"]
    missing = edited(b"to follow displacement").replace(b"dcterms:source", b"rdfs:seeAlso")
    invalid = submit(url, tokens["ana"], missing).json()
    assert invalid["state"] == "invalid"
    problem = next(p for p in invalid["report"]["problems"] if p["path"].endswith("/source"))
    record_line = next(n for n, line in enumerate(missing.splitlines(), 1) if b"a bd4m:Project" in line)
    assert problem["line"] == record_line and problem["severity"] == "Violation"  # where the record starts
    wrong_type = submit(url, tokens["ana"], b"just words", "text/plain")
    assert wrong_type.status_code == 415 and "text/turtle" in wrong_type.json()["report"]["error"]
    mine = call("GET", f"{url}/curate/submissions", tokens["ana"]).json()["submissions"]
    assert {broken.json()["id"], invalid["id"], wrong_type.json()["id"]} <= {s["id"] for s in mine}
    assert call("GET", f"{url}/curate/submissions/{wrong_type.json()['id']}/body", tokens["ana"]).content == (
        b"just words"
    )


def test_only_records_can_be_submitted(own_server, tokens):
    url = own_server[0]
    ontology = b"<https://w3id.org/bd4m/ontology#Project> <http://www.w3.org/2000/01/rdf-schema#label> 'x' ."
    answer = submit(url, tokens["ana"], ontology).json()
    assert answer["state"] == "invalid" and "only records" in answer["report"]["error"]


def test_submitters_see_their_own_and_curators_see_all(own_server, tokens):
    url = own_server[0]
    number = submit(url, tokens["ana"], edited(b"to see internal displacement")).json()["id"]
    assert call("GET", f"{url}/curate/submissions/{number}", tokens["ben"]).status_code == 404
    listed = call("GET", f"{url}/curate/submissions", tokens["ben"]).json()["submissions"]
    assert number not in {s["id"] for s in listed}
    everything = call("GET", f"{url}/curate/submissions", tokens["cleo"], params={"state": "valid"}).json()
    assert number in {s["id"] for s in everything["submissions"]}
    assert all(s["state"] == "valid" for s in everything["submissions"])
    as_csv = call("GET", f"{url}/curate/submissions.csv", tokens["cleo"], params={"state": "valid"})
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert [int(r["id"]) for r in rows] == [s["id"] for s in everything["submissions"]]
    assert {r["state"] for r in rows} == {"valid"} and everything["truncated"] is False
    assert call("GET", f"{url}/curate/submissions.csv").status_code == 401
    misspelt = call("GET", f"{url}/curate/submissions", tokens["cleo"], params={"sate": "valid"})
    assert misspelt.status_code == 400 and misspelt.json()["parameter"] == "sate"
    assert call("GET", f"{url}/curate/submissions").status_code == 401
    assert call("POST", f"{url}/curate/submissions/{number}/publish", tokens["ana"]).status_code == 403


def test_a_curator_reviews_the_diff_and_a_preview(own_server, tokens):
    url = own_server[0]
    number = submit(url, tokens["ana"], edited(b"to chart internal displacement")).json()["id"]
    review = call("GET", f"{url}/curate/submissions/{number}", tokens["cleo"]).json()
    change = review["diff"][GRAPH]
    assert len(change["removed"]) == 1 and "to track internal" in change["removed"][0]
    assert len(change["added"]) == 1 and "to chart internal" in change["added"][0]
    page = call("GET", f"{url}{review['previews'][0]}", tokens["cleo"])
    assert page.status_code == 200
    assert "to chart internal displacement" in page.text and "Preview of submission" in page.text
    assert "UC Berkeley" in page.text  # the linked organisation's label comes from the live graph


def test_publishing_replaces_the_record_with_provenance(own_server, tokens):
    url = own_server[0]
    body = edited(b"to measure internal displacement")
    number = submit(url, tokens["ana"], body).json()["id"]
    before = generation(url)
    published = call("POST", f"{url}/curate/submissions/{number}/publish", tokens["cleo"])
    assert published.status_code == 200, published.text
    assert published.json()["records"] == [GRAPH]
    assert generation(url) == before + 1
    assert "to measure internal displacement" in description_of(url)
    activity = published.json()["provenance"]
    query = f"""PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT ?curator ?time ?checksum WHERE {{
            <{activity}> a prov:Activity ; prov:wasAssociatedWith ?curator ; prov:endedAtTime ?time ;
                prov:used [ <http://purl.org/dc/terms/identifier> ?checksum ] .
            <{GRAPH}> prov:wasGeneratedBy <{activity}> .
        }}"""
    rows = call("GET", f"{url}/sparql", params={"query": query}).json()["results"]["bindings"]
    assert len(rows) == 1
    assert rows[0]["checksum"]["value"] == f"sha256:{hashlib.sha256(body).hexdigest()}"
    assert "/id/curator/" in rows[0]["curator"]["value"] and "cleo" not in rows[0]["curator"]["value"]
    shown = call("GET", f"{url}/curate/submissions/{number}", tokens["ana"]).json()
    assert shown["state"] == "published" and shown["generation"] == before + 1
    again = call("POST", f"{url}/curate/submissions/{number}/publish", tokens["cleo"])
    assert again.status_code == 409 and generation(url) == before + 1
    assert in_feed(url, f"version/{before + 1}/project/afghanistan-violence-internal-displacement")


def in_feed(url: str, member: str) -> bool:
    """Whether a member whose IRI contains ``member`` is on some page of the change feed."""
    for page in range(1000):
        answer = requests.get(
            f"{url}/changes/page/{page}", headers={"Accept": "application/n-quads"}, timeout=30
        )
        if answer.status_code == 404:
            return False
        if member in answer.text:
            return True
    return False


def test_a_non_conforming_submission_gets_422_and_the_store_is_untouched(own_server, tokens):
    url = own_server[0]
    missing = edited(b"to weigh internal displacement").replace(b"dcterms:source", b"rdfs:seeAlso")
    number = submit(url, tokens["ana"], missing).json()["id"]
    before, text = generation(url), description_of(url)
    refused = call("POST", f"{url}/curate/submissions/{number}/publish", tokens["cleo"])
    assert refused.status_code == 422
    assert any(p["path"].endswith("/source") for p in refused.json()["report"]["problems"])
    assert generation(url) == before and description_of(url) == text


def test_a_submission_written_against_an_older_version_gets_409(own_server, tokens):
    url = own_server[0]
    first = submit(url, tokens["ana"], edited(b"to estimate internal displacement")).json()["id"]
    second = submit(url, tokens["ben"], edited(b"to quantify internal displacement")).json()["id"]
    assert call("POST", f"{url}/curate/submissions/{first}/publish", tokens["cleo"]).status_code == 200
    before, text = generation(url), description_of(url)
    conflict = call("POST", f"{url}/curate/submissions/{second}/publish", tokens["cleo"])
    assert conflict.status_code == 409, conflict.text
    details = conflict.json()
    assert details["changed"][GRAPH]["live"] == before
    assert any("to quantify" in line for line in details["diff"][GRAPH]["added"])
    assert any("to estimate" in line for line in details["diff"][GRAPH]["removed"])
    assert generation(url) == before and description_of(url) == text
    assert call("GET", f"{url}/curate/submissions/{second}", tokens["ben"]).json()["state"] == "valid"


def test_a_curator_rejects_with_a_reason_the_submitter_reads(own_server, tokens):
    url = own_server[0]
    number = submit(url, tokens["ana"], edited(b"to guess internal displacement")).json()["id"]
    reject = f"{url}/curate/submissions/{number}/reject"
    assert call("POST", reject, tokens["cleo"], json={}).status_code == 400
    assert call("POST", reject, tokens["cleo"], json={"reason": "The source says track."}).status_code == 200
    shown = call("GET", f"{url}/curate/submissions/{number}", tokens["ana"]).json()
    assert shown["state"] == "rejected" and shown["reason"] == "The source says track."
    assert call("POST", f"{url}/curate/submissions/{number}/publish", tokens["cleo"]).status_code == 409


def test_a_partner_submits_with_the_command_line_to_the_server(own_server, tokens, tmp_path):
    url = own_server[0]
    edit = tmp_path / "edit.ttl"
    edit.write_bytes(edited(b"to record internal displacement"))
    command = [BD4M_KG, "submit", "--server", url, str(edit)]
    done = subprocess.run(
        command, capture_output=True, text=True, env=_env(BD4M_TOKEN=tokens["ben"]), timeout=120
    )
    assert done.returncode == 0 and "is valid" in done.stdout, done.stderr
    number = int(done.stdout.split()[1])
    assert call("GET", f"{url}/curate/submissions/{number}/body", tokens["ben"]).content == edit.read_bytes()
    listed = call("GET", f"{url}/curate/submissions", tokens["cleo"]).json()["submissions"]
    assert next(s for s in listed if s["id"] == number)["filename"] == "edit.ttl"  # the file it came from
    refused = subprocess.run(
        command, capture_output=True, text=True, env=_env(BD4M_TOKEN="wrong"), timeout=120
    )
    assert refused.returncode == 2 and "401" in refused.stderr


def _env(**values: str) -> dict[str, str]:
    return {**os.environ, **values}


@pytest.mark.browser
def test_submit_review_preview_and_publish_in_the_browser(own_server, tokens):
    url = own_server[0]
    with chromium_page() as page:
        page.goto(f"{url}/curate")
        page.fill("#token", tokens["ana"])
        page.click("#token-form button")
        page.wait_for_selector("#who:has-text('Signed in as ana')")
        page.fill("#submit-data", edited(b"to depict internal displacement").decode())
        page.click("#submit-form button")
        page.wait_for_selector("#submit-result:has-text('is valid')")
        number = page.inner_text("#submit-result p").split()[1]
        page.fill("#token", tokens["cleo"])
        page.click("#token-form button")
        page.wait_for_selector("#who:has-text('Signed in as cleo (curator)')")
        page.click(f"#submission-{number} button")
        page.wait_for_selector("#review pre.diff")
        assert "to depict internal displacement" in page.inner_text("#review pre.diff .added")
        page.click("#review button:has-text('Preview')")
        frame = page.frame_locator("iframe.preview")
        assert "Preview of submission" in frame.locator(".preview-banner").inner_text()
        assert "to depict internal displacement" in frame.locator("article").inner_text()
        screenshot(page, f"curate-review-{'remote' if '--state' in own_server[1] else 'embedded'}")
        page.click("#publish")
        page.wait_for_selector("#outcome:has-text('Published as generation')")
        assert page.inner_text(f"#submission-{number} .state") == "published"
    assert "to depict internal displacement" in description_of(url)


def test_every_write_is_in_the_audit_log(own_server, tokens):
    url, options = own_server[0], own_server[1]
    number = submit(url, tokens["ana"], edited(b"to list internal displacement")).json()["id"]
    assert call("POST", f"{url}/curate/submissions/{number}/publish").status_code == 401
    assert call("POST", f"{url}/sparql", data={"query": "ASK {}"}).status_code == 200  # a read: not logged
    command = [BD4M_KG, "audit", "--limit", "2", *options]
    lines = subprocess.run(
        command, capture_output=True, text=True, check=True, timeout=60
    ).stdout.splitlines()
    assert len(lines) == 2
    newest, submitted = (line.split() for line in lines)
    assert newest[1:4] == ["anonymous", "POST", f"/curate/submissions/{number}/publish"]
    assert newest[-2:] == ["[401]", "127.0.0.1"]
    assert submitted[1:4] == ["ana", "POST", "/curate/submissions"] and submitted[-2:] == [
        "[201]",
        "127.0.0.1",
    ]
