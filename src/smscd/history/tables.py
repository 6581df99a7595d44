"""Sent messages: one row per message and recipient, every field the history reply needs,
and the message's place in the delivery queue.

History is ordered by ``(send_ts, int_id)``: ``ix_messages_period`` serves the latest
messages, paging and periods, ``ix_messages_phone`` the same for given numbers, each a range
scan of one index (docs/architecture.md, "Queries" and "Order of ids"). ``int_id`` (the
global message id) may be allocated in any order relative to ``send_ts``.

The rows are the delivery queue too (docs/sending.md, "The queue"): ``state`` and the
columns after it are written by send.php in the transaction that accepts the message and
changed by the delivery workers (delivery/queries.py, one guarded statement a transition).
Rows that smscd did not send itself (imported or demo history) are ``archived``: outside
the queue. A deleted message (``status.php?del=1``) keeps its row, with ``mail`` set to
:data:`HIDDEN`, so that no history query lists it while a client may still page from it.
"""

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
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

HIDDEN = 2  # messages.mail of a deleted message: a tombstone no history query lists

# The delivery states (delivery/states.py names them; the CHECK keeps them).
STATES = (
    "archived", "queued", "sending", "submitted", "delivered", "failed", "expired", "cancelled",
)  # fmt: skip
QUEUED_ONLY = text("state = 'queued'")
OPEN_ONLY = text("state IN ('queued', 'sending', 'submitted')")

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
    # The delivery queue (docs/sending.md).
    Column("state", String(10), nullable=False, server_default="archived"),
    Column("run_at", BigInteger, nullable=False, server_default="0"),  # the next try, Unix s
    Column("valid_until", BigInteger, nullable=False, server_default="0"),  # then: expired
    Column("attempt", SmallInteger, nullable=False, server_default="0"),  # tries so far
    Column("connector", String(64), nullable=False, server_default=""),  # chosen at accept
    Column("lease_until", BigInteger, nullable=True),  # set exactly while ``sending``
    Column("claimed_by", String(64), nullable=True),  # the worker holding the lease
    Column("peer_id", String(64), nullable=True),  # the carrier's id of the message
    Column("balance", SmallInteger, nullable=False, server_default="1"),  # which paid
    Column("comment", Text, nullable=False, server_default=""),  # mes after a "~~~" line
    Column("ref", String(40), nullable=False, server_default=""),  # a textual client id
    Column("subject", Text, nullable=False, server_default=""),  # an e-mail's (send.php subj)
    CheckConstraint(f"state IN ({', '.join(repr(s) for s in STATES)})", name="state_valid"),
    CheckConstraint("(state = 'sending') = (lease_until IS NOT NULL)", name="lease_while_sending"),
    Index("ix_messages_phone", "account_id", "mail", "phone", "send_ts", "int_id"),
    Index("ix_messages_period", "account_id", "mail", "send_ts", "int_id"),
    # status.php: a message by the client's (id, phone).
    Index("ix_messages_client", "account_id", "id", "phone"),
    # The claim: due queued rows of one connector, oldest first (delivery/queries.py).
    Index(
        "ix_messages_queue",
        "connector",
        "run_at",
        "int_id",
        sqlite_where=QUEUED_ONLY,
        postgresql_where=QUEUED_ONLY,
    ),
    # Expiry, lease rescue and a connector's outstanding receipts: the unfinished rows.
    Index(
        "ix_messages_open",
        "state",
        "valid_until",
        "int_id",
        sqlite_where=OPEN_ONLY,
        postgresql_where=OPEN_ONLY,
    ),
)
