"""Sender names: those registered for an account, and its default (sending.md ``sender``).

The request path asks :func:`resolve` for the name a send goes out under; the CLI's
``smscd sender add|list|remove`` keeps the list (synchronous, cold). A name is up to 11
Latin letters, digits, spaces and ``.-_!&`` with at least one letter, or up to 15 digits
(optionally after ``+``) **[ours]**: what an alphanumeric or numeric originator can carry;
or an e-mail address of up to 64 characters, the From of ``mail=1`` messages sent under it
(never an account's default) **[ours]**.
"""

from __future__ import annotations

import re

from sqlalchemy import Connection, delete, insert, select, update

from smscd.accounts.tables import accounts
from smscd.db.gateway import Database, Reads
from smscd.errors import AdminError, MessageDeniedError
from smscd.sending import queries
from smscd.sending.tables import senders

_ALPHANUMERIC = re.compile(r"(?=.*[A-Za-z])[A-Za-z0-9 .\-_!&]{1,11}")
_NUMERIC = re.compile(r"\+?[0-9]{1,15}")
# An e-mail address (up to 64 characters): the From of mail=1 messages [ours].
_EMAIL = re.compile(r"(?=.{3,64}$)[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")
NO_NAME = ("", ".")  # ``sender=`` or ``sender=.``: send without a name


class SenderError(AdminError):
    """A sender name that cannot be registered or removed; the message says why."""


def valid_name(name: str) -> bool:
    return bool(_ALPHANUMERIC.fullmatch(name) or _NUMERIC.fullmatch(name) or is_email(name))


def is_email(name: str) -> bool:
    """A sender name that is an e-mail address: the From of the account's e-mail."""
    return bool(_EMAIL.fullmatch(name))


async def resolve(db: Reads, account_id: int, asked: str | None, send_id: int | str) -> str:
    """The name to send under: the account's default when ``asked`` is None, none for
    ``''`` or ``.``, else ``asked`` if registered for the account (error 6 otherwise)."""
    if asked is None:
        row = await db.fetch_one(queries.DEFAULT_SENDER, [account_id])
        return str(row[0]) if row is not None else ""
    if asked in NO_NAME:
        return ""
    if await db.fetch_one(queries.SENDER, [account_id, asked]) is None:
        raise MessageDeniedError(send_id, f"sender {asked!r} not registered")
    return asked


# Administration (the CLI).


def check(name: str, make_default: bool = False) -> None:
    """SenderError unless ``name`` may be registered (and made the default)."""
    if not valid_name(name):
        raise SenderError(
            f"{name!r}: a sender name is up to 11 Latin letters, digits, spaces and .-_!& "
            "(with a letter), up to 15 digits, or an e-mail address of up to 64 characters"
        )
    if make_default and is_email(name):
        raise SenderError(f"{name!r}: an e-mail address is chosen per send (sender=), "
                          "not made the default")  # fmt: skip


def add(conn: Connection, account_id: int, name: str, make_default: bool = False) -> None:
    check(name, make_default)
    known = conn.execute(
        select(senders.c.name).where(senders.c.account_id == account_id, senders.c.name == name)
    ).first()
    if known is None:
        conn.execute(insert(senders).values(account_id=account_id, name=name))
    if make_default:
        conn.execute(
            update(accounts).where(accounts.c.id == account_id).values(default_sender=name)
        )


def remove(conn: Connection, account_id: int, name: str) -> None:
    gone = conn.execute(
        delete(senders).where(senders.c.account_id == account_id, senders.c.name == name)
    ).rowcount
    if not gone:
        raise SenderError(f"no sender name {name!r}")
    conn.execute(
        update(accounts)
        .where(accounts.c.id == account_id, accounts.c.default_sender == name)
        .values(default_sender="")
    )


def listed(conn: Connection, account_id: int) -> tuple[list[str], str]:
    """The account's names in order, and its default ('' none)."""
    names = conn.execute(
        select(senders.c.name).where(senders.c.account_id == account_id).order_by(senders.c.name)
    ).scalars()
    default = conn.execute(
        select(accounts.c.default_sender).where(accounts.c.id == account_id)
    ).scalar_one()
    return list(names), str(default)


# The same on the server's gateway (the web console's sender-name page, docs/console.md).


async def names_of(db: Reads, account_id: int) -> tuple[list[str], str]:
    """:func:`listed` on the gateway."""
    rows = await db.fetch_all(queries.SENDER_NAMES, [account_id])
    default = await db.fetch_one(queries.DEFAULT_SENDER, [account_id])
    return [str(row[0]) for row in rows], str(default[0]) if default is not None else ""


async def add_name(db: Database, account_id: int, name: str, make_default: bool = False) -> None:
    """:func:`add` on the gateway."""
    check(name, make_default)
    async with db.transaction() as tx:
        await tx.execute(queries.ADD_SENDER, [account_id, name])
        if make_default:
            await tx.execute(queries.SET_DEFAULT_SENDER, [name, account_id])


async def remove_name(db: Database, account_id: int, name: str) -> None:
    """:func:`remove` on the gateway."""
    if not valid_name(name):  # never registered (and not for the database to read)
        raise SenderError(f"no sender name {name!r}")
    async with db.transaction() as tx:
        if not await tx.execute(queries.REMOVE_SENDER, [account_id, name]):
            raise SenderError(f"no sender name {name!r}")
        await tx.execute(queries.UNSET_DEFAULT_SENDER, [account_id, name])
