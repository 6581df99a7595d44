"""Writing sent messages (the demo seeder now; the sending path next), inside a unit of work.

``send_ts`` is when the message is (or was) to be sent: written once, at acceptance, and
never changed, because history orders and pages by it (queries.py). Ids may be allocated in
any order relative to it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from smscd.db.gateway import Transaction
from smscd.formats import EMAIL_FORMAT

COLUMNS = (
    "account_id", "id", "mail", "phone", "format", "type", "status", "err", "send_ts",
    "last_ts", "mccmnc", "country", "operator", "region", "cost", "sender_id", "message",
    "sms_cnt", "crc",
)  # fmt: skip
INSERT = f"INSERT INTO messages ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"


async def insert_messages(tx: Transaction, rows: Iterable[Mapping[str, Any]]) -> int:
    """Insert sent-message rows (columns of ``messages`` but ``int_id`` and ``mail``)."""
    batch = [
        tuple(int(row["format"] == EMAIL_FORMAT) if column == "mail" else row[column]
              for column in COLUMNS)
        for row in rows
    ]  # fmt: skip
    if batch:
        await tx.execute_many(INSERT, batch)
    return len(batch)
