"""History SQL. Every statement is a range scan of one index of ``messages``.

Newest first by ``(send_ts, int_id)``: the time the message is (or was) to be sent, then
its id for the messages of one second. ``prev_id`` continues below the message of that
``int_id`` in this order (keyset paging, no OFFSET), and a period is a range of ``send_ts``
in the same index. Nothing here relies on ids being allocated in send order, which
scheduled messages and concurrent writers do not keep (docs/architecture.md, "Order of
ids"); ``send_ts`` is written once, when the message is accepted, and never changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

HISTORY_COLUMNS = (
    "status, last_ts, err, send_ts, phone, mccmnc, country, operator, region, cost,"
    " sender_id, message, type, id, int_id, sms_cnt, format, crc"
)


@dataclass(frozen=True, slots=True)
class HistoryQuery:
    account_id: int
    mail: bool
    addresses: Sequence[str]  # phones, or e-mail addresses when ``mail``
    period: tuple[int, int] | None  # [start, end) of send_ts, Unix seconds
    before_int_id: int | None  # prev_id: only messages after this one in the order
    limit: int


def history(query: HistoryQuery) -> tuple[str, list[Any]]:
    where = ["account_id = ?", "mail = ?"]
    args: list[Any] = [query.account_id, int(query.mail)]
    if query.addresses:
        where.append(f"phone IN ({', '.join('?' * len(query.addresses))})")
        args.extend(query.addresses)
    if query.period:
        where.append("send_ts >= ? AND send_ts < ?")
        args.extend(query.period)
    if query.before_int_id is not None:
        # The page's last message, of this account only (another's id finds nothing).
        where.append(
            "(send_ts, int_id) < (SELECT p.send_ts, p.int_id FROM messages p"
            " WHERE p.int_id = ? AND p.account_id = ?)"
        )
        args += [query.before_int_id, query.account_id]
    sql = (
        f"SELECT {HISTORY_COLUMNS} FROM messages WHERE {' AND '.join(where)}"
        " ORDER BY send_ts DESC, int_id DESC LIMIT ?"
    )
    args.append(query.limit)
    return sql, args


STATUS_COLUMNS = (
    "status, last_ts, err, send_ts, phone, mccmnc, country, operator, region, cost,"
    " sender_id, message, comment, type, format, balance, sms_cnt"
)
# The newest message of the account with the client's (id, phone): ix_messages_client.
# ``mail`` <> 2: not deleted (history/tables.py HIDDEN).
STATUS = (
    f"SELECT {STATUS_COLUMNS} FROM messages"
    " WHERE account_id = ? AND id = ? AND phone = ? AND ref = ? AND mail <> 2"
    " ORDER BY int_id DESC LIMIT 1"
)
# Deleting hides a finished message (a tombstone: history pages may start from it).
DELETE = (
    "UPDATE messages SET mail = 2 WHERE account_id = ? AND id = ? AND phone = ? AND ref = ?"
    " AND mail <> 2 AND state NOT IN ('queued', 'sending')"
)
