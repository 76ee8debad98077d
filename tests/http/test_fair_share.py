"""Fair share under load, as two clients on two loopback addresses meet it through ``bd4m-kg serve``:
one client's runaway queries cannot hold up another's small one, a client past its share gets 429
with ``Retry-After``, and the other keeps its answers. Checked by the order of answers, not by
timings."""

from __future__ import annotations

import threading
import time
from urllib.parse import quote

import pytest
import requests
from requests.adapters import HTTPAdapter

from conftest import serving

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # 5,000³ rows
SMALL = "SELECT ?s WHERE { ?s a <https://w3id.org/bd4m/ontology#Project> } LIMIT 3"
DEADLINE = 6


class FromAddress(HTTPAdapter):
    """Connections from one loopback source address: a second client on the same machine."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        return super().init_poolmanager(*args, **kwargs)


def client(address: str) -> requests.Session:
    session = requests.Session()
    session.mount("http://", FromAddress(address))
    return session


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fair-share")
    settings = {"QUERY_DEADLINE": str(DEADLINE), "CLIENT_QUERIES": "0", "CLIENT_QUERY_SECONDS": "4"}
    with serving(folder, ["--store", str(folder / "store")], threads=4, settings=settings) as (base, _):
        yield base


def ask(session: requests.Session, url: str, query: str) -> requests.Response:
    # callers vary the text: an answer from the answer cache never reaches the fair share
    return session.get(
        f"{url}/sparql?query={quote(query)}",
        headers={"Accept": "application/sparql-results+json"},
        timeout=DEADLINE * 4,
    )


def test_a_runaway_client_is_held_to_its_share_and_the_other_keeps_its_answers(url):
    heavy, light = client("127.0.0.2"), client("127.0.0.3")
    finished: list[str] = []
    answers: dict[str, requests.Response] = {}
    admitted = threading.Event()

    def runaway() -> None:
        admitted.set()
        answers["runaway"] = ask(heavy, url, RUNAWAY)
        finished.append("runaway")

    first = threading.Thread(target=runaway)
    first.start()
    admitted.wait()
    time.sleep(1)  # for the request to reach the server: ordering, not a timed assertion
    second = ask(heavy, url, RUNAWAY + " # 2")
    assert second.status_code == 429, second.text
    assert second.headers["Retry-After"] == "1"
    assert "queries running" in second.json()["error"]

    small = ask(light, url, SMALL)
    finished.append("small")
    assert small.status_code == 200 and len(small.json()["results"]["bindings"]) == 3
    first.join()
    assert finished == ["small", "runaway"]  # the small query did not wait behind the runaway one
    assert answers["runaway"].status_code == 503  # stopped at its deadline

    over = ask(heavy, url, SMALL + " # again")  # its runaway used more than its 4 s in this minute
    assert over.status_code == 429
    assert int(over.headers["Retry-After"]) >= 1
    assert "query time in the last minute" in over.json()["error"]
    still = ask(light, url, SMALL + " # again")
    assert still.status_code == 200


def test_an_answer_that_is_not_limited_has_no_retry_after(url):
    answer = ask(client("127.0.0.4"), url, SMALL + " # fresh")
    assert answer.status_code == 200
    assert "Retry-After" not in answer.headers


def test_an_abandoned_streamed_answer_gives_its_slot_back(url):
    reader = client("127.0.0.5")
    big = "SELECT * WHERE { ?s ?p ?o . ?a ?b ?c } LIMIT 10000"  # megabytes: streamed, not sent whole
    with reader.get(f"{url}/sparql?query={quote(big)}", stream=True, timeout=DEADLINE * 4) as answer:
        assert answer.status_code == 200
        next(answer.iter_content(4096))
    reader.close()  # the client went away mid-answer
    again = client("127.0.0.5")
    for attempt in range(100):  # the server notices the closed connection; then the slot is free
        after = ask(again, url, f"{SMALL} # after {attempt}")
        if after.status_code != 429:
            break
        time.sleep(0.1)
    assert after.status_code == 200, after.text
