"""Token holders get whole answers, streamed: a million rows pass through ``bd4m-kg serve`` while
its memory stays flat. A wrong token gets a 401, never a silently capped answer."""

from __future__ import annotations

from pathlib import Path

import requests

ROWS = 1_000_000
MiB = 1024 * 1024


def tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants (the web process and its readers)."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        status = Path(f"/proc/{current}/status")
        if not status.exists():
            continue
        for line in status.read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) * 1024
        children = Path(f"/proc/{current}/task/{current}/children")
        if children.exists():
            pending += [int(child) for child in children.read_text().split()]
    return total


def million_rows_query(url: str) -> str:
    """A query of exactly ROWS rows over the directory: its first triples times a VALUES list."""
    triples = requests.get(f"{url}/health", timeout=30).json()["triples"]
    per_triple = 250
    assert triples >= ROWS // per_triple, "the directory is smaller than this test expects"
    numbers = " ".join(str(n) for n in range(per_triple))
    return (
        f"SELECT ?s ?p ?o ?n WHERE {{ {{ SELECT ?s ?p ?o WHERE {{ ?s ?p ?o }} LIMIT {ROWS // per_triple} }} "
        f"VALUES ?n {{ {numbers} }} }}"
    )


def test_a_token_holder_streams_a_million_rows_with_flat_memory(own_server):
    url, _, token, process = own_server
    query = million_rows_query(url)
    headers = {"Authorization": f"Bearer {token}", "Accept": "text/tab-separated-values"}
    parameters = {"query": query}
    with requests.get(f"{url}/sparql", params=parameters, headers=headers, stream=True, timeout=300) as got:
        assert got.status_code == 200, got.text
        assert "Result-Cap" not in got.headers and got.headers["Result-Truncated"] == "false"
        lines, received, early = 0, 0, None
        for chunk in got.iter_content(256 * 1024):
            lines += chunk.count(b"\n")
            received += len(chunk)
            if early is None and received > 8 * MiB:
                early = tree_rss(process.pid)
        late = tree_rss(process.pid)
    assert lines == ROWS + 1  # the header line, then every row
    assert received > 40 * MiB
    growth = late - early
    print(f"streamed {received / MiB:.0f} MiB; server RSS {early / MiB:.0f} -> {late / MiB:.0f} MiB")
    assert growth < 32 * MiB, f"the server grew by {growth / MiB:.0f} MiB while streaming"


def test_without_a_token_the_same_query_is_capped_and_says_so(own_server):
    url = own_server[0]
    answer = requests.get(
        f"{url}/sparql",
        params={"query": million_rows_query(url)},
        headers={"Accept": "text/tab-separated-values"},
        timeout=300,
    )
    assert answer.status_code == 200
    assert answer.headers["Result-Truncated"] == "true"
    assert len(answer.text.splitlines()) == int(answer.headers["Result-Cap"]) + 1


def test_a_wrong_token_gets_401_not_a_capped_answer(own_server):
    url = own_server[0]
    answer = requests.get(
        f"{url}/sparql",
        params={"query": "ASK {}"},
        headers={"Authorization": "Bearer bd4m_not-a-token"},
        timeout=30,
    )
    assert answer.status_code == 401 and "unknown or revoked" in answer.json()["error"]
