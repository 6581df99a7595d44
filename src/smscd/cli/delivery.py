"""``smscd connectors ...`` and ``smscd routes ...``: where messages go."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.table import Table

from smscd.cli.common import DatabaseOption, command_database, commands, console, fail
from smscd.delivery import routing
from smscd.delivery.connectors import registry, secrets

connectors_app = commands(
    "Carrier connections: the simulator, SMTP, HTTP providers (docs/carriers.md)."
)
routes_app = commands("The routing table: which connector carries which message.")

RulesOption = Annotated[
    str, typer.Option("--rules", help="The simulator's rules, JSON (docs/simulator.md).")
]


@connectors_app.command("add")
def connectors_add(
    kind: Annotated[
        str, typer.Argument(help="simulator, smpp, smtp (e-mail) or http (a provider)")
    ],
    name: str,
    rules: RulesOption = "",
    host: Annotated[str, typer.Option(help="smpp/smtp: the peer's host.")] = "",
    port: Annotated[
        int | None, typer.Option(help="smpp/smtp: its port (2775 / 587 when not given).")
    ] = None,
    starttls: Annotated[bool, typer.Option("--starttls", help="smtp: require STARTTLS.")] = False,
    tls: Annotated[bool, typer.Option("--tls", help="smtp: implicit TLS (port 465).")] = False,
    username: Annotated[str, typer.Option(help="smtp: the login (AUTH).")] = "",
    password: Annotated[
        str,
        typer.Option(
            help="smpp: env:VAR, the variable holding the password. smtp: env:VARIABLE "
            "(read by the worker), or the password itself, stored encrypted with "
            "SMSCD_SECRET_KEY; - reads it from stdin. Never printed."
        ),
    ] = "",
    from_: Annotated[
        str,
        typer.Option(
            "--from", help="smtp: the From of mail whose sender name is not an e-mail address."
        ),
    ] = "",
    timeout: Annotated[float, typer.Option(help="smtp/http: seconds to wait for the peer.")] = 30.0,
    connections: Annotated[
        int | None, typer.Option(help="smtp/http: sessions or requests at once.")
    ] = None,
    url: Annotated[str, typer.Option(help="http: the provider's URL messages are posted to.")] = "",
    token: Annotated[
        str, typer.Option(help="http: the provider's token for our posts (Bearer), as --password.")
    ] = "",
    secret_stdin: Annotated[
        bool,
        typer.Option(
            "--secret-stdin",
            help="http: read the intake secret from stdin instead of generating one.",
        ),
    ] = False,
    system_id: Annotated[str, typer.Option(help="smpp: the login (system_id).")] = "",
    system_type: Annotated[
        str, typer.Option(help="smpp: system_type, if the SMSC wants one.")
    ] = "",
    bind: Annotated[str, typer.Option(help="smpp: transceiver | transmitter+receiver.")] = (
        "transceiver"
    ),
    window: Annotated[int, typer.Option(help="smpp: unanswered submit_sm per bind.")] = 10,
    tps: Annotated[int, typer.Option(help="smpp: submit_sm per second per bind.")] = 100,
    binds: Annotated[int, typer.Option(help="smpp: parallel binds (connections).")] = 1,
    database: DatabaseOption = None,
) -> None:
    """Add a connector; running workers start it within seconds (docs/carriers.md)."""
    with command_database(database) as (settings, engine):
        key = settings.secret_key.get_secret_value()
        shown_secret = ""
        if kind == "smtp":
            config = json.dumps({
                "host": host, "port": port or 587, "from": from_, "username": username,
                "tls": "tls" if tls else "starttls" if starttls else "auto",
                "password": _sealed(password, key), "timeout": timeout,
                **({"connections": connections} if connections else {}),
            })  # fmt: skip
        elif kind == "http":
            secret = _intake_secret(secret_stdin)
            salt, digest = secrets.hashed(secret)
            config = json.dumps({
                "url": url, "timeout": timeout, "token": _sealed(token, key), "salt": salt,
                "digest": digest, **({"connections": connections} if connections else {}),
            })  # fmt: skip
            shown_secret = "" if secret_stdin else secret
        elif kind == "smpp":
            config = smpp_config(host, port or 2775, system_id, password, system_type, bind,
                                 window, tps, binds)  # fmt: skip
        else:
            config = rules
        with engine.begin() as conn:
            registry.add(conn, name, kind, config)
    console.print(f"connector {name} ({kind}) added; route messages to it with smscd routes add",
                  highlight=False)  # fmt: skip
    if shown_secret:
        _show_secret(shown_secret)


def _intake_secret(from_stdin: bool) -> str:
    secret = sys.stdin.readline().strip() if from_stdin else secrets.new_secret()
    if len(secret) < 16:
        raise fail("an intake secret is at least 16 characters")
    return secret


def _show_secret(secret: str) -> None:
    console.print(
        "intake secret (shown once; the provider sends it as Authorization: Bearer): " + secret,
        highlight=False,
        soft_wrap=True,
    )


@connectors_app.command("secret")
def connectors_secret(
    name: str,
    secret_stdin: Annotated[
        bool,
        typer.Option(
            "--secret-stdin", help="Read the new secret from stdin instead of generating one."
        ),
    ] = False,
    end_old: Annotated[
        bool,
        typer.Option(
            "--end-old", help="End the previous secret (kept since the last change); no new one."
        ),
    ] = False,
    database: DatabaseOption = None,
) -> None:
    """Rotate an http connector's intake secret: a new one (shown once), the current one
    still accepted until --end-old (docs/security.md, "Intake and connector secrets")."""
    with command_database(database) as (_, engine), engine.begin() as conn:
        kind, stored = registry.found(conn, name)
        if kind != "http":
            raise fail(f"connector {name} is a {kind} connector: only http ones have a secret")
        config = json.loads(stored)
        secret = ""
        if end_old:
            config.pop("old_salt", None)
            config.pop("old_digest", None)
        else:
            secret = _intake_secret(secret_stdin)
            config["old_salt"], config["old_digest"] = config["salt"], config["digest"]
            config["salt"], config["digest"] = secrets.hashed(secret)
        registry.set_config(conn, name, json.dumps(config))
    if end_old:
        console.print(f"{name}: only the current intake secret is accepted", highlight=False)
        return
    console.print(f"{name}: a new intake secret; the previous one is still accepted until "
                  f"smscd connectors secret {name} --end-old", highlight=False)  # fmt: skip
    if not secret_stdin:
        _show_secret(secret)


def _sealed(value: str, key: str) -> str:
    if value == "-":
        value = sys.stdin.readline().rstrip("\n")
    try:
        return secrets.seal(value, key)
    except secrets.SecretError as exc:
        raise fail(str(exc)) from exc


def _shown(config: str) -> str:
    """A connector's settings without its secrets (a password only as its reference)."""
    try:
        raw = json.loads(config)
    except json.JSONDecodeError:
        return config
    if not isinstance(raw, dict):
        return config
    for hidden in ("salt", "digest", "old_salt", "old_digest"):
        raw.pop(hidden, None)
    for held in ("password", "token"):
        if held in raw:
            raw[held] = secrets.shown(str(raw[held]))
    return json.dumps(raw, ensure_ascii=False)


