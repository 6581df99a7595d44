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
