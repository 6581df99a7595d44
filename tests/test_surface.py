"""The public contract: routes and CLI commands. A change here is a deliberate diff."""

from __future__ import annotations

import typer.main

from smscd.app import create_app
from smscd.cli.main import app as cli
from smscd.settings import load_settings


def test_route_table():
    app = create_app(load_settings(database_url="sqlite:///unused.db"))
    routes = sorted((route.path, tuple(sorted(route.methods or ()))) for route in app.routes)
    assert routes == [
        ("/healthz", ("GET", "HEAD")),
        ("/sys/get.php", ("GET", "HEAD", "POST")),
        ("/sys/info.php", ("GET", "HEAD", "POST")),
        ("/sys/tinyurls.php", ("GET", "HEAD", "POST")),
        ("/{code}", ("GET", "HEAD")),
    ]


def _commands(group: typer.Typer, prefix: str = "") -> list[str]:
    click_group = typer.main.get_command(group)
    names: list[str] = []
    for name, command in click_group.commands.items():  # type: ignore[attr-defined]
        if hasattr(command, "commands"):
            names += [f"{prefix}{name} {sub}" for sub in command.commands]
        else:
            names.append(f"{prefix}{name}")
    return sorted(names)


def test_cli_commands():
    assert _commands(cli) == [
        "account create",
        "account list",
        "account passwd",
        "account set-ips",
        "apikey create",
        "apikey list",
        "apikey revoke",
        "db upgrade",
        "demo",
        "seed-demo",
        "serve",
    ]
