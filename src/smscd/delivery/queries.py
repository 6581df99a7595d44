"""The queue's SQL: the claim, and one guarded statement per transition.

Each transition's WHERE holds its precondition (the state it leaves, and for a claimed
message ``claimed_by`` = this worker), so a transition that lost a race (a lease that
expired and was rescued, a receipt that came first) changes nothing; the caller counts
such misses and never raises. Each sets the public ``status``, ``err`` and ``last_ts`` in
the same statement. ``:now`` is always a parameter, never the database's clock.
"""

from __future__ import annotations

from typing import Any

from smscd.db.gateway import Dialect

CLAIMED_COLUMNS = "int_id, account_id, phone, message, sender_id, format, attempt, valid_until"


def claim(dialect: Dialect, connector: str, now: int, limit: int, worker: str,
          lease_until: int) -> tuple[str, list[Any]]:  # fmt: skip
    """Take up to ``limit`` due messages of ``connector`` (ix_messages_queue), oldest
    first: ``sending`` under this worker's lease, one more attempt. A message past its
    ``valid_until`` is never taken: maintenance expires it (status 3, refunded).
    PostgreSQL skips rows another worker is claiming (FOR UPDATE SKIP LOCKED; the CTE
    keeps the LIMIT exact); SQLite has one writer at a time."""
    due = (
        "SELECT int_id FROM messages WHERE state = 'queued' AND connector = ? AND run_at <= ?"
        " AND valid_until > ? ORDER BY run_at, int_id LIMIT ?"
    )
    if dialect == "postgresql":
        sql = (
            f"WITH due AS ({due} FOR UPDATE SKIP LOCKED)"
            " UPDATE messages m SET state = 'sending', attempt = m.attempt + 1,"
            " claimed_by = ?, lease_until = ? FROM due WHERE m.int_id = due.int_id"
            f" RETURNING {', '.join('m.' + c.strip() for c in CLAIMED_COLUMNS.split(','))}"
        )
        return sql, [connector, now, now, limit, worker, lease_until]
    sql = (
        "UPDATE messages SET state = 'sending', attempt = attempt + 1, claimed_by = ?,"
        f" lease_until = ? WHERE int_id IN ({due}) RETURNING {CLAIMED_COLUMNS}"
    )
    return sql, [worker, lease_until, connector, now, now, limit]


# Handed to the carrier: status 0, waiting for a receipt. Params: peer_id, now, int_id, worker.
MARK_SUBMITTED = (
    "UPDATE messages SET state = 'submitted', status = 0, err = 0, last_ts = ?, peer_id = ?,"
    " lease_until = NULL, claimed_by = NULL"
    " WHERE int_id = ? AND state = 'sending' AND claimed_by = ?"
)
# PostgreSQL: MARK_SUBMITTED for a batch in one statement; the ids it changed. Params:
# last_ts, int_ids (array), peer_ids (array, in the same order), worker.
MARK_SUBMITTED_MANY = (
    "UPDATE messages AS m SET state = 'submitted', status = 0, err = 0, last_ts = ?,"
    " peer_id = v.peer_id, lease_until = NULL, claimed_by = NULL"
    " FROM unnest(?::bigint[], ?::text[]) AS v(int_id, peer_id)"
    " WHERE m.int_id = v.int_id AND m.state = 'sending' AND m.claimed_by = ?"
    " RETURNING m.int_id"
)
# PostgreSQL: a batch's rows locked in id order (the order of every other writer's locks).
LOCK_IN_ORDER = (
    "SELECT int_id FROM messages WHERE int_id = ANY(?::bigint[]) ORDER BY int_id FOR UPDATE"
)
# Back to the queue for a later try. Params: run_at, attempt spent (0/1), int_id, worker.
RETRY_AT = (
    "UPDATE messages SET state = 'queued', run_at = ?, attempt = attempt - 1 + ?,"
    " lease_until = NULL, claimed_by = NULL"
    " WHERE int_id = ? AND state = 'sending' AND claimed_by = ?"
)
# Failed before reaching an operator. Params: status, err, now, int_id, worker.
MARK_FAILED = (
    "UPDATE messages SET state = 'failed', status = ?, err = ?, last_ts = ?,"
    " lease_until = NULL, claimed_by = NULL"
    " WHERE int_id = ? AND state = 'sending' AND claimed_by = ?"
)
# A receipt: the carrier's final word. Params: state, status, err, now, connector, peer_id.
# Also while ``sending``: a receipt may come before the submission's reply was stored.
FINISH_BY_PEER = (
    "UPDATE messages SET state = ?, status = ?, err = ?, last_ts = ?,"
    " lease_until = NULL, claimed_by = NULL"
    " WHERE connector = ? AND peer_id = ? AND state IN ('sending', 'submitted')"
    " RETURNING int_id, account_id, phone, sender_id"
)
# By our id (params: state, status, err, now, int_id, connector): only a message that
# connector was given, so that one connector's receipts never finish another's messages.
FINISH_BY_ID = (
    "UPDATE messages SET state = ?, status = ?, err = ?, last_ts = ?,"
    " lease_until = NULL, claimed_by = NULL"
    " WHERE int_id = ? AND connector = ? AND state IN ('sending', 'submitted')"
    " RETURNING int_id, account_id, phone, sender_id"
)
# Leases: renew this worker's, rescue the expired ones of any worker (lost workers).
RENEW = (
    "UPDATE messages SET lease_until = ? WHERE state = 'sending' AND claimed_by = ?"
    " AND int_id IN ({ids})"
)
# The open states' partial index (ix_messages_open): SQLite uses a partial index only when
# the statement repeats the index's condition, so each statement on open messages does.
OPEN = "state IN ('queued', 'sending', 'submitted')"
RESCUE = (
    "UPDATE messages SET state = 'queued', run_at = ?, lease_until = NULL, claimed_by = NULL"
    f" WHERE state = 'sending' AND lease_until < ? AND {OPEN}"
    " RETURNING int_id"
)
# Not delivered in time. Queued ones never reached an operator (refunded by the caller);
# submitted ones did, and stay charged. Params: now, now (valid_until below it).
EXPIRE_QUEUED = (
    "UPDATE messages SET state = 'expired', status = 3, err = 0, last_ts = ?"
    f" WHERE state = 'queued' AND valid_until <= ? AND {OPEN} RETURNING int_id"
)
EXPIRE_SUBMITTED = (
    "UPDATE messages SET state = 'expired', status = 3, err = 245, last_ts = ?"
    f" WHERE state = 'submitted' AND valid_until <= ? AND {OPEN} RETURNING int_id"
)
ATTEMPT = (
    "INSERT INTO delivery_attempts (int_id, attempt, connector, ts, outcome, detail)"
    " VALUES (?, ?, ?, ?, ?, ?)"
)
# A connector's messages still waiting for a receipt (the simulator resumes them).
OUTSTANDING = (
    "SELECT m.int_id, m.account_id, m.phone, m.sender_id, m.format, s.received_ts"
    " FROM messages m JOIN simulated_messages s ON s.int_id = m.int_id"
    " WHERE m.state = 'submitted' AND m.connector = ?"
)
# A connector's messages handed over and waiting for their receipt, by the peer's id (the
# e-mail connector reports them delivered after a restart: SMTP has no receipts).
SUBMITTED_OF = "SELECT peer_id FROM messages WHERE state = 'submitted' AND connector = ?"
# Every HTTP provider's settings (the intake keeps them a few seconds: delivery/intake.py).
PROVIDERS = "SELECT name, config FROM connectors WHERE kind = ?"


