"""Sent messages: one row per message and recipient, every field the history reply needs.

``int_id`` (the global message id) is allocated in send order, so that id order and send
order agree: a period is turned into an ``int_id`` range through ``ix_messages_period`` and
every history query is a range scan of one index (docs/architecture.md, "Queries").
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
)

from smscd.db.metadata import Id64, metadata

messages = Table(
    "messages",
    metadata,
    Column("int_id", Id64, primary_key=True, autoincrement=True),
    Column("account_id", Integer, ForeignKey("accounts.id"), nullable=False),
    Column("id", BigInteger, nullable=False),  # the send's id, shared by its recipients
    Column("mail", SmallInteger, nullable=False),  # 1 for e-mail (format 8), else 0
    Column("phone", String(320), nullable=False),  # digits, or the address of an e-mail
    Column("format", SmallInteger, nullable=False),
    Column("type", SmallInteger, nullable=False),
    Column("status", SmallInteger, nullable=False),
    Column("err", SmallInteger, nullable=False),
    Column("send_ts", BigInteger, nullable=False),
    Column("last_ts", BigInteger, nullable=False),
    Column("mccmnc", String(8), nullable=False),
    Column("country", String(64), nullable=False),
    Column("operator", String(128), nullable=False),
    Column("region", String(128), nullable=False),
    Column("cost", BigInteger, nullable=False),  # hundredths of the account's currency
    Column("sender_id", String(64), nullable=False),
    Column("message", Text, nullable=False),
    Column("sms_cnt", Integer, nullable=False),
    Column("crc", BigInteger, nullable=False),
    Index("ix_messages_latest", "account_id", "mail", "int_id"),
    Index("ix_messages_phone", "account_id", "mail", "phone", "int_id"),
    Index("ix_messages_period", "account_id", "mail", "send_ts", "int_id"),
)
