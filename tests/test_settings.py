"""Settings: read once, environment over file over defaults, every one documented."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from smscd.limits.guard import Unguarded
from smscd.limits.service import make_guard
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


def test_limits_switch_off_from_the_environment_or_the_file(tmp_path, monkeypatch):
    monkeypatch.delenv("SMSCD_RATE_LIMITS", raising=False)
    assert load_settings().rate_limits is True
    config = tmp_path / "smscd.toml"
    config.write_text('rate_limits = "off"\n')
    monkeypatch.setenv("SMSCD_CONFIG", str(config))
    assert load_settings().rate_limits is False
    monkeypatch.setenv("SMSCD_RATE_LIMITS", "on")
    assert load_settings().rate_limits is True
    monkeypatch.setenv("SMSCD_RATE_LIMITS", "off")
    guard, _components = make_guard(load_settings(), None, lambda: 0.0)
    assert isinstance(guard, Unguarded)


def test_a_trusted_proxy_must_be_an_address_or_network():
    with pytest.raises(ValueError):
        load_settings(trusted_proxies="10.0.0.0/8, proxy.example")
