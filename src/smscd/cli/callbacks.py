"""``smscd account set-callback``: where an account's status changes and incoming messages
are posted, and the key they are signed with (docs/callbacks.md)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import typer
from sqlalchemy import update

from smscd.accounts.service import account_id
from smscd.accounts.tables import accounts
from smscd.callbacks import CallbackUrlError, checked_url, new_secret
from smscd.cli.common import DatabaseOption, command_database, console, fail


def set_callback(
    login: str,
    url: Annotated[str, typer.Argument(help="An http(s) URL; empty to stop notifying.")],
    database: DatabaseOption = None,
) -> None:
    """Post LOGIN's status changes and incoming messages to URL, signed with a new key
    (printed once: give it to the handler)."""
    try:
        url = checked_url(url)
    except CallbackUrlError as exc:
        raise fail(str(exc)) from exc
    secret = new_secret() if url else ""
    with command_database(database) as (_, engine), engine.begin() as conn:
        found = account_id(conn, login)
        conn.execute(
            update(accounts)
            .where(accounts.c.id == found)
            .values(callback_url=url, callback_secret=secret)
        )
    if not url:
        console.print(f"{login}: no callback", highlight=False)
        return
    console.print(f"{login}: notices go to {url}", highlight=False)
    console.print(f"signing key (shown once): {secret}", highlight=False, soft_wrap=True)


# (name, function) added to `smscd account`
account_commands: list[tuple[str, Callable[..., None]]] = [("set-callback", set_callback)]
