"""The console's own SQL: sessions. Everything else a page shows comes through the API's
handlers (pages.py), so it is the API's SQL."""

from __future__ import annotations

ACCOUNT_COLUMNS = (
    "a.id, a.login, a.allowed_ips, a.timezone, a.currency, a.language, a.parent_id, a.rate_limits"
)

# The session's account, if the session has not expired (expires_at > now).
SESSION_ACCOUNT = (
    f"SELECT {ACCOUNT_COLUMNS} FROM console_sessions s JOIN accounts a ON a.id = s.account_id"
    " WHERE s.token_hash = ? AND s.expires_at > ?"
)
NEW_SESSION = (
    "INSERT INTO console_sessions (token_hash, account_id, created_at, expires_at)"
    " VALUES (?, ?, ?, ?)"
)
END_SESSION = "DELETE FROM console_sessions WHERE token_hash = ?"
# Expired sessions of an account, removed when it logs in again (the table stays small).
PRUNE_SESSIONS = "DELETE FROM console_sessions WHERE account_id = ? AND expires_at <= ?"

# A message's timeline (pages.py): the message of this account, then each try of its
# delivery (delivery_attempts, append-only), oldest first.
MESSAGE = (
    "SELECT int_id, id, phone, status, send_ts, last_ts, message FROM messages"
    " WHERE int_id = ? AND account_id = ?"
)
ATTEMPTS = (
    "SELECT a.attempt, a.ts, a.outcome, a.detail FROM delivery_attempts a"
    " JOIN messages m ON m.int_id = a.int_id"
    " WHERE a.int_id = ? AND m.account_id = ? ORDER BY a.ts, a.attempt"
)
# Messages per status over [start, end) of send_ts (the statistics page's second table).
STATUS_COUNTS = (
    "SELECT status, COUNT(*) FROM messages"
    " WHERE account_id = ? AND mail <> 2 AND send_ts >= ? AND send_ts < ?"
    " GROUP BY status ORDER BY status"
)
