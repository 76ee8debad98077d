"""Releases: dated, citable, frozen copies of the directory (``bd4m-kg release VERSION``).

A release keeps the dump files of one generation, unchanged, in ``releases/<version>/`` in the
state folder, with ``release.json`` (version, date, generation, counts, checksums). The VoID and
DCAT descriptions list every release as a version of the dataset, and the home page says how
to cite the latest one.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

from bd4m_kg.publishing.dumps import DumpFile, dumps_folder, write_dumps
from bd4m_kg.store import Store, side_files
from bd4m_kg.store.state import utc_now

VERSION = re.compile(r"[0-9]+\.[0-9]+(\.[0-9]+)?(-[a-z0-9]+(\.[a-z0-9]+)*)?")
RECORD = "release.json"


class ReleaseError(ValueError):
    """A release that cannot be made as asked (bad or taken version); nothing was written."""


@dataclass(frozen=True)
class Release:
    """One frozen release."""

    version: str
    date: str  # YYYY-MM-DD, UTC
    time: str
    generation: int
    triples: int
    files: list[DumpFile]


def releases_folder(store: Store) -> Path:
    """Where a store's releases live: ``releases/`` in its state folder."""
    return store.state.folder / "releases"


def make_release(store: Store, version: str) -> Release:
    """Freeze the current generation as release ``version`` (e.g. ``1.0`` or ``2026.1.0``)."""
    if not VERSION.fullmatch(version):
        raise ReleaseError(f"{version!r} is not a version: use numbers like 1.0, 1.2.3 or 2.0-rc.1")
    target = releases_folder(store) / version
    with store.state.writer_lock():
        if target.exists():
            raise ReleaseError(
                f"release {version} exists already: releases never change, choose another version"
            )
        manifest = write_dumps(store)
        source = dumps_folder(store) / str(manifest.generation)
        work = target.with_name(f".{version}")
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        for dump in manifest.files:
            side_files.link_or_copy(str(source / dump.name), str(work / dump.name))
        now = utc_now()
        release = Release(version, now[:10], now, manifest.generation, manifest.triples, manifest.files)
        (work / RECORD).write_text(json.dumps(asdict(release), indent=1, sort_keys=True) + "\n")
        work.rename(target)
    return release


def list_releases(store: Store) -> list[Release]:
    """Every release, oldest first."""
    found = []
    for record in releases_folder(store).glob(f"[!.]*/{RECORD}"):
        data = json.loads(record.read_text())
        data["files"] = [DumpFile(**f) for f in data["files"]]
        found.append(Release(**data))
    return sorted(found, key=lambda r: (r.time, r.version))


def release_file(store: Store, version: str, name: str) -> Path | None:
    """A file of a release, if both exist (names are checked, never joined blindly)."""
    release = next((r for r in list_releases(store) if r.version == version), None)
    if release is None or name not in {f.name for f in release.files}:
        return None
    return releases_folder(store) / version / name


def citation(release: Release | None, publisher: str, title: str, base: str) -> str:
    """How to cite a release (or the living directory when there is none), in plain text."""
    if release is None:
        return f"{publisher}. {title} [Data set]. {base} (accessed on the date you read it)."
    year = release.date[:4]
    return (
        f"{publisher} ({year}). {title}, version {release.version} (released {release.date}) [Data set]. "
        f"{base}releases/{release.version}"
    )
