"""The build backend: setuptools, after bundling the pages' scripts from npm into server/static/vendor.

A wheel then carries the query workbench. Without npm (or offline) the wheel is built without it
and says so; its pages work as plain forms.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import build_meta
from setuptools.build_meta import *  # noqa: F403  # every other hook is setuptools' own

ASSETS = Path(__file__).resolve().parent
BUNDLE = ASSETS.parent / "static" / "vendor" / "workbench.js"


def bundle_page_scripts() -> None:
    """Run ``npm ci`` and the bundler unless the bundle is already newer than its sources."""
    sources = [ASSETS / "package-lock.json", ASSETS / "build.mjs", *(ASSETS / "src").glob("*.js")]
    if BUNDLE.is_file() and BUNDLE.stat().st_mtime >= max(p.stat().st_mtime for p in sources):
        return
    npm = shutil.which("npm")
    if npm is None:
        print("npm was not found: building without the query workbench (plain forms)", file=sys.stderr)
        return
    for command in ([npm, "ci", "--no-audit", "--no-fund"], [npm, "run", "build"]):
        done = subprocess.run(command, cwd=ASSETS, capture_output=True, text=True)
        if done.returncode != 0:
            failed = f"npm {' '.join(command[1:])} failed, building without the workbench"
            print(f"{failed}:\n{done.stderr[-2000:]}", file=sys.stderr)
            return


def build_wheel(
    wheel_directory: str,
    config_settings: dict[str, object] | None = None,
    metadata_directory: str | None = None,
) -> str:
    """Bundle the page scripts, then build the wheel with setuptools."""
    bundle_page_scripts()
    return str(build_meta.build_wheel(wheel_directory, config_settings, metadata_directory))
