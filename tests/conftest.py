"""Shared fixtures: the knowledge files read once per test session."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from rdflib import Graph

from bd4m_kg.layout import knowledge_files, project_root
from bd4m_kg.rdf_io import load_graph, load_store
from bd4m_kg.validation import project_context, project_shapes

FIXTURES = Path(__file__).parent / "fixtures"


def require_java() -> str:
    """The java executable; skip (or fail on CI) when there is none."""
    java = shutil.which("java")
    if java is None:
        message = "Java is not installed: the HermiT check needs a JRE (./dev test installs one)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return java


@pytest.fixture(scope="session")
def root() -> Path:
    return project_root()


@pytest.fixture(scope="session")
def data_graph() -> Graph:
    return load_graph(knowledge_files(parts=("data",)))


@pytest.fixture(scope="session")
def ontology_graph() -> Graph:
    return load_graph(knowledge_files(parts=("ontology",)))


@pytest.fixture(scope="session")
def vocab_graph() -> Graph:
    return load_graph(knowledge_files(parts=("vocab",)))


@pytest.fixture(scope="session")
def shapes_graph() -> Graph:
    return project_shapes()


@pytest.fixture(scope="session")
def context_graph() -> Graph:
    return project_context()


@pytest.fixture(scope="session")
def store():
    """Every knowledge file in its named graph, queried with the union as default graph."""
    return load_store(knowledge_files())
