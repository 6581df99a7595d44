"""Incoming SQL: oldest first by ``id``, a range scan of one index of ``incoming``.

The time window becomes an ``id`` range through ``ix_incoming_period`` (within an account, id
order is receive order: store.py makes it so), and the receive time is checked again on the
rows themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

INCOMING_COLUMNS = "id, received_ts, phone, message, to_phone, sent_ts"

# store.py: an account's latest receive time (the end of ix_incoming_period), and a message.
LATEST_RECEIVED = "SELECT MAX(received_ts) FROM incoming WHERE account_id = ?"
INSERT = (
    "INSERT INTO incoming (account_id, received_ts, sent_ts, phone, to_phone, message)"
    " VALUES (?, ?, ?, ?, ?, ?)"
)


@dataclass(frozen=True, slots=True)
class IncomingQuery:
    account_id: int
    since: int  # Unix seconds
    after_id: int
    to_phone: str | None
    limit: int


def incoming(query: IncomingQuery) -> tuple[str, list[Any]]:
    where = [
        "account_id = ?",
        "id > ?",
        "id >= (SELECT id FROM incoming WHERE account_id = ? AND received_ts >= ?"
        " ORDER BY received_ts, id LIMIT 1)",
        "received_ts >= ?",
    ]
    args: list[Any] = [query.account_id, query.after_id, query.account_id, query.since, query.since]
    if query.to_phone:
        where.append("to_phone = ?")
        args.append(query.to_phone)
    sql = f"SELECT {INCOMING_COLUMNS} FROM incoming WHERE {' AND '.join(where)} ORDER BY id LIMIT ?"
    args.append(query.limit)
    return sql, args
