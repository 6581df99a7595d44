"""``smscd connectors ...`` and ``smscd routes ...``: where messages go."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from smscd.cli.common import DatabaseOption, command_database, commands, console, fail
from smscd.delivery import routing
from smscd.delivery.connectors import registry

connectors_app = commands("Carrier connections (the simulator today; docs/simulator.md).")
routes_app = commands("The routing table: which connector carries which message.")

RulesOption = Annotated[
    str, typer.Option("--rules", help="The simulator's rules, JSON (docs/simulator.md).")
]


@connectors_app.command("add")
def connectors_add(
    kind: Annotated[str, typer.Argument(help="simulator | smpp")],
    name: str,
    rules: RulesOption = "",
    host: Annotated[str, typer.Option(help="smpp: the SMSC's host.")] = "",
    port: Annotated[int, typer.Option(help="smpp: the SMSC's port.")] = 2775,
    system_id: Annotated[str, typer.Option(help="smpp: the login (system_id).")] = "",
    password: Annotated[
        str, typer.Option(help="smpp: env:VAR, the variable holding the password.")
    ] = "",
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
    if kind == "smpp":
        rules = smpp_config(host, port, system_id, password, system_type, bind, window, tps,
                            binds)  # fmt: skip
    with command_database(database) as (_, engine), engine.begin() as conn:
        registry.add(conn, name, kind, rules)
    console.print(f"connector {name} ({kind}) added; route messages to it with smscd routes add",
                  highlight=False)  # fmt: skip


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
        table.add_row(str(row["name"]), str(row["kind"]), str(row["config"]))
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
