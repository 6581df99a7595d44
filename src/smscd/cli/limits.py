"""``smscd limits show|set|unset`` (per-account limits) and ``smscd ip unblock``."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from smscd.accounts.service import rate_limits, set_rate_limits
from smscd.cli.common import DatabaseOption, command_database, commands, console, fail
from smscd.limits.blocks import unblock
from smscd.limits.policy import LIMIT_NAMES, Limits, format_overrides, parse_overrides

limits_app = commands("Rate limits of one account (docs/protection.md).")
ip_app = commands("Blocked client addresses.")

NAMES = ", ".join(LIMIT_NAMES)


@limits_app.command("show")
def limits_show(login: str, database: DatabaseOption = None) -> None:
    """Every limit of LOGIN: the deployment's, or the account's own (0: no limit)."""
    with command_database(database) as (settings, engine), engine.connect() as conn:
        own = parse_overrides(rate_limits(conn, login))
    defaults = Limits(settings).defaults
    table = Table("limit", "value", "from")
    for name in LIMIT_NAMES:
        value = own.get(name, defaults[name])
        table.add_row(name, str(value), "account" if name in own else "deployment")
    console.print(table)


@limits_app.command("set")
def limits_set(
    login: str,
    name: Annotated[str, typer.Argument(help=f"One of: {NAMES}.")],
    value: Annotated[int, typer.Argument(min=0, help="The account's limit; 0: no limit.")],
    database: DatabaseOption = None,
) -> None:
    """Give LOGIN a limit of its own (running servers apply it from its next request)."""
    with command_database(database) as (_, engine), engine.begin() as conn:
        own = dict(parse_overrides(rate_limits(conn, login))) | {name: value}
        set_rate_limits(conn, login, format_overrides(own))
    console.print(f"{login}: {name} = {value}")


@limits_app.command("unset")
def limits_unset(
    login: str,
    name: Annotated[str, typer.Argument(help=f"One of: {NAMES}.")],
    database: DatabaseOption = None,
) -> None:
    """Give LOGIN the deployment's limit NAME again."""
    if name not in LIMIT_NAMES:
        raise fail(f"unknown limit {name!r}; the limits: {NAMES}")
    with command_database(database) as (_, engine), engine.begin() as conn:
        own = dict(parse_overrides(rate_limits(conn, login)))
        own.pop(name, None)
        set_rate_limits(conn, login, format_overrides(own))
    console.print(f"{login}: {name} as the deployment's")


@ip_app.command("unblock")
def ip_unblock(
    address: Annotated[str, typer.Argument(help="The blocked client address.")],
    database: DatabaseOption = None,
) -> None:
    """Lift the block of ADDRESS on every worker, within a second, whether limits live in
    Redis or in the servers' memory; the address's failed authorisations are forgotten
    with it."""
    with command_database(database) as (settings, engine):
        lifted = unblock(settings, engine, address)
    console.print(f"unblocked {lifted}")
