"""``smscd rates set|list`` and ``smscd account topup``."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import Engine, select

from smscd import money
from smscd.accounts.service import account_id
from smscd.accounts.tables import accounts
from smscd.billing import admin, service, store
from smscd.billing.tables import MAIN_BALANCE, SECOND_BALANCE
from smscd.cli.common import (
    DatabaseOption,
    command_database,
    command_settings,
    commands,
    console,
    fail,
    with_database,
)
from smscd.db.gateway import Database

rates_app = commands("Currency rates for statistics.")

TOPUP_MAX = admin.TOPUP_MAX


@contextmanager
def _engine(database_url: str | None) -> Iterator[Engine]:
    """An engine for one command (``--database`` over the settings), disposed after it."""
    with command_database(database_url) as (_, engine):
        yield engine


@rates_app.command("set")
def rates_set(
    from_currency: Annotated[str, typer.Argument(metavar="FROM", help="Currency, e.g. RUB.")],
    to_currency: Annotated[str, typer.Argument(metavar="TO", help="Currency, e.g. USD.")],
    rate: Annotated[str, typer.Argument(help="What 1 FROM is worth in TO, e.g. 0.0108.")],
    database: DatabaseOption = None,
) -> None:
    """Set the rate get_stat converts FROM into TO with (replaces the old one)."""
    with _engine(database) as engine, engine.begin() as conn:
        stored = service.set_rate(conn, from_currency, to_currency, rate, int(time.time()))
    console.print(f"1 {stored.from_currency} = {stored.rate} {stored.to_currency}")


@rates_app.command("list")
def rates_list(database: DatabaseOption = None) -> None:
    """List the rates."""
    with _engine(database) as engine, engine.connect() as conn:
        rates = service.list_rates(conn)
    table = Table("from", "to", "rate", "updated (UTC)")
    for rate in rates:
        updated = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(rate.updated_at))
        table.add_row(rate.from_currency, rate.to_currency, str(rate.rate), updated)
    console.print(table)


def _amount(text: str) -> int:
    """A positive amount with at most two decimal places, in hundredths."""
    try:
        return admin.amount(text)
    except admin.AmountError as exc:
        raise fail(str(exc)) from exc


def topup(
    login: str,
    amount: Annotated[str, typer.Argument(help="In the account's currency, e.g. 1500.00.")],
    balance2: Annotated[
        bool, typer.Option("--balance2", help="Pay into the second balance, not the main.")
    ] = False,
    note: Annotated[str, typer.Option(help="Kept with the payment.")] = "",
    database: DatabaseOption = None,
) -> None:
    """Pay AMOUNT into an account; prints the new balance."""
    hundredths = _amount(amount)
    balance = SECOND_BALANCE if balance2 else MAIN_BALANCE
    with _engine(database) as engine, engine.connect() as conn:
        found = account_id(conn, login)
        currency = conn.execute(
            select(accounts.c.currency).where(accounts.c.id == found)
        ).scalar_one()

    async def pay(db: Database) -> int:
        async with db.transaction() as tx:
            await store.pay(tx, found, hundredths, balance, int(time.time()), note)
        return (await store.balances(db, found))[balance]

    now = with_database(command_settings(database), pay)
    which = "second" if balance2 else "main"
    console.print(
        f"{login}: {money.to_text(hundredths)} {currency} paid into the {which} balance;"
        f" balance {money.to_text(now)} {currency}",
        highlight=False,
    )


def set_credit(
    login: str,
    amount: Annotated[str, typer.Argument(help="In the account's currency; 0 for none.")],
    database: DatabaseOption = None,
) -> None:
    """Let the main balance go down to minus AMOUNT (send.php refuses past it: error 3)."""
    hundredths = 0 if amount.strip() in ("0", "0.00") else _amount(amount)
    with _engine(database) as engine, engine.connect() as conn:
        found = account_id(conn, login)
        currency = conn.execute(
            select(accounts.c.currency).where(accounts.c.id == found)
        ).scalar_one()

    async def change(db: Database) -> None:
        async with db.transaction() as tx:
            await admin.set_credit(tx, found, hundredths)

    with_database(command_settings(database), change)
    console.print(f"{login}: credit limit {money.to_text(hundredths)} {currency}", highlight=False)


# (name, function) added to `smscd account`
account_commands: list[tuple[str, Callable[..., None]]] = [
    ("topup", topup),
    ("set-credit", set_credit),
]
