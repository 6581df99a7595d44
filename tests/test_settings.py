"""Settings: read once, environment over file over defaults, every one documented."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from smscd.settings import Settings, load_settings

DOCS = Path(__file__).parent.parent / "docs" / "configuration.md"


def test_every_setting_is_documented():
    text = DOCS.read_text()
    missing = [name for name in Settings.model_fields if f"SMSCD_{name.upper()}" not in text]
    assert missing == []


def test_the_settings_table_is_generated_from_the_code():
    """`python scripts/config_doc.py` rewrites it; a stale page fails here."""
    spec = importlib.util.spec_from_file_location(
        "config_doc", DOCS.parents[1] / "scripts" / "config_doc.py"
    )
    assert spec and spec.loader
    config_doc = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(config_doc)
    assert config_doc.render(DOCS.read_text()) == DOCS.read_text()


def test_environment_wins_over_the_file(tmp_path, monkeypatch):
    config = tmp_path / "smscd.toml"
    config.write_text('port = 9001\nworkers = 3\ndatabase_url = "sqlite:///file.db"\n')
    monkeypatch.setenv("SMSCD_CONFIG", str(config))
    monkeypatch.setenv("SMSCD_PORT", "9002")
    settings = load_settings()
    assert (settings.port, settings.workers, settings.database_url) == (
        9002,
        3,
        "sqlite:///file.db",
    )


def test_defaults_need_no_service(monkeypatch):
    for name in Settings.model_fields:
        monkeypatch.delenv(f"SMSCD_{name.upper()}", raising=False)
    monkeypatch.delenv("SMSCD_CONFIG", raising=False)
    assert load_settings().database_url == "sqlite:///smscd.db"
