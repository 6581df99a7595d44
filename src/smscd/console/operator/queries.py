"""The operator pages' own SQL. Writes go through the functions the CLI uses
(billing.store.pay, billing.admin.set_credit, the tariffs import, limits.blocks); these are
reads, and the operator's sessions."""

from __future__ import annotations

SESSION = (
    "SELECT o.id, o.login FROM operator_sessions s JOIN operators o ON o.id = s.operator_id"
    " WHERE s.token_hash = ? AND s.expires_at > ?"
)
NEW_SESSION = (
    "INSERT INTO operator_sessions (token_hash, operator_id, created_at, expires_at)"
    " VALUES (?, ?, ?, ?)"
)
END_SESSION = "DELETE FROM operator_sessions WHERE token_hash = ?"
PRUNE_SESSIONS = "DELETE FROM operator_sessions WHERE operator_id = ? AND expires_at <= ?"

_BALANCE = (
    "COALESCE((SELECT b.amount FROM ledger_balances b WHERE b.account_id = a.id"
    " AND b.balance = {}), 0)"
)
ACCOUNT_COLUMNS = (
    "a.id, a.login, p.login, a.currency, a.credit, "
    + _BALANCE.format(1) + ", " + _BALANCE.format(2)
    + ", (SELECT COUNT(*) FROM accounts c WHERE c.parent_id = a.id)"
)  # fmt: skip
# Accounts whose login starts with the filter (LIKE with escaped wildcards), by login.
ACCOUNTS = (
    f"SELECT {ACCOUNT_COLUMNS} FROM accounts a LEFT JOIN accounts p ON p.id = a.parent_id"
    " WHERE a.login LIKE ? ESCAPE '!' ORDER BY a.login LIMIT ?"
)
ACCOUNT = (
    f"SELECT {ACCOUNT_COLUMNS} FROM accounts a LEFT JOIN accounts p ON p.id = a.parent_id"
    " WHERE a.login = ?"
)
SUBCLIENTS = (
    f"SELECT {ACCOUNT_COLUMNS} FROM accounts a LEFT JOIN accounts p ON p.id = a.parent_id"
    " WHERE a.parent_id = ? ORDER BY a.login"
)
ACCOUNT_COUNT = "SELECT COUNT(*) FROM accounts"
# The account's latest payments (ledger kind 2), newest first.
PAYMENTS = (
    "SELECT id, balance, amount, ts, note FROM ledger WHERE account_id = ? AND kind = 2"
    " ORDER BY ts DESC, id DESC LIMIT 20"
)

CONNECTORS = "SELECT name, kind FROM connectors ORDER BY name"
# The open messages of each connector and state: a scan of ix_messages_open (the backlog).
CONNECTOR_DEPTH = (
    "SELECT connector, state, COUNT(*) FROM messages"
    " WHERE state IN ('queued', 'sending', 'submitted') GROUP BY connector, state"
)
# Delivery tries per connector and outcome since a time (throughput).
ATTEMPTS_SINCE = (
    "SELECT connector, outcome, COUNT(*) FROM delivery_attempts WHERE ts >= ?"
    " GROUP BY connector, outcome"
)
# Finished unsuccessfully since a time (at most the cap).
FINISHED_SINCE = (
    "SELECT COUNT(*) FROM (SELECT 1 FROM messages WHERE state = ? AND last_ts >= ? LIMIT ?) counted"
)
