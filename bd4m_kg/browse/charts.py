"""Charts drawn on the server as SVG, readable without JavaScript.

Bars of counts, and the network of who holds data for which project and who uses it. Every label
is escaped; every mark links to a page.
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from bd4m_kg.store import Store

BAR_HEIGHT, BAR_GAP, LABEL_WIDTH, BAR_WIDTH = 20, 5, 235, 215
ROW, COLUMN_WIDTH, NAME_CHARS = 22, 300, 44
CHAR_WIDTH = 6.9  # pixels of a character of the network's names, for fitting a column to its names
MIN_COLUMN_WIDTH, GAP = 110, 120
NETWORK = """
PREFIX bd4m: <https://w3id.org/bd4m/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?project ?projectName ?org ?orgName ?role WHERE {
  ?project a bd4m:Project ; rdfs:label ?projectName ; bd4m:involvement ?i .
  ?i prov:agent ?org ; prov:hadRole ?role . ?org rdfs:label ?orgName .
  VALUES ?role { <https://w3id.org/bd4m/vocab/role/data-holder> <https://w3id.org/bd4m/vocab/role/data-user> }
}"""


@dataclass(frozen=True)
class Bar:
    """One bar: what it counts, how many, and the page listing them."""

    label: str
    count: int
    href: str


def bar_chart(title: str, bars: list[Bar]) -> str:
    """A horizontal bar chart as an SVG element, longest bar first."""
    height = len(bars) * (BAR_HEIGHT + BAR_GAP) + BAR_GAP
    most = max((b.count for b in bars), default=1) or 1
    box = f"0 0 {LABEL_WIDTH + BAR_WIDTH + 60} {height}"
    parts = [
        f'<svg class="chart" role="img" aria-label={quoteattr(title)} viewBox="{box}" width="100%" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for row, bar in enumerate(bars):
        y = BAR_GAP + row * (BAR_HEIGHT + BAR_GAP)
        width = max(2, round(BAR_WIDTH * bar.count / most))
        parts.append(
            f"<a href={quoteattr(bar.href)}><title>{escape(bar.label)}: {bar.count}</title>"
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 14}" text-anchor="end">{escape(_short(bar.label, 30))}'
            "</text>"
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width}" height="{BAR_HEIGHT}" rx="3"/>'
            f'<text class="value" x="{LABEL_WIDTH + width + 6}" y="{y + 14}">{bar.count}</text></a>'
        )
    parts.append("</svg>")
    return "".join(parts)


@dataclass
class Network:
    """Data holders, the projects they hold data for, and the projects' data users."""

    holders: dict[str, str]  # IRI -> name
    projects: dict[str, str]
    users: dict[str, str]
    held: set[tuple[str, str]]  # (holder, project)
    used: set[tuple[str, str]]  # (project, user)


def around(network: Network, organisation: str) -> Network:
    """The part of ``network`` around one organisation: its projects, with their holders and users.

    Its projects are those it holds data for or uses; with every holder and user of them, the
    part shows who else gives data to, or takes results from, the same projects.
    """
    holds = {p for h, p in network.held if h == organisation}
    projects = holds | {p for p, u in network.used if u == organisation}
    held = {(h, p) for h, p in network.held if p in projects}
    used = {(p, u) for p, u in network.used if p in projects}
    return Network(
        {h: network.holders[h] for h, _ in held},
        {p: network.projects[p] for p in projects},
        {u: network.users[u] for _, u in used},
        held,
        used,
    )


def organisations(network: Network) -> dict[str, str]:
    """Every organisation of the network (holders and users), IRI -> name."""
    return {**network.holders, **network.users}


def data_network(store: Store) -> Network:
    """Who holds data for which project, and who uses the project's data (projects with a holder)."""
    network = Network({}, {}, {}, set(), set())
    rows = store.select(NETWORK)
    with_holder = {r["project"].value for r in rows if r["role"].value.endswith("/data-holder")}
    for row in rows:
        project, org = row["project"].value, row["org"].value
        if project not in with_holder:
            continue
        network.projects[project] = row["projectName"].value
        if row["role"].value.endswith("/data-holder"):
            network.holders[org] = row["orgName"].value
            network.held.add((org, project))
        else:
            network.users[org] = row["orgName"].value
            network.used.add((project, org))
    return network


def network_svg(network: Network, link: dict[str, str], full_names: bool = False) -> str:
    """Three columns (data holders, projects, data users) joined by lines.

    ``link`` maps IRIs to their pages; a name without a page is not a link. Names are cut to
    fit the columns unless ``full_names``, which widens the columns to the longest.
    """
    columns = [network.holders, network.projects, network.users]
    widths = [_column_width(column, full_names) for column in columns]
    lefts = [10 + sum(widths[:i]) + i * GAP for i in range(3)]
    places: dict[tuple[int, str], tuple[float, float]] = {}
    for index, column in enumerate(columns):
        for row, iri in enumerate(sorted(column, key=lambda i: column[i].casefold())):
            places[(index, iri)] = (lefts[index], 40 + row * ROW)
    height = 40 + max(len(c) for c in columns) * ROW
    width = lefts[2] + widths[2] + 10
    parts = [
        '<svg class="network" role="img" aria-label="Data holders, the projects they hold data for, and '
        f'data users" viewBox="0 0 {width} {height}" width="{width if full_names else "100%"}" '
        'xmlns="http://www.w3.org/2000/svg">'
        "<title>Who holds data for which project, and who uses it</title>",
        *(
            f'<text class="heading" x="{left}" y="18">{heading}</text>'
            for left, heading in zip(lefts, ("Data holders", "Projects", "Data users"), strict=True)
        ),
    ]
    for (source_column, target_column), pairs, kind in (
        ((0, 1), network.held, "held"),
        ((1, 2), network.used, "used"),
    ):
        for source, target in sorted(pairs):
            x1, y1 = places[(source_column, source)]
            x2, y2 = places[(target_column, target)]
            parts.append(
                f'<path class="{kind}" d="M{x1 + widths[source_column]},{y1 - 5} '
                f"C{x1 + widths[source_column] + 60},{y1 - 5} "
                f'{x2 - 60},{y2 - 5} {x2 - 4},{y2 - 5}"/>'
            )
    for (index, iri), (x, y) in places.items():
        name = columns[index][iri]
        shown = name if full_names else _short(name, NAME_CHARS)
        text = f'<title>{escape(name)}</title><text x="{x}" y="{y}">{escape(shown)}</text>'
        parts.append(f"<a href={quoteattr(link[iri])}>{text}</a>" if iri in link else f"<g>{text}</g>")
    parts.append("</svg>")
    return "".join(parts)


def _column_width(column: dict[str, str], full_names: bool) -> int:
    """A column's width: fixed for names cut to fit, else its longest name's."""
    if not full_names:
        return COLUMN_WIDTH
    return max(MIN_COLUMN_WIDTH, round(CHAR_WIDTH * max((len(n) for n in column.values()), default=0)))


def _short(text: str, limit: int) -> str:
    """Text cut to ``limit`` characters with an ellipsis.

    >>> _short("Organisation for Economic Co-operation", 12)
    'Organisatio…'
    """
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
