"""The public contract: routes and CLI commands. A change here is a deliberate diff."""

from __future__ import annotations

import click
import typer.main

from smscd.app import API, create_app
from smscd.cli.main import app as cli
from smscd.settings import load_settings


def test_route_table():
    """Every route, in the order they are matched, with its methods and, for the API's
    paths, its actions in the order their flags are tried."""
    app = create_app(load_settings(database_url="sqlite:///unused.db"))
    routes = [
        (
            route.path,
            tuple(sorted(getattr(route, "methods", None) or ())) or ("any method",),
            tuple(action.name for action in API.get(route.path, ())),
        )
        for route in app.routes
    ]
    assert routes == [
        ("/sys/get.php", ("any method",), ("get_messages", "get_answers", "get_stat", "get_price")),
        ("/sys/info.php", ("any method",), ("get_operator",)),
        ("/sys/tinyurls.php", ("any method",), ("tinyurls get", "tinyurls add")),
        ("/sys/send.php", ("any method",), ("send_cost", "send")),
        ("/sys/status.php", ("any method",), ("status_list", "status")),
        ("/sys/balance.php", ("any method",), ("balance",)),
        ("/sys/{name}.php", ("any method",), ()),
        ("/healthz", ("GET", "HEAD"), ()),
        ("/readyz", ("GET", "HEAD"), ()),
        ("/metrics", ("GET", "HEAD"), ()),
        ("/openapi.json", ("GET", "HEAD"), ()),
        ("/docs", ("GET", "HEAD"), ()),
        ("/intake/{connector}", ("any method",), ()),
        ("/console", ("any method",), ()),
        ("/{code:path}", ("GET", "HEAD"), ()),
    ]


def test_console_route_table():
    """The web console's pages under /console (docs/console.md)."""
    app = create_app(load_settings(database_url="sqlite:///unused.db"))
    [mount] = [route for route in app.routes if route.path == "/console"]
    router = mount.app._app  # type: ignore[attr-defined]  # inside the security headers
    assert [
        (route.path, tuple(sorted(getattr(route, "methods", None) or ())))
        for route in router.routes
    ] == [
        ("/login", ("GET", "HEAD")),
        ("/login", ("POST",)),
        ("/logout", ("POST",)),
        ("/history", ("GET", "HEAD")),
        ("/history/{int_id:int}", ("GET", "HEAD")),
        ("/stats", ("GET", "HEAD")),
        ("/incoming", ("GET", "HEAD")),
        ("/send", ("GET", "HEAD")),
        ("/send", ("POST",)),
        ("/send/status", ("GET", "HEAD")),
        ("/send/csv", ("POST",)),
        ("/send/list", ("POST",)),
        ("/tariffs", ("GET", "HEAD")),
        ("/links", ("GET", "HEAD")),
        ("/links", ("POST",)),
        ("/senders", ("GET", "HEAD")),
        ("/senders", ("POST",)),
        ("/senders/remove", ("POST",)),
        ("/keys", ("GET", "HEAD")),
        ("/keys", ("POST",)),
        ("/keys/revoke", ("POST",)),
        ("/settings", ("GET", "HEAD")),
        ("/settings", ("POST",)),
        ("/settings/callback", ("POST",)),
        ("/", ("GET", "HEAD")),
        ("/static", ()),
        ("/operator", ()),
    ]


def test_every_api_path_is_served_by_its_actions():
    """The routes come from the one action table: a dropped action is a dropped flag."""
    app = create_app(load_settings(database_url="sqlite:///unused.db"))
    served = {route.path: route.app for route in app.routes if route.path in API}
    assert set(served) == set(API)
    for path, endpoint in served.items():
        assert endpoint._actions == API[path]


def _commands(command: click.Command, prefix: str = "") -> list[str]:
    """Every leaf command, as it is typed after `smscd`."""
    subcommands = getattr(command, "commands", None)
    if not subcommands:
        return [prefix.strip()]
    names: list[str] = []
    for name, sub in subcommands.items():
        names += _commands(sub, f"{prefix}{name} ")
    return sorted(names)


def test_cli_commands():
    assert _commands(typer.main.get_command(cli)) == [
        "account create",
        "account list",
        "account passwd",
        "account set-callback",
        "account set-credit",
        "account set-ips",
        "account topup",
        "admin create",
        "admin list",
        "admin passwd",
        "admin remove",
        "apikey create",
        "apikey list",
        "apikey revoke",
        "connectors add",
        "connectors list",
        "connectors remove",
        "connectors rules",
        "connectors secret",
        "db upgrade",
        "demo",
        "ip unblock",
        "limits set",
        "limits show",
        "limits unset",
        "links add",
        "links list",
        "numbering import",
        "numbering lookup",
        "numbering operators export",
        "numbering operators import",
        "numbering operators remove",
        "numbering operators reset",
        "numbering operators set",
        "numbering status",
        "numbers add",
        "numbers list",
        "numbers remove",
        "rates list",
        "rates set",
        "routes add",
        "routes list",
        "routes remove",
        "seed-demo",
        "sender add",
        "sender list",
        "sender remove",
        "serve",
        "tariffs assign",
        "tariffs default",
        "tariffs export",
        "tariffs import",
        "tariffs plans",
        "tariffs price list",
        "tariffs price set",
        "tariffs price unset",
        "tariffs unassign",
        "worker",
    ]
