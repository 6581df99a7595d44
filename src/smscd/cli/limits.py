"""``smscd limits show|set|unset`` (per-account limits) and ``smscd ip unblock``."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from smscd.accounts.service import AccountError, rate_limits, set_rate_limits
from smscd.cli.common import DatabaseOption, command_database, console, fail
from smscd.limits.blocks import UnblockError, unblock
from smscd.limits.policy import LIMIT_NAMES, Limits

limits_app = typer.Typer(
    help="Rate limits of one account (docs/protection.md).", no_args_is_help=True
)
ip_app = typer.Typer(help="Blocked client addresses.", no_args_is_help=True)

NAMES = ", ".join(LIMIT_NAMES)


@limits_app.command("show")
def limits_show(login: str, database: DatabaseOption = None) -> None:
    """Every limit of LOGIN: the deployment's, or the account's own (0: no limit)."""
    try:
        with command_database(database) as (settings, engine), engine.connect() as conn:
            own = rate_limits(conn, login)
    except AccountError as exc:
        raise fail(str(exc)) from exc
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
    try:
        with command_database(database) as (_, engine), engine.begin() as conn:
            set_rate_limits(conn, login, rate_limits(conn, login) | {name: value})
    except AccountError as exc:
        raise fail(str(exc)) from exc
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
    try:
        with command_database(database) as (_, engine), engine.begin() as conn:
            own = rate_limits(conn, login)
            own.pop(name, None)
            set_rate_limits(conn, login, own)
    except AccountError as exc:
        raise fail(str(exc)) from exc
    console.print(f"{login}: {name} as the deployment's")


@ip_app.command("unblock")
def ip_unblock(
    address: Annotated[str, typer.Argument(help="The blocked client address.")],
    database: DatabaseOption = None,
) -> None:
    """Lift the block of ADDRESS on every worker, within a second, whether limits live in
    Redis or in the servers' memory; the address's failed authorisations are forgotten
    with it."""
    try:
        with command_database(database) as (settings, engine):
            lifted = unblock(settings, engine, address)
    except UnblockError as exc:
        raise fail(str(exc)) from exc
    console.print(f"unblocked {lifted}")
