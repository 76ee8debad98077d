"""Memento (RFC 7089) over a record's history on ``bd4m-kg serve`` (every kind of store): the record's
document is its own TimeGate, each version a memento with its ``Memento-Datetime``, and the TimeMap
lists them all in the link format. Read with requests as a Memento client reads them: headers
first. The edit below changes a real record's wording only; it is test input."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime

import pytest
import requests

from test_submissions import ORIGINAL, call, edited, submit, tokens

__all__ = ["tokens"]  # the fixture, shared with test_submissions
RECORD = "project/afghanistan-violence-internal-displacement"
EDIT = b"to follow internal displacement month by month"
LONG_AGO = "Tue, 01 Jan 2019 00:00:00 GMT"
TIMEMAP_LINK = re.compile(
    r'<([^>]+)>;rel="([^"]+)"(?:;type="[^"]+")?(?:;from="[^"]+";until="[^"]+")?(?:;datetime="([^"]+)")?'
)


def http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def timemap(url: str) -> list[tuple[str, str, str]]:
    """(URL, rel, datetime) of each link of the record's TimeMap."""
    answer = requests.get(f"{url}/timemap/{RECORD}", timeout=60)
    assert answer.status_code == 200 and answer.headers["Content-Type"] == "application/link-format"
    return TIMEMAP_LINK.findall(answer.text)


def at(url: str, moment: str, suffix: str = ".ttl") -> requests.Response:
    """Ask the record's document for the version current at ``moment`` (its TimeGate), not following."""
    return requests.get(
        f"{url}/doc/{RECORD}{suffix}", headers={"Accept-Datetime": moment}, allow_redirects=False, timeout=60
    )


@pytest.fixture(scope="module")
def published(own_server, tokens) -> str:
    """The module's server once the record has a second version, made a second after its first."""
    url = own_server[0]
    first = next(link for link in timemap(url) if "memento" in link[1])
    while datetime.now(UTC) - parsedate_to_datetime(first[2]) < timedelta(seconds=1.5):
        time.sleep(0.2)  # versions are dated to the second, as HTTP dates are
    number = submit(url, tokens["ana"], edited(EDIT)).json()["id"]
    assert call("POST", f"{url}/curate/submissions/{number}/publish", tokens["cleo"]).status_code == 200
    return url


def test_the_timemap_lists_the_original_its_timegate_and_every_version(published):
    links = timemap(published)
    rels = {rel: link for link, rel, _ in links}
    assert rels["original"] == rels["timegate"] == f"{published}/doc/{RECORD}"
    assert rels["self"] == f"{published}/timemap/{RECORD}"
    mementos = [(link, rel, moment) for link, rel, moment in links if "memento" in rel]
    assert len(mementos) >= 2 and "first" in mementos[0][1] and "last" in mementos[-1][1]
    times = [parsedate_to_datetime(moment) for _, _, moment in mementos]
    assert times == sorted(times) and times[0] < times[-1]


def test_the_timegate_leads_to_the_version_current_at_a_time(published):
    mementos = [(link, moment) for link, rel, moment in timemap(published) if "memento" in rel]
    (first, first_time), (last, last_time) = mementos[0], mementos[-1]
    old = at(published, first_time)
    assert old.status_code == 302 and f"{published}{old.headers['Location']}".startswith(first)
    assert "accept-datetime" in old.headers["Vary"].lower()
    assert 'rel="original timegate"' in old.headers["Link"] and 'rel="timemap"' in old.headers["Link"]
    version = requests.get(f"{published}{old.headers['Location']}", timeout=60)
    assert version.headers["Memento-Datetime"] == first_time
    assert version.headers["Content-Type"].startswith("text/turtle")
    assert ORIGINAL.decode() in version.text and EDIT.decode() not in version.text
    assert f'</doc/{RECORD}>; rel="original timegate"' in version.headers["Link"]

    now = at(published, http_date(datetime.now(UTC)), suffix="")
    assert f"{published}{now.headers['Location']}" == last
    newest = requests.get(last, headers={"Accept": "text/turtle"}, timeout=60)
    assert newest.headers["Memento-Datetime"] == last_time and EDIT.decode() in newest.text
    before_it_existed = at(published, LONG_AGO)
    assert f"{published}{before_it_existed.headers['Location']}".startswith(first)


def test_the_current_document_says_it_is_a_timegate_on_every_path(published):
    for headers, suffix in (({"Accept": "text/turtle"}, ""), ({}, ".jsonld"), ({"Accept": "text/html"}, "")):
        current = requests.get(f"{published}/doc/{RECORD}{suffix}", headers=headers, timeout=60)
        assert current.status_code == 200 and "Memento-Datetime" not in current.headers
        assert "accept-datetime" in current.headers["Vary"].lower()
        assert f'</timemap/{RECORD}>; rel="timemap"' in current.headers["Link"]
        assert (
            at(published, "Tue, 01 Jan 2019 00:00:00 GMT", suffix).status_code == 302
        )  # never the cached one


def test_a_date_that_is_not_an_http_date_gets_a_400_that_shows_one(published):
    answer = at(published, "yesterday")
    assert answer.status_code == 400 and "GMT" in answer.json()["error"]
    assert requests.get(f"{published}/timemap/project/no-such-record", timeout=30).status_code == 404
