"""Callback SQL: queueing (in the caller's unit of work), the claim, the outcomes."""

from __future__ import annotations

from typing import Any

from smscd.db.gateway import Dialect


def changed_messages(count: int) -> str:
    marks = ", ".join("?" * count)
    return (
        "SELECT m.int_id, m.account_id, a.timezone, m.id, m.ref, m.phone, m.status, m.err,"
        " m.last_ts, m.sms_cnt, m.cost, m.sender_id"
        " FROM messages m JOIN accounts a ON a.id = m.account_id"
        f" WHERE m.int_id IN ({marks}) AND a.callback_url <> '' ORDER BY m.int_id"
    )


NEWEST_INCOMING = (
    "SELECT i.id, a.timezone, i.phone, i.message, i.to_phone, i.sent_ts, i.received_ts"
    " FROM incoming i JOIN accounts a ON a.id = i.account_id"
    " WHERE i.account_id = ? AND a.id = ? AND a.callback_url <> ''"
    " ORDER BY i.id DESC LIMIT ?"
)

ENQUEUE = (
    "INSERT INTO callbacks (account_id, kind, subject, body, created_ts, state, run_at)"
    " VALUES (?, ?, ?, ?, ?, 'pending', ?)"
)


def claim(dialect: Dialect, now: int, limit: int, lease_until: int) -> tuple[str, list[Any]]:
    """Due notices, oldest first, each the first unfinished one of its subject (one
    message's notices go out in order), under a lease."""
    due = (
        "SELECT c.id FROM callbacks c WHERE c.state = 'pending' AND c.run_at <= ?"
        " AND NOT EXISTS (SELECT 1 FROM callbacks p WHERE p.kind = c.kind"
        " AND p.subject = c.subject AND p.id < c.id AND p.state IN ('pending', 'sending'))"
        " ORDER BY c.run_at, c.id LIMIT ?"
    )
    if dialect == "postgresql":
        sql = (
            f"WITH due AS ({due} FOR UPDATE SKIP LOCKED) UPDATE callbacks c SET"
            " state = 'sending', attempt = c.attempt + 1, lease_until = ?"
            " FROM due WHERE c.id = due.id RETURNING c.id, c.account_id, c.body, c.attempt"
        )
        return sql, [now, limit, lease_until]
    sql = (
        "UPDATE callbacks SET state = 'sending', attempt = attempt + 1, lease_until = ?"
        f" WHERE id IN ({due}) RETURNING id, account_id, body, attempt"
    )
    return sql, [lease_until, now, limit]


def endpoints(count: int) -> str:
    return (
        "SELECT id, callback_url, callback_secret FROM accounts"
        f" WHERE id IN ({', '.join('?' * count)})"
    )


SENT = "UPDATE callbacks SET state = 'sent', lease_until = NULL WHERE id = ? AND state = 'sending'"
RETRY = (
    "UPDATE callbacks SET state = 'pending', run_at = ?, lease_until = NULL"
    " WHERE id = ? AND state = 'sending'"
)
GIVE_UP = (
    "UPDATE callbacks SET state = 'failed', lease_until = NULL WHERE id = ? AND state = 'sending'"
)
ATTEMPT = "INSERT INTO callback_attempts (callback_id, ts, http_status, error) VALUES (?, ?, ?, ?)"
RESCUE = (
    "UPDATE callbacks SET state = 'pending', lease_until = NULL"
    " WHERE state = 'sending' AND lease_until < ?"
)
# The outbox's backlog (/metrics): pending notices, counted up to a cap, and the earliest
# due time among them; both read ix_callbacks_due. Params: cap.
BACKLOG = (
    "SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM callbacks WHERE state = 'pending' LIMIT ?)"
    " counted), (SELECT MIN(run_at) FROM callbacks WHERE state = 'pending')"
)
