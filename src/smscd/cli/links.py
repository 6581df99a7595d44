"""``smscd links list|add``: an account's short links, from the command line."""

from __future__ import annotations

import time
from typing import Annotated

import typer
from rich.table import Table

from smscd.accounts.service import AccountError, account_id
from smscd.cli.common import DatabaseOption, command_database, console, fail
from smscd.errors import ParametersError
from smscd.links import store, urls
from smscd.settings import Settings

links_app = typer.Typer(help="Short links.", no_args_is_help=True)


def _short_url(settings: Settings, code: str) -> str:
    base = settings.links_base_url
    return f"{base if base.endswith('/') else base + '/'}{code}"


@links_app.command("list")
def links_list(login: str, database: DatabaseOption = None) -> None:
    """List an account's short links with their total clicks."""
    try:
        with command_database(database) as (settings, engine), engine.connect() as conn:
            rows = store.list_links(conn, account_id(conn, login))
    except AccountError as exc:
        raise fail(str(exc)) from exc
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
        raise fail(f"not a usable link: {exc.detail}") from exc
    try:
        with command_database(database) as (settings, engine), engine.begin() as conn:
            stored = store.add_link(conn, account_id(conn, login), url, int(time.time()))
    except AccountError as exc:
        raise fail(str(exc)) from exc
    console.print(f"{stored.id} {_short_url(settings, stored.code)}", highlight=False)
