"""The package layout's rule of dependencies, read from the source with ``ast``.

Core: rdf ← store ← the feature packages ← cli, and the top-level modules (config, layout) need
only rdf. The core never imports Flask, Werkzeug or the server, except the ``serve`` command,
which starts it. Server: middleware ← http ← views ← the app factory. No two packages import
each other, directly or round a longer cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = {"bd4m_kg": ROOT / "bd4m_kg", "bd4m_kg.server": ROOT / "server"}
FEATURES = {"sparql", "linked_data", "publishing", "browse", "curation", "checks"}
ALLOWED = {  # package -> the packages it may import (besides itself)
    "rdf": set(),
    "root": {"rdf"},
    "store": {"rdf"},
    **{feature: {"rdf", "root", "store", *FEATURES} for feature in FEATURES},
    "cli": {"rdf", "root", "store", *FEATURES},
    "server.middleware": {"core"},
    "server.http": {"core", "server.middleware"},
    "server.views": {"core", "server.middleware", "server.http"},
    "server": {"core", "server.middleware", "server.http", "server.views"},
}
WEB = ("flask", "werkzeug", "flask_cors", "flask_limiter", "granian")
SERVE_COMMAND = ("bd4m_kg.cli.serve", "bd4m_kg.server.serving")  # the one way from the core to the server


def modules() -> dict[str, Path]:
    """Every module of the package by its dotted name."""
    found = {}
    for package, folder in SOURCES.items():
        for path in folder.rglob("*.py"):
            parts = path.relative_to(folder).with_suffix("").parts
            if package == "bd4m_kg" and parts[0] == "server":
                continue
            if package == "bd4m_kg.server" and parts[0] == "assets":
                continue  # the build backend that bundles the pages' scripts: not shipped, not imported
            dotted = ".".join((package, *parts)).removesuffix(".__init__")
            found[dotted] = path
    return found


def imports(path: Path) -> set[str]:
    """The absolute names a module imports (``from a import b`` gives ``a.b`` and ``a``)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def package_of(module: str) -> str:
    """The layout package of a module: a folder under bd4m_kg/ or server/, else ``root`` or ``server``."""
    parts = module.split(".")
    if parts[:2] == ["bd4m_kg", "server"]:
        return f"server.{parts[2]}" if len(parts) > 2 and (ROOT / "server" / parts[2]).is_dir() else "server"
    return parts[1] if len(parts) > 1 and (ROOT / "bd4m_kg" / parts[1]).is_dir() else "root"


def edges() -> set[tuple[str, str, str, str]]:
    """(module, package, imported module, its package) for every import between our modules."""
    known = modules()
    found = set()
    for module, path in known.items():
        for name in imports(path) & known.keys():
            if name != module:
                found.add((module, package_of(module), name, package_of(name)))
    return found


def test_every_module_has_a_package_in_the_rule() -> None:
    unplaced = {m for m in modules() if package_of(m) not in ALLOWED}
    assert not unplaced


def test_packages_import_only_what_the_rule_allows() -> None:
    wrong = sorted(
        f"{module} imports {name}"
        for module, package, name, other in edges()
        if other != package
        and other not in ALLOWED[package]
        and not ("core" in ALLOWED[package] and not other.startswith("server"))
        and not _serve_command(module, name)
    )
    assert not wrong, "\n".join(wrong)


def test_the_core_never_imports_the_web_layer() -> None:
    wrong = sorted(
        f"{module} imports {name}"
        for module, path in modules().items()
        if not module.startswith("bd4m_kg.server")
        for name in imports(path)
        if name.split(".")[0] in WEB
        or (name.startswith("bd4m_kg.server") and not _serve_command(module, name))
    )
    assert not wrong, "\n".join(wrong)


def _serve_command(module: str, name: str) -> bool:
    """The ``serve`` command importing the server's runner (or a name from it)."""
    return module == SERVE_COMMAND[0] and (
        name == SERVE_COMMAND[1] or name.startswith(f"{SERVE_COMMAND[1]}.")
    )


def test_no_two_packages_depend_on_each_other() -> None:
    graph: dict[str, set[str]] = {}
    for _, package, _, other in edges():
        if package != other:
            graph.setdefault(package, set()).add(other)
    cycles = sorted(f"{start} → … → {start}" for start in graph if start in _reachable(graph, graph[start]))
    assert not cycles, "\n".join(cycles)


def _reachable(graph: dict[str, set[str]], starts: set[str]) -> set[str]:
    seen: set[str] = set()
    todo = list(starts)
    while todo:
        package = todo.pop()
        if package not in seen:
            seen.add(package)
            todo.extend(graph.get(package, ()))
    return seen


@pytest.mark.parametrize(
    ("module", "package"),
    [
        ("bd4m_kg.rdf.iris", "rdf"),
        ("bd4m_kg.store", "store"),
        ("bd4m_kg.store.state", "store"),
        ("bd4m_kg.config", "root"),
        ("bd4m_kg", "root"),
        ("bd4m_kg.cli", "cli"),
        ("bd4m_kg.server", "server"),
        ("bd4m_kg.server.wsgi", "server"),
        ("bd4m_kg.server.views.sparql", "server.views"),
    ],
)
def test_modules_are_placed_by_their_folder(module: str, package: str) -> None:
    assert package_of(module) == package
