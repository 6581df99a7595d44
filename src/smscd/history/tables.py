"""Sent messages: one row per message and recipient, every field the history reply needs.

History is ordered by ``(send_ts, int_id)``: ``ix_messages_period`` serves the latest
messages, paging and periods, ``ix_messages_phone`` the same for given numbers, each a range
scan of one index (docs/architecture.md, "Queries" and "Order of ids"). ``int_id`` (the
global message id) may be allocated in any order relative to ``send_ts``.
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
    Index("ix_messages_phone", "account_id", "mail", "phone", "send_ts", "int_id"),
    Index("ix_messages_period", "account_id", "mail", "send_ts", "int_id"),
)