def backlog(state: str) -> str:
    """How many messages are in the open ``state`` (counting stops at the first param),
    and the oldest ``last_ts`` among those nearest their expiry (the second param: that
    many). Both are range scans of ix_messages_open; the state is written into the
    statement, so that PostgreSQL matches the partial index in any plan. Params: cap,
    nearest."""
    assert state in ("queued", "sending", "submitted")  # the index's states, never input
    where = f"FROM messages WHERE state = '{state}' AND {OPEN}"
    return (
        f"SELECT (SELECT COUNT(*) FROM (SELECT 1 {where} LIMIT ?) counted),"
        f" (SELECT MIN(last_ts) FROM (SELECT last_ts {where} ORDER BY valid_until LIMIT ?)"
        " nearest)"
    )


# The parts of long messages (delivery/parts.py): the carrier's id of each, and its final.
# Params: connector, peer_id, int_id, part, parts, created_at. Written with the message's
# ``submitted``; a part whose receipt came first is there already (with its final).
PART_SUBMITTED = (
    "INSERT INTO delivery_parts (connector, peer_id, int_id, part, parts, created_at)"
    " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (connector, peer_id) DO NOTHING"
)
# A part's receipt when the connector knows its message. Params: connector, peer_id,
# int_id, part, parts, final, err, created_at.
PART_FINAL = (
    "INSERT INTO delivery_parts (connector, peer_id, int_id, part, parts, final, err,"
    " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (connector, peer_id)"
    " DO UPDATE SET final = excluded.final, err = excluded.err"
)
# A part's message, by the carrier's id alone (a receipt after a restart). Params:
# connector, peer_id.
PART_OF_PEER = "SELECT int_id, parts FROM delivery_parts WHERE connector = ? AND peer_id = ?"
# Who decides a long message's end holds its row until the transaction ends (PostgreSQL:
# two parts' receipts in two transactions; SQLite has one writer). Params: int_id.
LOCK_MESSAGE = "SELECT int_id FROM messages WHERE int_id = ? FOR UPDATE"
# The finals of a message's parts. Params: int_id.
PART_FINALS = (
    "SELECT part, final, err FROM delivery_parts WHERE int_id = ? AND final IS NOT NULL"
    " ORDER BY part"
)
# A final message's parts, and those left over (the longest validity is a day). Params:
# the ids; a time (created before it).
PARTS_OF = "DELETE FROM delivery_parts WHERE int_id IN ({ids})"
PARTS_BEFORE = "DELETE FROM delivery_parts WHERE created_at < ?"


# The parts of incoming long messages (smpp/held.py). KEY: connector, source, dest,
# reference, total.
INCOMING_KEY = "connector = ? AND source = ? AND dest = ? AND reference = ? AND total = ?"
# Params: the key, seq, data_coding, data, received_at. A part sent again is held once.
INCOMING_PART = (
    "INSERT INTO incoming_parts (connector, source, dest, reference, total, seq,"
    " data_coding, data, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (connector, source, dest, reference, total, seq) DO NOTHING"
)
# Who completes a message holds its key until the transaction ends (PostgreSQL: two parts
# in two transactions would each miss the other's; SQLite has one writer). Params: key text.
INCOMING_LOCK = "SELECT pg_advisory_xact_lock(hashtextextended(?, 0))"
INCOMING_PARTS = (
    f"SELECT seq, data_coding, data FROM incoming_parts WHERE {INCOMING_KEY} ORDER BY seq"
)
INCOMING_DONE = f"DELETE FROM incoming_parts WHERE {INCOMING_KEY}"
# Parts whose message never completed. Params: connector, a time (received before it).
INCOMING_STALE = "DELETE FROM incoming_parts WHERE connector = ? AND received_at < ?"
