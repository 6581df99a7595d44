"""Rows for tests: sent and incoming messages with sensible defaults."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy import Engine, select

from smscd import segments
from smscd.db.connect import open_database
from smscd.db.gateway import Database, Transaction
from smscd.history.store import insert_messages
from smscd.history.tables import messages
from smscd.incoming.store import receive
from smscd.incoming.tables import incoming as incoming_table

T = TypeVar("T")
_send_ids = itertools.count(1000)


def sent(account_id: int, send_ts: int, **fields: Any) -> dict[str, Any]:
    text = fields.pop("message", "Hello")
    row = {
        "account_id": account_id,
        "id": next(_send_ids),
        "phone": "79991234567",
        "format": 0,
        "type": 0,
        "status": 1,
        "err": 0,
        "send_ts": send_ts,
        "last_ts": send_ts + 5,
        "mccmnc": "25001",
        "country": "Россия",
        "operator": "МТС",
        "region": "г. Москва * Московская область",
        "cost": 144,
        "sender_id": "SMSC.RU",
        "message": text,
        "sms_cnt": segments.parts(text),
        "crc": segments.crc(text),
    }
    row.update(fields)
    return row


def write(engine: Engine, work: Callable[[Transaction], Awaitable[object]]) -> None:
    """One unit of work on the engine's database, through the server's own gateway."""

    async def main() -> None:
        db = await open_database(engine.url.render_as_string(hide_password=False), 1, 1)
        try:
            async with db.transaction() as tx:
                await work(tx)
        finally:
            await db.stop()

    asyncio.run(main())


def read(engine: Engine, work: Callable[[Database], Awaitable[T]]) -> T:
    """A read through the server's own gateway."""

    async def main() -> T:
        db = await open_database(engine.url.render_as_string(hide_password=False), 1, 1)
        try:
            return await work(db)
        finally:
            await db.stop()

    return asyncio.run(main())


def add_sent(engine: Engine, rows: list[dict[str, Any]]) -> list[int]:
    """Insert rows through the history store, in the order given; their int_ids."""
    write(engine, lambda tx: insert_messages(tx, rows))
    with engine.connect() as conn:
        ids = conn.execute(
            select(messages.c.int_id)
            .where(messages.c.account_id == rows[0]["account_id"])
            .order_by(messages.c.int_id.desc())
            .limit(len(rows))
        ).scalars()
        return sorted(ids)


def incoming(account_id: int, received_ts: int, **fields: Any) -> dict[str, Any]:
    row = {
        "account_id": account_id,
        "received_ts": received_ts,
        "sent_ts": received_ts - 3,
        "phone": "79161234567",
        "to_phone": "79990000001",
        "message": "Да",
    }
    row.update(fields)
    return row


def add_incoming(engine: Engine, rows: list[dict[str, Any]]) -> list[int]:
    """Receive rows through the incoming store, in the order given; their ids."""
    write(engine, lambda tx: receive(tx, rows))
    with engine.connect() as conn:
        ids = conn.execute(
            select(incoming_table.c.id)
            .where(incoming_table.c.account_id == rows[0]["account_id"])
            .order_by(incoming_table.c.id.desc())
            .limit(len(rows))
        ).scalars()
        return sorted(ids)
