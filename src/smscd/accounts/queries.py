"""SQL of the request path (run through smscd.db.gateway)."""

ACCOUNT_COLUMNS = (
    "id, login, password_hash, allowed_ips, timezone, currency, language, parent_id, rate_limits"
)

ACCOUNT_BY_LOGIN = f"SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE login = ?"

ACCOUNT_BY_KEY_PREFIX = (
    f"SELECT k.salt, k.key_hash, {', '.join('a.' + c.strip() for c in ACCOUNT_COLUMNS.split(','))}"
    " FROM api_keys k JOIN accounts a ON a.id = k.account_id"
    " WHERE k.prefix = ? AND k.revoked_at IS NULL"
)

# What an account holder changes for itself (selfservice.py, the web console).
KEYS_OF_ACCOUNT = (
    "SELECT id, prefix, created_at, revoked_at FROM api_keys WHERE account_id = ? ORDER BY id DESC"
)
INSERT_KEY = (
    "INSERT INTO api_keys (account_id, prefix, salt, key_hash, created_at) VALUES (?, ?, ?, ?, ?)"
)
REVOKE_KEY = (
    "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND account_id = ? AND revoked_at IS NULL"
)
PROFILE = (
    "SELECT allowed_ips, timezone, language, callback_url, default_sender FROM accounts"
    " WHERE id = ?"
)
SET_PROFILE = "UPDATE accounts SET allowed_ips = ?, timezone = ?, language = ? WHERE id = ?"
SET_CALLBACK = "UPDATE accounts SET callback_url = ?, callback_secret = ? WHERE id = ?"