def smpp_config(host: str, port: int, system_id: str, password: str, system_type: str,
                bind: str, window: int, tps: int, binds: int) -> str:  # fmt: skip
    return json.dumps({"host": host, "port": port, "system_id": system_id,
                       "password": password, "system_type": system_type, "bind": bind,
                       "window": window, "tps": tps, "binds": binds})  # fmt: skip


@connectors_app.command("rules")
def connectors_rules(name: str, rules: RulesOption, database: DatabaseOption = None) -> None:
    """Replace a simulator's rules; running workers restart it within seconds."""
    with command_database(database) as (_, engine), engine.begin() as conn:
        registry.set_config(conn, name, rules)
    console.print(f"rules of {name} replaced", highlight=False)


@connectors_app.command("list")
def connectors_list(database: DatabaseOption = None) -> None:
    """List the connectors and their settings."""
    with command_database(database) as (_, engine), engine.connect() as conn:
        rows = registry.listed(conn)
    table = Table("name", "kind", "config")
    for row in rows:
        table.add_row(str(row["name"]), str(row["kind"]), _shown(str(row["config"])))
    console.print(table)


@connectors_app.command("remove")
def connectors_remove(name: str, database: DatabaseOption = None) -> None:
    """Remove a connector that no route uses."""
    with command_database(database) as (_, engine), engine.begin() as conn:
        registry.remove(conn, name)
    console.print(f"connector {name} removed", highlight=False)


def _formats(text: str) -> list[int]:
    try:
        return [int(item) for item in text.split(",") if item.strip()]
    except ValueError as exc:
        raise fail(f"formats are comma-separated format codes, not {text!r}") from exc


@routes_app.command("add")
def routes_add(
    connector: str,
    mcc: Annotated[str, typer.Option(help="Only this country (MCC, 3 digits).")] = "",
    mnc: Annotated[str, typer.Option(help="Only this operator (MNC, with --mcc).")] = "",
    prefix: Annotated[str, typer.Option(help="Only numbers starting with these digits.")] = "",
    formats: Annotated[
        str, typer.Option(help="Only these message formats, e.g. 0,1 (0 SMS, 1 flash, 3 HLR).")
    ] = "",
    position: Annotated[
        int | None, typer.Option(help="Insert here (1 first); default: last.")
    ] = None,
    database: DatabaseOption = None,
) -> None:
    """Add a route; the first matching route carries a message, so the fallback goes last."""
    with command_database(database) as (_, engine), engine.begin() as conn:
        at = routing.add_route(conn, connector, mcc=mcc, mnc=mnc, prefix=prefix,
                               formats=_formats(formats), position=position)  # fmt: skip
    console.print(f"route {at} -> {connector}", highlight=False)


@routes_app.command("list")
def routes_list(database: DatabaseOption = None) -> None:
    """List the routes in the order they are tried."""
    with command_database(database) as (_, engine), engine.connect() as conn:
        rows = routing.list_routes(conn)
    table = Table("position", "connector", "mcc", "mnc", "prefix", "formats")
    for row in rows:
        table.add_row(*(str(row[k]) or "*" for k in
                        ("position", "connector", "mcc", "mnc", "prefix", "formats")))  # fmt: skip
    console.print(table)


@routes_app.command("remove")
def routes_remove(position: int, database: DatabaseOption = None) -> None:
    """Remove the route at POSITION."""
    with command_database(database) as (_, engine), engine.begin() as conn:
        routing.remove_route(conn, position)
    console.print(f"route {position} removed", highlight=False)
