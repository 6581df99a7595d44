"""Incoming messages. ``id`` is allocated in order of receipt (as ``int_id`` is for sent
messages), so an hour window is an ``id`` range of ``ix_incoming_period``."""

from sqlalchemy import BigInteger, Column, ForeignKey, Index, Integer, String, Table, Text

from smscd.db.metadata import Id64, metadata

incoming = Table(
    "incoming",
    metadata,
    Column("id", Id64, primary_key=True, autoincrement=True),
    Column("account_id", Integer, ForeignKey("accounts.id"), nullable=False),
    Column("received_ts", BigInteger, nullable=False),
    Column("sent_ts", BigInteger, nullable=False),
    Column("phone", String(32), nullable=False),
    Column("to_phone", String(32), nullable=False),
    Column("message", Text, nullable=False),
    Index("ix_incoming_latest", "account_id", "id"),
    Index("ix_incoming_to_phone", "account_id", "to_phone", "id"),
    Index("ix_incoming_period", "account_id", "received_ts", "id"),
)

# The numbers accounts own (``smscd numbers add``): an incoming message from a carrier
# belongs to the account that owns the number it was sent to. One owner per number.
numbers = Table(
    "numbers",
    metadata,
    Column("phone", String(32), primary_key=True),  # digits only (phones.py)
    Column("account_id", Integer, ForeignKey("accounts.id"), nullable=False, index=True),
    Column("created_at", BigInteger, nullable=False),
)
