"""``smscd links list|add``: an account's short links, from the command line.

The small helpers below mirror those of cli/main.py (which imports this module, so this
module cannot import it back).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine

from smscd.accounts.service import AccountError, account_id
from smscd.db.engine import sync_engine
from smscd.db.urls import DatabaseUrl
from smscd.errors import ParametersError
from smscd.links import store, urls
from smscd.settings import Settings, load_settings

links_app = typer.Typer(help="Short links.", no_args_is_help=True)

console = Console()
err_console = Console(stderr=True)

DatabaseOption = Annotated[
    str | None, typer.Option("--database", help="Database URL (default: SMSCD_DATABASE_URL).")
]


def _fail(message: str, code: int = 1) -> typer.Exit:
    err_console.print(f"[red]error:[/red] {message}", highlight=False)
    return typer.Exit(code)


@contextmanager
def _engine(database: str | None) -> Iterator[tuple[Settings, Engine]]:
    """The settings and an engine for one command, disposed after it."""
    try:
        settings = load_settings(**({"database_url": database} if database else {}))
        DatabaseUrl.parse(settings.database_url)
    except ValueError as exc:
        raise _fail(str(exc), 2) from exc
    engine = sync_engine(settings.database_url)
    try:
        yield settings, engine
    finally:
        engine.dispose()


def _short_url(settings: Settings, code: str) -> str:
    base = settings.links_base_url
    return f"{base if base.endswith('/') else base + '/'}{code}"


@links_app.command("list")
def links_list(login: str, database: DatabaseOption = None) -> None:
    """List an account's short links with their total clicks."""
    try:
        with _engine(database) as (settings, engine), engine.connect() as conn:
            rows = store.list_links(conn, account_id(conn, login))
    except AccountError as exc:
        raise _fail(str(exc)) from exc
    table = Table(
        "id",
        "code",
        "clicks",
        "created (UTC)",
        "link",
        title=f"short URL = {_short_url(settings, '<code>')}",
    )
    for row in rows:
        created = time.strftime("%Y-%m-%d %H:%M", time.gmtime(row.created_ts))
        table.add_row(str(row.id), row.code, str(row.clicks), created, row.url)
    console.print(table)


@links_app.command("add")
def links_add(
    login: str,
    link: Annotated[str, typer.Argument(help="The original http:// or https:// URL.")],
    database: DatabaseOption = None,
) -> None:
    """Create a short link for an account (or show the one it has for this URL)."""
    try:
        url = urls.checked_link(link.strip())
    except ParametersError as exc:
        raise _fail(f"not a usable link: {exc.detail}") from exc
    try:
        with _engine(database) as (settings, engine), engine.begin() as conn:
            stored = store.add_link(conn, account_id(conn, login), url, int(time.time()))
    except AccountError as exc:
        raise _fail(str(exc)) from exc
    console.print(f"{stored.id} {_short_url(settings, stored.code)}", highlight=False)
