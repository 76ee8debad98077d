"""Settings are declared once, documented, and unknown ones are refused."""

from __future__ import annotations

import pytest

from bd4m_kg.config import SETTINGS, SettingsError
from bd4m_kg.server import create_app
from conftest import CHECKOUT

ARCHITECTURE = CHECKOUT / "docs" / "architecture.md"


def test_every_setting_is_documented():
    documented = ARCHITECTURE.read_text(encoding="utf-8")
    for setting in SETTINGS:
        assert f"| `{setting.name}` |" in documented, f"docs/architecture.md does not describe {setting.name}"
        assert setting.help


def test_an_unknown_setting_is_refused(tmp_path):
    with pytest.raises(SettingsError, match="STOER"):
        create_app({"STORE": str(tmp_path / "store"), "STOER": "typo"})


def test_environment_settings_are_read(tmp_path, monkeypatch):
    monkeypatch.setenv("BD4M_QUERY_DEADLINE", "3.5")
    app = create_app({"STORE": str(tmp_path / "store")})
    assert app.config["QUERY_DEADLINE"] == 3.5
    client = app.test_client()
    assert client.get("/health").json["generation"] == 1
    app.extensions["bd4m_store"].close()
