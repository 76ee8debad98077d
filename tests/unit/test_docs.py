"""The architecture document stays true to the code: every route is in its HTTP surface table."""

from __future__ import annotations

from conftest import CHECKOUT

ARCHITECTURE = CHECKOUT / "docs" / "architecture.md"


def surface_table() -> str:
    """The text of the HTTP surface section of docs/architecture.md."""
    text = ARCHITECTURE.read_text(encoding="utf-8")
    return text.split("## HTTP surface\n", 1)[1].split("\n## ", 1)[0]


def test_every_route_is_in_the_http_surface_table(app):
    table = surface_table()
    prefixes = {
        rule.rule: rule.rule.split("<", 1)[0].rstrip("/.") or "/" for rule in app.url_map.iter_rules()
    }
    missing = sorted(r for r, p in prefixes.items() if f"`{p}" not in table and f"`POST {p}" not in table)
    assert not missing, f"docs/architecture.md's HTTP surface table lacks {missing}"


def test_the_layout_section_names_every_package():
    text = ARCHITECTURE.read_text(encoding="utf-8")
    packages = [p.name for p in (CHECKOUT / "bd4m_kg").iterdir() if (p / "__init__.py").is_file()]
    packages += [p.name for p in (CHECKOUT / "server").iterdir() if (p / "__init__.py").is_file()]
    assert [p for p in packages if f"  {p}/" not in text] == []
