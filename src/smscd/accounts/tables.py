"""Accounts and API keys. Secrets are stored only as hashes (docs/security.md)."""

from sqlalchemy import BigInteger, Column, ForeignKey, Index, Integer, String, Table, Text

from smscd.db.metadata import metadata

accounts = Table(
    "accounts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("login", String(64), nullable=False, unique=True),
    # argon2id over the lowercase hex MD5 of the password: both forms the API accepts
    # verify, nothing reversible is kept.
    Column("password_hash", String(255), nullable=False),
    # Comma-separated addresses or networks; empty: any address may use the account.
    Column("allowed_ips", Text, nullable=False, server_default=""),
    Column("timezone", String(64), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("language", String(2), nullable=False, server_default="ru"),
    Column("parent_id", Integer, ForeignKey("accounts.id"), nullable=True, index=True),
    Column("created_at", BigInteger, nullable=False),
    # Limits of this account that differ from the deployment's: a JSON object of limit
    # names (smscd.limits.policy.LIMIT_NAMES) to numbers; empty: none differ.
    Column("rate_limits", Text, nullable=False, server_default=""),
    # How far below zero the main balance may go, in hundredths (send.php's error 3).
    Column("credit", BigInteger, nullable=False, server_default="0"),
    # The sender name of a send.php without ``sender`` ('' none; sending/senders.py).
    Column("default_sender", String(15), nullable=False, server_default=""),
    # The last id send.php gave a send that came without one (sending/queries.py).
    Column("last_send_id", BigInteger, nullable=False, server_default="0"),
    # Where status changes and incoming messages are posted ('' nowhere), and the key
    # they are signed with: the receiver needs the same key, so it is kept as it is
    # (docs/callbacks.md, docs/security.md).
    Column("callback_url", Text, nullable=False, server_default=""),
    Column("callback_secret", String(64), nullable=False, server_default=""),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("account_id", Integer, ForeignKey("accounts.id"), nullable=False, index=True),
    # The key's first characters: finds the row; not secret on its own.
    Column("prefix", String(12), nullable=False),
    Column("salt", String(32), nullable=False),
    Column("key_hash", String(64), nullable=False),  # sha256(salt || key), hex
    Column("created_at", BigInteger, nullable=False),
    Column("revoked_at", BigInteger, nullable=True),
    Index(None, "prefix"),
)
