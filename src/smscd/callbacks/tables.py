"""The callback outbox: what an account's handler is to be told, written in the same
transaction as the change it reports, and every attempt to tell it (docs/callbacks.md).

``accounts.callback_url`` / ``callback_secret`` (accounts/tables.py) say where and with
what key; a row here is one notification. ``state``: ``pending`` (due at ``run_at``),
``sending`` (claimed, under a lease), ``sent``, ``failed`` (gave up).
"""

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    Text,
    text,
)

from smscd.db.metadata import Id64, metadata

PENDING_ONLY = text("state = 'pending'")

callbacks = Table(
    "callbacks",
    metadata,
    Column("id", Id64, primary_key=True, autoincrement=True),
    Column("account_id", Integer, ForeignKey("accounts.id"), nullable=False),
    Column("kind", String(8), nullable=False),  # "status" or "incoming"
    Column("subject", BigInteger, nullable=False),  # the message's int_id, or the incoming id
    Column("body", Text, nullable=False),  # urlencoded fields, fixed when the change happened
    Column("created_ts", BigInteger, nullable=False),
    Column("state", String(8), nullable=False),
    Column("run_at", BigInteger, nullable=False),
    Column("attempt", SmallInteger, nullable=False, server_default="0"),
    Column("lease_until", BigInteger, nullable=True),
    # Due callbacks, oldest first; one message's callbacks go out in the order they were made.
    Index(
        "ix_callbacks_due", "run_at", "id", sqlite_where=PENDING_ONLY, postgresql_where=PENDING_ONLY
    ),
    Index("ix_callbacks_subject", "kind", "subject", "id"),
)

callback_attempts = Table(
    "callback_attempts",
    metadata,
    Column("id", Id64, primary_key=True, autoincrement=True),
    Column("callback_id", BigInteger, nullable=False),
    Column("ts", BigInteger, nullable=False),
    Column("http_status", Integer, nullable=False),  # 0: no answer
    Column("error", String(255), nullable=False),
    Index(None, "callback_id"),
)
