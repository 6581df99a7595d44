"""``smscd numbers add|list|remove``: the numbers accounts own, where incoming messages
from carriers go (docs/carriers.md, "Incoming")."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import select

from smscd.accounts.service import account_id
from smscd.accounts.tables import accounts
from smscd.cli.common import DatabaseOption, command_database, commands, console
from smscd.incoming import numbers

numbers_app = commands("Numbers accounts own: incoming messages to them go to the account.")


@numbers_app.command("add")
def numbers_add(
    login: str,
    phone: Annotated[str, typer.Argument(help="The number, e.g. 79991110001.")],
    database: DatabaseOption = None,
) -> None:
    """Give an account a number: messages phones send to it reach the account."""
    with command_database(database) as (_, engine), engine.begin() as conn:
        digits = numbers.add(conn, account_id(conn, login), phone)
    console.print(f"{digits} belongs to {login}", highlight=False)


@numbers_app.command("list")
def numbers_list(
    login: Annotated[str | None, typer.Argument(help="Only this account's.")] = None,
    database: DatabaseOption = None,
) -> None:
    """List the owned numbers and their accounts."""
    with command_database(database) as (_, engine), engine.connect() as conn:
        owner = account_id(conn, login) if login is not None else None
        rows = numbers.listed(conn, owner)
        logins = {
            int(i): str(name) for i, name in conn.execute(select(accounts.c.id, accounts.c.login))
        }
    table = Table("number", "account")
    for phone, account in rows:
        table.add_row(phone, str(logins.get(account, account)))
    console.print(table)


@numbers_app.command("remove")
def numbers_remove(phone: str, database: DatabaseOption = None) -> None:
    """Take a number from its account (messages to it are dropped from then on)."""
    with command_database(database) as (_, engine), engine.begin() as conn:
        digits = numbers.remove(conn, phone)
    console.print(f"{digits} removed", highlight=False)
