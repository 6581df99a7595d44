"""``smscd tariffs``: tariff plans from CSV files, plan assignment, individual prices.

Every command is one transaction: an import with a bad row changes nothing and lists every
problem with its line number (exit status 1). docs/tariffs.md describes the CSV format.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import Connection

from smscd import money
from smscd.cli.common import DatabaseOption, command_database, commands, console, fail
from smscd.tariffs import csvfile, model, service

tariffs_app = commands("Tariff plans and prices.")
price_app = commands("Individual prices of an account, by network.")
tariffs_app.add_typer(price_app, name="price")


BOM = b"\xef\xbb\xbf"

PlanOption = Annotated[
    str | None, typer.Option("--plan", help="Plan name (default: the default plan).")
]


@contextmanager
def _transaction(database_url: str | None) -> Iterator[Connection]:
    """One transaction on the configured database; a TariffError rolls it back and exits 1."""
    with command_database(database_url) as (_, engine), engine.begin() as conn:
        yield conn


def _price(text: str) -> int:
    try:
        return model.parse_price(text)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc


@tariffs_app.command("import")
def import_plan(
    file: Annotated[Path, typer.Argument(help="The CSV file ('-': standard input).")],
    plan: PlanOption = None,
    default: Annotated[bool, typer.Option("--default", help="Make it the default plan.")] = False,
    mail_price: Annotated[
        str | None,
        typer.Option("--mail-price", help="The e-mail price, when the file has no MAIL row."),
    ] = None,
    database: DatabaseOption = None,
) -> None:
    """Create or replace a plan from a CSV file (all rows or none)."""
    data = sys.stdin.buffer.read() if str(file) == "-" else _read(file)
    try:
        contents = csvfile.read(data, _price(mail_price) if mail_price is not None else None)
    except csvfile.TariffFileError as exc:
        raise csvfile.TariffFileError([f"{file}: {problem}" for problem in exc.problems]) from exc
    with _transaction(database) as conn:
        name = service.import_plan(conn, plan, contents, make_default=default)
        is_default = service.default_plan_name(conn) == name
    console.print(
        f"plan {name}: {len(contents.zones)} zones, e-mail {money.to_text(contents.mail)}"
        + (" (the default plan)" if is_default else ""),
        highlight=False,
        markup=False,
    )


def _read(file: Path) -> bytes:
    try:
        return file.read_bytes()
    except OSError as exc:
        raise fail(f"cannot read {file}: {exc.strerror}") from exc


@tariffs_app.command("export")
def export_plan(
    plan: PlanOption = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", help="Write to this file (UTF-8 with a BOM) instead of stdout."),
    ] = None,
    database: DatabaseOption = None,
) -> None:
    """Write a plan as CSV, in the form `import` reads."""
    with _transaction(database) as conn:
        _name, contents = service.export_plan(conn, plan)
    text = csvfile.write(contents)
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        # The BOM tells spreadsheets the file is UTF-8 (Excel reads Cyrillic wrong without it).
        output.write_bytes(BOM + text.encode("utf-8"))
    except OSError as exc:
        raise fail(f"cannot write {output}: {exc.strerror}") from exc


@tariffs_app.command("plans")
def list_plans(database: DatabaseOption = None) -> None:
    """List the plans."""
    with _transaction(database) as conn:
        plans = service.list_plans(conn)
    table = Table("plan", "default", "zones", "accounts", "e-mail")
    for plan in plans:
        table.add_row(
            plan.name,
            "yes" if plan.is_default else "",
            str(plan.zones),
            str(plan.accounts),
            money.to_text(plan.mail),
        )
    console.print(table)


@tariffs_app.command("default")
def set_default(plan: str, database: DatabaseOption = None) -> None:
    """Make a plan the default: the plan of every account without one of its own."""
    with _transaction(database) as conn:
        service.set_default(conn, plan)
    console.print(f"default plan: {plan}", highlight=False, markup=False)


@tariffs_app.command("assign")
def assign(login: str, plan: str, database: DatabaseOption = None) -> None:
    """Put an account on a plan of its own."""
    with _transaction(database) as conn:
        service.assign_plan(conn, login, plan)
    console.print(f"{login}: plan {plan}", highlight=False, markup=False)


@tariffs_app.command("unassign")
def unassign(login: str, database: DatabaseOption = None) -> None:
    """Return an account to the default plan."""
    with _transaction(database) as conn:
        service.unassign_plan(conn, login)
    console.print(f"{login}: the default plan", highlight=False, markup=False)


@price_app.command("set")
def price_set(login: str, mccmnc: str, cost: str, database: DatabaseOption = None) -> None:
    """Set an account's price for one network (MCCMNC, e.g. 25001)."""
    hundredths = _price(cost)
    with _transaction(database) as conn:
        service.set_price(conn, login, mccmnc, hundredths)
    console.print(f"{login}: {mccmnc} costs {money.to_text(hundredths)}", highlight=False)


@price_app.command("unset")
def price_unset(login: str, mccmnc: str, database: DatabaseOption = None) -> None:
    """Remove an account's price for one network."""
    with _transaction(database) as conn:
        if not service.unset_price(conn, login, mccmnc):
            raise service.TariffError(f"{login} has no individual price for {mccmnc}")
    console.print(f"{login}: {mccmnc} priced by the plan again", highlight=False, markup=False)


@price_app.command("list")
def price_list(login: str, database: DatabaseOption = None) -> None:
    """Show an account's plan and its individual prices."""
    with _transaction(database) as conn:
        plan = service.plan_of(conn, login)
        prices = service.list_prices(conn, login)
    console.print(f"{login}: plan {plan or '(none)'}", highlight=False, markup=False)
    table = Table("mccmnc", "cost")
    for mccmnc, cost in prices:
        table.add_row(mccmnc, money.to_text(cost))
    console.print(table)
