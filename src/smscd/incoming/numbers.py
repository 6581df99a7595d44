"""The numbers accounts own, and so where a carrier's incoming message belongs.

A carrier (SMPP ``deliver_sm``, the HTTP intake) says only which number a phone wrote
to; the account that owns that number (``smscd numbers add LOGIN 79991110001``) gets the
message in ``get_answers`` and its callback. A number has one owner. A message to a number
nobody owns is not stored: it is logged and counted (docs/carriers.md, "Incoming").
"""

from __future__ import annotations

import time

from sqlalchemy import Connection, delete, insert, select

from smscd.db.gateway import Reads
from smscd.errors import AdminError, ParametersError
from smscd.incoming.tables import numbers
from smscd.phones import normalise_phone

CHUNK = 500  # numbers per lookup statement
OWNERS = "SELECT phone, account_id FROM numbers WHERE phone IN ({marks})"


class NumberError(AdminError):
    """A number that cannot be added or removed; the message says why."""


def _digits(phone: str) -> str:
    try:
        return normalise_phone(phone)
    except ParametersError as exc:
        raise NumberError(f"not a phone number: {phone!r}") from exc


async def owners(db: Reads, phones: set[str]) -> dict[str, int]:
    """The owning account of each of ``phones`` (digits only) that has one."""
    found: dict[str, int] = {}
    ordered = sorted(phones)
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start : start + CHUNK]
        rows = await db.fetch_all(OWNERS.format(marks=", ".join("?" * len(chunk))), chunk)
        found.update((str(phone), int(account)) for phone, account in rows)
    return found


# Administration (the CLI).


def add(conn: Connection, account_id: int, phone: str) -> str:
    digits = _digits(phone)
    owner = conn.execute(select(numbers.c.account_id).where(numbers.c.phone == digits)).scalar()
    if owner is not None:
        raise NumberError(f"number {digits} is already owned" + (
            " by this account" if owner == account_id else " by another account"))  # fmt: skip
    conn.execute(insert(numbers).values(phone=digits, account_id=account_id,
                                        created_at=int(time.time())))  # fmt: skip
    return digits


def remove(conn: Connection, phone: str) -> str:
    digits = _digits(phone)
    if not conn.execute(delete(numbers).where(numbers.c.phone == digits)).rowcount:
        raise NumberError(f"no account owns {digits}")
    return digits


def listed(conn: Connection, account_id: int | None = None) -> list[tuple[str, int]]:
    query = select(numbers.c.phone, numbers.c.account_id).order_by(numbers.c.phone)
    if account_id is not None:
        query = query.where(numbers.c.account_id == account_id)
    return [(str(phone), int(owner)) for phone, owner in conn.execute(query)]
