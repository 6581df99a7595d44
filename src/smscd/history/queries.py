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

from smscd.db.gateway import Dialect

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


def history(dialect: Dialect, query: HistoryQuery) -> tuple[str, list[Any]]:
    if dialect == "postgresql" and len(query.addresses) > 1:
        return _several_postgres(query)
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


def _several_postgres(query: HistoryQuery) -> tuple[str, list[Any]]:
    """Several numbers on PostgreSQL: each number's newest ``limit`` rows (one backward
    range scan of ``ix_messages_phone`` per number), merged, newest ``limit`` of them.

    ``phone IN (...)`` let PostgreSQL plan either one scan of all the numbers' rows in the
    range and a sort of them, or a scan of ``ix_messages_period`` filtered by number until
    ``limit`` match (a generic plan guesses how many do): reads that grow with the
    account, not with the answer (issue 9, docs/performance.md "PostgreSQL"). Here every
    plan reads at most ``limit`` rows per number; the numbers are one array parameter, so
    the statement's text (and its prepared plan) is the same for any count.
    """
    where = ["m.account_id = ?", "m.mail = ?", "m.phone = p.phone"]
    args: list[Any] = [list(query.addresses), query.account_id, int(query.mail)]
    if query.period:
        where.append("m.send_ts >= ? AND m.send_ts < ?")
        args.extend(query.period)
    if query.before_int_id is not None:
        where.append(
            "(m.send_ts, m.int_id) < (SELECT b.send_ts, b.int_id FROM messages b"
            " WHERE b.int_id = ? AND b.account_id = ?)"
        )
        args += [query.before_int_id, query.account_id]
    columns = ", ".join(f"m.{column.strip()}" for column in HISTORY_COLUMNS.split(","))
    sql = (
        f"SELECT h.* FROM unnest(CAST(? AS TEXT[])) AS p(phone) CROSS JOIN LATERAL"
        f" (SELECT {columns} FROM messages m WHERE {' AND '.join(where)}"
        " ORDER BY m.send_ts DESC, m.int_id DESC LIMIT ?) h"
        " ORDER BY h.send_ts DESC, h.int_id DESC LIMIT ?"
    )
    args += [query.limit, query.limit]
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
