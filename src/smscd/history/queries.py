"""History SQL. Every statement is a range scan of one index of ``messages``.

Newest first by ``int_id``; ``prev_id`` continues below an id (keyset paging, no OFFSET).
A period becomes an ``int_id`` range through ``ix_messages_period`` (ids are allocated in
send order, see tables.py), and the send time is checked again on the rows themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

HISTORY_COLUMNS = (
    "status, last_ts, err, send_ts, phone, mccmnc, country, operator, region, cost,"
    " sender_id, message, type, id, int_id, sms_cnt, format, crc"
)

NO_UPPER_BOUND = 2**63 - 1


@dataclass(frozen=True, slots=True)
class HistoryQuery:
    account_id: int
    mail: bool
    addresses: Sequence[str]  # phones, or e-mail addresses when ``mail``
    period: tuple[int, int] | None  # [start, end) in Unix seconds
    before_int_id: int
    limit: int


def history(query: HistoryQuery) -> tuple[str, list[Any]]:
    mail = int(query.mail)
    where = ["account_id = ?", "mail = ?", "int_id < ?"]
    args: list[Any] = [query.account_id, mail, query.before_int_id]
    if query.addresses:
        where.append(f"phone IN ({', '.join('?' * len(query.addresses))})")
        args.extend(query.addresses)
    if query.period:
        start, end = query.period
        where.append(
            "int_id >= (SELECT int_id FROM messages WHERE account_id = ? AND mail = ?"
            " AND send_ts >= ? ORDER BY send_ts, int_id LIMIT 1)"
        )
        where.append(
            "int_id <= (SELECT int_id FROM messages WHERE account_id = ? AND mail = ?"
            " AND send_ts < ? ORDER BY send_ts DESC, int_id DESC LIMIT 1)"
        )
        where.append("send_ts >= ? AND send_ts < ?")
        args += [query.account_id, mail, start, query.account_id, mail, end, start, end]
    sql = (
        f"SELECT {HISTORY_COLUMNS} FROM messages WHERE {' AND '.join(where)}"
        " ORDER BY int_id DESC LIMIT ?"
    )
    args.append(query.limit)
    return sql, args
