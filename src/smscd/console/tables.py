"""Console sessions: one row per logged-in browser (docs/console.md).

Only the SHA-256 of the session's random token is stored: a copy of the database does not
let anyone log in as the account. Logout deletes the row; an expired row is refused and
deleted when next seen.
"""

from sqlalchemy import BigInteger, Column, ForeignKey, Integer, String, Table

from smscd.db.metadata import metadata

console_sessions = Table(
    "console_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),  # sha256(token), hex
    Column("account_id", Integer, ForeignKey("accounts.id"), nullable=False, index=True),
    Column("created_at", BigInteger, nullable=False),
    Column("expires_at", BigInteger, nullable=False),
)
