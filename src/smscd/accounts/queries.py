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
