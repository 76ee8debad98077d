"""The package as a user installs it: the wheel, built without warnings, into a fresh venv outside
the checkout, runs ``init``, ``query``, ``validate`` and ``serve`` on the directory it ships."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest
import requests

from conftest import CHECKOUT, free_port, stop, wait_until_answering

KNOWLEDGE = ("ontology", "shapes", "data", "queries")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> tuple[Path, str]:
    """The wheel built from the checkout, and what the build printed."""
    folder = tmp_path_factory.mktemp("wheel")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-v", "--no-deps", "-w", str(folder), str(CHECKOUT)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    return next(folder.glob("bd4m_kg-*.whl")), built.stdout + built.stderr


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """A fresh venv outside the checkout with the wheel installed: its bin folder and an environment
    that points nowhere near the checkout (its own home and data folder)."""
    home = tmp_path_factory.mktemp("elsewhere")
    venv.create(home / "venv", with_pip=True)
    bin_folder = home / "venv" / "bin"
    done = subprocess.run(
        [str(bin_folder / "python"), "-m", "pip", "install", "-q", str(wheel[0])],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("BD4M_", "VIRTUAL_ENV", "PYTHON"))}
    environment = {**keep, "HOME": str(home), "XDG_DATA_HOME": str(home / "data")}
    return bin_folder, environment


def run(installed, *arguments: str) -> subprocess.CompletedProcess:
    bin_folder, environment = installed
    return subprocess.run(
        [str(bin_folder / "bd4m-kg"), *arguments],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=environment["HOME"],
        env=environment,
    )


def test_the_wheel_builds_without_setuptools_warnings(wheel):
    _, output = wheel
    assert "SetuptoolsDeprecationWarning" not in output
    assert "absent from the `packages` configuration" not in output


def test_the_wheel_ships_every_knowledge_file_and_page_asset(wheel):
    shipped = set(zipfile.ZipFile(wheel[0]).namelist())
    expected = {
        f"bd4m_kg/knowledge/{path.relative_to(CHECKOUT).as_posix()}"
        for part in KNOWLEDGE
        for path in (CHECKOUT / part).rglob("*")
        if path.is_file() and path.suffix in {".ttl", ".rq"}
    }
    assert len(expected) > 200
    assert expected <= shipped
    assets = {
        f"bd4m_kg/server/{path.relative_to(CHECKOUT / 'server').as_posix()}"
        for folder in ("static", "templates")
        for path in (CHECKOUT / "server" / folder).iterdir()
        if path.is_file()
    }
    assert assets <= shipped


def test_the_wheel_ships_the_query_workbench_bundled_from_npm(wheel):
    if shutil.which("npm") is None:
        message = "npm is not installed, so the wheel was built without the workbench (a plain query form)"
        pytest.fail(message) if os.environ.get("CI") == "true" else pytest.skip(message)
    shipped = set(zipfile.ZipFile(wheel[0]).namelist())
    assert "bd4m_kg/server/static/vendor/workbench.js" in shipped
    assert any(name.startswith("bd4m_kg/server/static/vendor/charts-") for name in shipped)
    assert not any("node_modules" in name or "/assets/" in name for name in shipped)


def test_init_query_and_validate_work_from_the_installed_package(installed):
    built = run(installed, "init")
    assert built.returncode == 0, built.stderr
    home = Path(installed[1]["HOME"])
    assert str(home / "data" / "bd4m-kg" / "store") in built.stdout  # the user's data folder
    answer = run(installed, "query", "--name", "directory-entries", "--format", "csv")
    assert answer.returncode == 0, answer.stderr
    assert "namibia-mobile-phone-migration-statistics" in answer.stdout
    record = next((home / "venv" / "lib").glob("python3*/site-packages/bd4m_kg/knowledge/data/project"))
    checked = run(installed, "validate", str(record / "project-jetson.ttl"))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Conforms" in checked.stdout


def test_serve_from_the_installed_package_builds_and_serves_the_directory(installed, tmp_path):
    bin_folder, environment = installed
    port = free_port()
    log = tmp_path / "serve.log"
    command = [str(bin_folder / "bd4m-kg"), "serve", "--store", str(tmp_path / "store"), "--port", str(port)]
    with log.open("w") as output:
        process = subprocess.Popen(
            command, stdout=output, stderr=subprocess.STDOUT, cwd=environment["HOME"], env=environment
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(f"{url}/health", process, "bd4m-kg serve (installed)", timeout=120, log=log)
        home = requests.get(url, timeout=30)
        assert home.status_code == 200 and "Data Innovation Directory" in home.text
        record = requests.get(f"{url}/doc/project/project-jetson.ttl", timeout=30)
        assert record.status_code == 200 and "Jetson" in record.text
        css = requests.get(f"{url}/static/style.css", timeout=30)
        assert css.status_code == 200
        page = requests.get(f"{url}/sparql", headers={"Accept": "text/html"}, timeout=30).text
        if shutil.which("npm"):  # the wheel was built with the workbench: its page loads it from here
            assert 'src="/static/vendor/workbench.js"' in page
            script = requests.get(f"{url}/static/vendor/workbench.js", timeout=30)
            assert script.status_code == 200 and "javascript" in script.headers["Content-Type"]
        named = requests.get(f"{url}/queries/directory-entries?format=csv", timeout=60)
        assert named.status_code == 200 and "namibia-mobile-phone-migration-statistics" in named.text
    finally:
        stop(process)
    said = log.read_text()
    assert "Building the store" in said and f"Serving {tmp_path / 'store'} on {url}/" in said
