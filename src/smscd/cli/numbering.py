"""``smscd numbering``: import the Russian numbering plan, look numbers up, and edit the
operators table (brand and MNC of each operator, by INN).

An import reads every file first and changes nothing unless all of them are good; the
problems are listed with file names and line numbers (exit status 1). Running servers pick
up an import or an edit within ``SMSCD_NUMBERING_REFRESH_SECONDS``. docs/numbering.md has
the details.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import Engine

from smscd import textfiles
from smscd.cli.common import (
    DatabaseOption,
    command_database,
    command_settings,
    commands,
    console,
    err_console,
    fail,
)
from smscd.db.connect import open_database
from smscd.errors import ApiError
from smscd.http import replies
from smscd.numbering import layout, plan, store
from smscd.numbering import operators as operators_file
from smscd.numbering.operators import Operator
from smscd.numbering.service import NumberingService
from smscd.phones import normalise_phone
from smscd.settings import Settings

numbering_app = commands("Numbering plans for operator lookup.")
operators_app = commands("The operators table: brand and MNC of each operator, by INN.")
numbering_app.add_typer(operators_app, name="operators")


@contextmanager
def _engine(database_url: str | None) -> Iterator[Engine]:
    with command_database(database_url) as (_, engine):
        yield engine


def _read(path: Path) -> bytes:
    try:
        return sys.stdin.buffer.read() if str(path) == "-" else path.read_bytes()
    except OSError as exc:
        raise fail(f"{path}: {exc.strerror or exc}") from exc


@numbering_app.command("import")
def import_files(
    files: Annotated[
        list[Path], typer.Argument(help="Rossvyaz ABC-3xx, ABC-4xx, ABC-8xx, DEF-9xx files.")
    ],
    database: DatabaseOption = None,
) -> None:
    """Replace the Russian numbering plan with the ranges of FILES (all of them together)."""
    ranges = plan.read_files([(str(path), _read(path)) for path in files])
    with _engine(database) as engine:
        report = store.import_plan(engine, ranges, [path.name for path in files], int(time.time()))
    console.print(
        f"imported {report.ranges:,} ranges ({report.numbers:,} numbers) from "
        f"{len(files)} file(s): plan version {report.version}; "
        f"{report.operators_known:,} ranges of operators in the operators table",
        highlight=False,
    )
    for region in report.unknown_regions:
        err_console.print(
            f"[yellow]warning:[/yellow] no time zone for the region {region!r} (tz left empty)",
            highlight=False,
        )


@numbering_app.command("status")
def status(database: DatabaseOption = None) -> None:
    """Show the plan in force: version, ranges, when and from which files it was imported."""
    with _engine(database) as engine, engine.connect() as conn:
        current = store.state(conn)
        operators = len(store.list_operators(conn))
    imported = (
        time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(current.imported_at))
        if current.imported_at
        else "never"
    )
    console.print(f"version: {current.version}", highlight=False)
    console.print(f"ranges: {current.ranges:,}", highlight=False)
    console.print(f"imported: {imported}", highlight=False)
    console.print(f"files: {current.sources or '-'}", highlight=False)
    console.print(f"operators in the table: {operators}", highlight=False)


@numbering_app.command("lookup")
def lookup(
    phones: Annotated[list[str], typer.Argument(help="Numbers to look up.")],
    language: Annotated[str, typer.Option(help="ru or en: names in that language.")] = "ru",
    database: DatabaseOption = None,
) -> None:
    """Show what get_operator answers for PHONES, now (as a list in fmt 0)."""
    try:
        numbers = [normalise_phone(phone) for phone in phones]
    except ApiError as exc:
        raise fail("not a phone number") from exc
    settings = command_settings(database)
    records = asyncio.run(_lookup(settings, numbers, language))
    listed = [layout.listed(phone, record) for phone, record in zip(numbers, records, strict=True)]
    # As the API writes a list in fmt 0: one line a number, empty fields when not found.
    console.print(
        replies.render_records(layout.OPERATOR_LIST, listed, 0), markup=False, highlight=False
    )


async def _lookup(
    settings: Settings, phones: list[str], language: str
) -> list[dict[str, str] | None]:
    db = await open_database(settings.database_url, 1, 1)
    try:
        service = NumberingService(db)
        await service.load()
        now = time.time()
        return [service.directory.record(phone, language, now) for phone in phones]
    finally:
        await db.stop()


@operators_app.command("export")
def operators_export(
    file: Annotated[
        Path | None, typer.Argument(help="Write to FILE (default: standard output).")
    ] = None,
    database: DatabaseOption = None,
) -> None:
    """Write the operators table as a ;-separated UTF-8 file (inn;brand;brand_en;mnc;legal_name)."""
    with _engine(database) as engine, engine.connect() as conn:
        text = operators_file.write(store.list_operators(conn))
    if file is None:
        sys.stdout.write(text)
    else:
        file.write_text(text, encoding="utf-8")
        console.print(f"operators written to {file}", highlight=False)


@operators_app.command("import")
def operators_import(
    file: Annotated[Path, typer.Argument(help="An operators file ('-': standard input).")],
    database: DatabaseOption = None,
) -> None:
    """Replace the whole operators table with FILE (as `export` writes it)."""
    try:
        text = textfiles.decode(_read(file))
    except UnicodeDecodeError as exc:
        raise fail(f"{file}: neither UTF-8 nor windows-1251 text; nothing changed") from exc
    try:
        operators = operators_file.read(text, str(file))
    except operators_file.OperatorsFileError as exc:
        raise operators_file.OperatorsFileError(f"{exc}; nothing changed") from exc
    with _engine(database) as engine, engine.begin() as conn:
        count = store.replace_operators(conn, operators)
    console.print(f"{count} operators imported", highlight=False)


@operators_app.command("reset")
def operators_reset(database: DatabaseOption = None) -> None:
    """Replace the operators table with the one smscd ships."""
    with _engine(database) as engine, engine.begin() as conn:
        count = store.replace_operators(conn, operators_file.shipped())
    console.print(f"{count} operators (as shipped)", highlight=False)


@operators_app.command("set")
def operators_set(
    inn: Annotated[str, typer.Argument(help="The operator's INN (10 or 12 digits).")],
    brand: Annotated[str, typer.Option(help="The name answered in Russian.")],
    brand_en: Annotated[
        str | None, typer.Option("--brand-en", help="The name answered in English.")
    ] = None,
    mnc: Annotated[str, typer.Option(help="Its MNC under MCC 250 (2 or 3 digits).")] = "",
    legal_name: Annotated[
        str, typer.Option("--legal-name", help="Its legal name, as the plan writes it.")
    ] = "",
    database: DatabaseOption = None,
) -> None:
    """Add an operator or change one."""
    operator = Operator(inn.strip(), brand.strip(), (brand_en or brand).strip(), mnc.strip(),
                        legal_name.strip())  # fmt: skip
    try:
        # One line through the file reader: the same checks as an imported file.
        [checked] = operators_file.read(operators_file.write([operator]), "--")
    except operators_file.OperatorsFileError as exc:
        # The problem without the position of the one-line file it was checked as.
        raise operators_file.OperatorsFileError(str(exc).removeprefix("--, line 2: ")) from exc
    with _engine(database) as engine, engine.begin() as conn:
        added = store.set_operator(conn, checked)
    console.print(f"operator {checked.inn} {'added' if added else 'changed'}", highlight=False)


@operators_app.command("remove")
def operators_remove(
    inn: Annotated[str, typer.Argument(help="The operator's INN.")],
    database: DatabaseOption = None,
) -> None:
    """Remove an operator: its ranges then show the plan's name and an empty MNC."""
    with _engine(database) as engine, engine.begin() as conn:
        removed = store.remove_operator(conn, inn.strip())
    if not removed:
        raise fail(f"no operator with INN {inn}")
    console.print(f"operator {inn} removed", highlight=False)
