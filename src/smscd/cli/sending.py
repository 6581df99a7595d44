"""``smscd sender add|list|remove``: the sender names an account may send under."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from smscd.accounts.service import account_id
from smscd.cli.common import DatabaseOption, command_database, commands, console
from smscd.sending import senders

sender_app = commands("Sender names an account may use (send.php sender).")


@sender_app.command("add")
def sender_add(
    login: str,
    name: Annotated[str, typer.Argument(help="Up to 11 Latin characters, or 15 digits.")],
    default: Annotated[
        bool, typer.Option("--default", help="Send under it when a request names none.")
    ] = False,
    database: DatabaseOption = None,
) -> None:
    """Register a sender name for an account (and make it the default)."""
    with command_database(database) as (_, engine), engine.begin() as conn:
        senders.add(conn, account_id(conn, login), name, default)
    console.print(f"{login} may send as {name!r}" + (" (default)" if default else ""),
                  highlight=False)  # fmt: skip


@sender_app.command("list")
def sender_list(login: str, database: DatabaseOption = None) -> None:
    """List an account's sender names; * marks the default."""
    with command_database(database) as (_, engine), engine.connect() as conn:
        names, default = senders.listed(conn, account_id(conn, login))
    table = Table("name", "default")
    for name in names:
        table.add_row(name, "*" if name == default else "")
    console.print(table)


@sender_app.command("remove")
def sender_remove(login: str, name: str, database: DatabaseOption = None) -> None:
    """Remove a sender name (and the default, if it was that name)."""
    with command_database(database) as (_, engine), engine.begin() as conn:
        senders.remove(conn, account_id(conn, login), name)
    console.print(f"{login} may no longer send as {name!r}", highlight=False)
