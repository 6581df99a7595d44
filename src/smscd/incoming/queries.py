"""Incoming SQL: oldest first by ``id``, a range scan of one index of ``incoming``.

The time window becomes an ``id`` range through ``ix_incoming_period`` (within an account, id
order is receive order: store.py makes it so), and the receive time is checked again on the
rows themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from smscd.db.gateway import Dialect
from smscd.db.metadata import MAX_ID

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


def incoming(dialect: Dialect, query: IncomingQuery) -> tuple[str, list[Any]]:
    """Ids above both ``after_id`` and the window's first id, oldest first: one forward
    range scan of ``ix_incoming_latest`` (``ix_incoming_to_phone`` for one number)."""
    if dialect == "postgresql":
        return _incoming_postgres(query)
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


def _incoming_postgres(query: IncomingQuery) -> tuple[str, list[Any]]:
    """The same rows, written so that no other plan looks cheaper to PostgreSQL, whatever
    parameters it plans for (a generic plan sees none; issue 9, docs/performance.md).

    With ``account_id = ? AND id > ?`` and ``ORDER BY id``, ``pk_incoming`` serves the order
    too, and the planner took it (custom plans as well): it reads every account's rows
    interleaved with this one's, 10 of them per row returned when the account gets one
    message in 10, the whole table for an account with none. Here the bounds are row
    values of the index's own columns and the order is the index's, which ``pk_incoming``
    can neither use nor give; the receive time is checked on the rows (``+ 0``: no index
    condition), so ``ix_incoming_period`` would have to sort the account's whole window.
    A row value must be the scan's only lower bound (a B-tree starts from one key per
    column, and ``account_id = ?`` would win over it): hence the larger of the two bounds,
    computed once.
    """
    # Above after_id, and at or after the first id received at ``since`` or later (none:
    # the largest id, nothing qualifies).
    lower = (
        "GREATEST(CAST(? AS BIGINT) + 1, COALESCE((SELECT w.id FROM incoming w"
        " WHERE w.account_id = ? AND w.received_ts >= ? ORDER BY w.received_ts, w.id"
        f" LIMIT 1), {MAX_ID}))"
    )
    window = [query.after_id, query.account_id, query.since]
    if query.to_phone:
        # One number: the account by equality, then (to_phone, id) bounds on the next
        # columns of ix_incoming_to_phone, which no other index holds in that order.
        key = "to_phone, id"
        where = [
            "account_id = ?",
            f"(to_phone, id) >= (?, {lower})",
            f"(to_phone, id) <= (?, {MAX_ID})",
            "received_ts + 0 >= ?",
        ]
        args: list[Any] = [query.account_id, query.to_phone, *window, query.to_phone]
    else:
        key = "account_id, id"
        where = [
            f"(account_id, id) >= (?, {lower})",
            f"(account_id, id) <= (?, {MAX_ID})",
            "received_ts + 0 >= ?",
        ]
        args = [query.account_id, *window, query.account_id]
    args.append(query.since)
    sql = (
        f"SELECT {INCOMING_COLUMNS} FROM incoming WHERE {' AND '.join(where)}"
        f" ORDER BY {key} LIMIT ?"
    )
    args.append(query.limit)
    return sql, args
