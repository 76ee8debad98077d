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


def network_svg(network: Network, link: dict[str, str]) -> str:
    """Three columns (data holders, projects, data users) joined by lines.

    ``link`` maps IRIs to their pages; a name without a page is not a link.
    """
    columns = [network.holders, network.projects, network.users]
    places: dict[tuple[int, str], tuple[float, float]] = {}
    for index, column in enumerate(columns):
        for row, iri in enumerate(sorted(column, key=lambda i: column[i].casefold())):
            places[(index, iri)] = (index * (COLUMN_WIDTH + 120) + 10, 40 + row * ROW)
    height = 40 + max(len(c) for c in columns) * ROW
    width = 3 * COLUMN_WIDTH + 2 * 120 + 20
    parts = [
        '<svg class="network" role="img" aria-label="Data holders, the projects they hold data for, and '
        f'data users" viewBox="0 0 {width} {height}" width="100%" xmlns="http://www.w3.org/2000/svg">'
        "<title>Who holds data for which project, and who uses it</title>",
        '<text class="heading" x="10" y="18">Data holders</text>',
        f'<text class="heading" x="{COLUMN_WIDTH + 130}" y="18">Projects</text>',
        f'<text class="heading" x="{2 * COLUMN_WIDTH + 250}" y="18">Data users</text>',
    ]
    for (source_column, target_column), pairs, kind in (
        ((0, 1), network.held, "held"),
        ((1, 2), network.used, "used"),
    ):
        for source, target in sorted(pairs):
            x1, y1 = places[(source_column, source)]
            x2, y2 = places[(target_column, target)]
            parts.append(
                f'<path class="{kind}" d="M{x1 + COLUMN_WIDTH},{y1 - 5} C{x1 + COLUMN_WIDTH + 60},{y1 - 5} '
                f'{x2 - 60},{y2 - 5} {x2 - 4},{y2 - 5}"/>'
            )
    for (index, iri), (x, y) in places.items():
        name = columns[index][iri]
        text = f'<title>{escape(name)}</title><text x="{x}" y="{y}">{escape(_short(name, NAME_CHARS))}</text>'
        parts.append(f"<a href={quoteattr(link[iri])}>{text}</a>" if iri in link else f"<g>{text}</g>")
    parts.append("</svg>")
    return "".join(parts)


def _short(text: str, limit: int) -> str:
    """Text cut to ``limit`` characters with an ellipsis.

    >>> _short("Organisation for Economic Co-operation", 12)
    'Organisatio…'
    """
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
