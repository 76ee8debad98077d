"""The query page: ``/sparql`` in a browser.

Write a query or load a worked example, run it, read the rows, download the answer in any
format; the page's URL reopens the query. No JavaScript needed: when the workbench's scripts are
built (``server/assets``), they take the form over with an editor, views and sharing.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from flask import current_app, render_template, request, url_for

from bd4m_kg.rdf.iris import page_path
from bd4m_kg.rdf.namespaces import PREFIXES
from bd4m_kg.rdf.negotiation import GRAPH_OFFERS, RESULT_OFFERS
from bd4m_kg.server.http.errors import ApiError
from bd4m_kg.server.middleware.store import get_store
from bd4m_kg.sparql.named_queries import NamedQuery, load_named_queries
from bd4m_kg.sparql.parameter_choices import parameter_choices
from bd4m_kg.sparql.query_request import query_request
from bd4m_kg.sparql.tables import result_table

WORKBENCH_SCRIPT = "vendor/workbench.js"
PAGE_ROWS = 1000
PAGE_GRAPH_BYTES = 256 * 1024
USED_PREFIXES = ("bd4m", "project", "orgs", "dst", "need", "theme", "role", "country", "rdfs", "skos", "prov")
STARTER = (
    "\n".join(f"PREFIX {p}: <{PREFIXES[p]}>" for p in USED_PREFIXES)
    + """

SELECT ?project ?name WHERE {
  ?project a bd4m:Project ; rdfs:label ?name .
}
ORDER BY ?name
LIMIT 20
"""
)


def query_page() -> tuple[str, int]:
    """Render the page, with the answer when the URL carries a query."""
    return render_query(request.args.get("query"))


def render_query(
    text: str | None, named: NamedQuery | None = None, values: dict[str, str] | None = None
) -> tuple[str, int]:
    """The page with ``text`` in the editor and, unless it is None, its answer below.

    A named query's page also shows its title, its description and a form for its parameters,
    filled with ``values`` (else their defaults).
    """
    from bd4m_kg.server.http.answers import inspect, run

    context: dict[str, object] = {
        "query": text or STARTER,
        "examples": _examples(),
        "ran": text is not None,
        "base": get_store().base,
        "result_formats": " ".join(f"{o.short}={o.media_type}" for o in RESULT_OFFERS),
        "graph_formats": " ".join(f"{o.short}={o.media_type}" for o in GRAPH_OFFERS),
        "workbench": workbench_built(),
        "named": named,
        "choices": _choices(named, values or {}) if named else [],
    }
    status = 200
    if text is not None:
        try:
            inspected = inspect(text)
            offers = GRAPH_OFFERS if inspected.answers_with_graph else RESULT_OFFERS
            cap = min(PAGE_ROWS, int(current_app.config["RESULT_CAP"]))
            query = query_request(inspected, text, "json", cap=cap, base_iri=request.base_url)
            answer, head, finished = run(query)
            answer.close()
            if inspected.answers_with_graph:
                context["graph"] = head[:PAGE_GRAPH_BYTES].decode("utf-8", "replace")
                context["graph_truncated"] = not finished or len(head) > PAGE_GRAPH_BYTES
            else:
                context["table"] = result_table(head, PAGE_ROWS) if finished else None
                context["too_big"] = not finished
                context["truncated"] = answer.truncated
            context["downloads"] = [(o.short, o.media_type, _url(text, o.short)) for o in offers]
        except ApiError as error:
            context["error"], status = error.message, error.status
            context["error_excerpt"] = error.details.get("excerpt")
    return render_template("sparql.html", **context), status


def workbench_built() -> bool:
    """Whether the workbench's scripts were built (by ``./dev`` and the wheel build); else a plain form."""
    folder = current_app.static_folder
    return bool(folder) and (Path(folder) / WORKBENCH_SCRIPT).is_file()


def _choices(named: NamedQuery, values: dict[str, str]) -> list[dict[str, object]]:
    store = get_store()
    return [
        {
            "name": p.name,
            "description": p.description,
            "value": values.get(p.name, p.default),
            "options": parameter_choices(store, p),
        }
        for p in named.parameters
    ]


def describe_url(iri: str) -> str:
    """Where a result's IRI leads: our resources to their pages, anything else to itself."""
    return page_path(iri, get_store().base) or iri


def _url(text: str, short: str) -> str:
    return "/sparql?" + urlencode({"query": text, "format": short})


def _examples() -> list[dict[str, str]]:
    return [
        {"title": q.title, "description": q.description, "url": url_for("queries.run_query", name=q.name)}
        for q in load_named_queries().values()
    ]
