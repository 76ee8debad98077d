"""The installed ``bd4m-kg`` command: version, help that teaches, and the knowledge check."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bd4m_kg import __version__
from conftest import require_java

COMMAND = shutil.which("bd4m-kg") or str(Path(sys.executable).parent / "bd4m-kg")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([COMMAND, *args], capture_output=True, text=True, timeout=300, check=False)


def test_version():
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"bd4m-kg, version {__version__}"
    assert __version__ == "0.1.0"


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_explains_where_things_are(flag):
    result = run(flag)
    assert result.returncode == 0
    for word in ("ontology/", "shapes/", "data/", "queries/", "check"):
        assert word in result.stdout


def test_check_passes_on_the_repository():
    require_java()
    result = run("check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "shapes: 0 violations" in result.stdout
    assert "reasoner: consistent, 0 unsatisfiable classes" in result.stdout


def test_an_unknown_command_is_a_usage_error():
    result = run("frobnicate")
    assert result.returncode == 2
    assert "No such command" in result.stderr
