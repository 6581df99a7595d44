"""``smscd links list|add``: an account's short links, from the command line."""

from __future__ import annotations

import time
from typing import Annotated

import typer
from rich.table import Table

from smscd.accounts.service import account_id
from smscd.cli.common import (
    DatabaseOption,
    command_database,
    commands,
    console,
    fail,
    with_database,
)
from smscd.db.gateway import Database
from smscd.errors import ParametersError
from smscd.links import store, urls
from smscd.settings import Settings

links_app = commands("Short links.")


def _short_url(settings: Settings, code: str) -> str:
    base = settings.links_base_url
    return f"{base if base.endswith('/') else base + '/'}{code}"


@links_app.command("list")
def links_list(login: str, database: DatabaseOption = None) -> None:
    """List an account's short links with their total clicks."""
    with command_database(database) as (settings, engine), engine.connect() as conn:
        owner = account_id(conn, login)
    rows = with_database(settings, lambda db: store.list_links(db, owner))
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
    with command_database(database) as (settings, engine), engine.connect() as conn:
        owner = account_id(conn, login)

    async def add(db: Database) -> store.StoredLink:
        async with db.transaction() as tx:
            return await store.add_link(tx, owner, url, int(time.time()))

    stored = with_database(settings, add)
    console.print(f"{stored.id} {_short_url(settings, stored.code)}", highlight=False)
