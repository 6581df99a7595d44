"""The delivery side's own tables: connectors, the routing table, every attempt, and what
the simulated network has received.

The queue itself is the ``messages`` rows (history/tables.py: ``state``, ``run_at``,
``connector``, ...), written by send.php in the transaction that accepts a message.
"""

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Table,
    Text,
)

from smscd.db.metadata import Id64, metadata

connectors = Table(
    "connectors",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("kind", String(16), nullable=False),  # "simulator" (SMPP and SMTP come later)
    Column("config", Text, nullable=False),  # JSON: the kind's settings (simulator rules)
    Column("created_at", BigInteger, nullable=False),
)

# Ordered; the first route whose filters all match a message takes it (delivery/routing.py).
routes = Table(
    "routes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("position", Integer, nullable=False, unique=True),
    Column("connector", String(64), ForeignKey("connectors.name"), nullable=False),
    Column("mcc", String(3), nullable=False, server_default=""),  # '' any country
    Column("mnc", String(3), nullable=False, server_default=""),  # '' any operator
    Column("prefix", String(15), nullable=False, server_default=""),  # '' any number
    Column("formats", String(64), nullable=False, server_default=""),  # '' any; "0,1"
)

# One row per try of a message: append-only.
delivery_attempts = Table(
    "delivery_attempts",
    metadata,
    Column("id", Id64, primary_key=True, autoincrement=True),
    Column("int_id", BigInteger, nullable=False),
    Column("attempt", SmallInteger, nullable=False),
    Column("connector", String(64), nullable=False),
    Column("ts", BigInteger, nullable=False),
    Column("outcome", String(16), nullable=False),  # delivery/connectors/base.py Result
    Column("detail", String(255), nullable=False),
    Index(None, "int_id"),
)

# The simulated network's own record: each message it was handed, once, and how often.
simulated_messages = Table(
    "simulated_messages",
    metadata,
    Column("int_id", BigInteger, primary_key=True, autoincrement=False),
    Column("connector", String(64), nullable=False),
    Column("received_ts", BigInteger, nullable=False),
    Column("submissions", Integer, nullable=False),  # > 1: a resend after a lost reply
)

# The carrier's id of each part of a long message, and the part's final word once its
# receipt came (delivery/parts.py): a receipt for any part is matched after a restart,
# and the message is final when every part is. Only messages of more than one part (a
# one-part message's id is ``messages.peer_id``). A row goes when its message is final
# (receipt, expiry, failure), and any left over PARTS_KEPT after it was written.
delivery_parts = Table(
    "delivery_parts",
    metadata,
    Column("connector", String(64), primary_key=True),
    Column("peer_id", String(64), primary_key=True),
    Column("int_id", BigInteger, nullable=False),
    Column("part", SmallInteger, nullable=False),  # 0-based
    Column("parts", SmallInteger, nullable=False),
    Column("final", String(16), nullable=True),  # base.Final; NULL until its receipt
    Column("err", Integer, nullable=False, server_default="0"),
    Column("created_at", BigInteger, nullable=False),
    Index(None, "int_id"),
    Index(None, "created_at"),
)

# The parts of incoming long messages held until the last comes (smpp/held.py): each is
# answered as it comes, so a crash between the first and the last loses none. A key is
# the UDH/SAR concatenation's: sender, destination, reference, number of parts.
incoming_parts = Table(
    "incoming_parts",
    metadata,
    Column("connector", String(64), primary_key=True),
    Column("source", String(32), primary_key=True),
    Column("dest", String(32), primary_key=True),
    Column("reference", Integer, primary_key=True, autoincrement=False),
    Column("total", SmallInteger, primary_key=True, autoincrement=False),
    Column("seq", SmallInteger, primary_key=True, autoincrement=False),
    Column("data_coding", SmallInteger, nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("received_at", BigInteger, nullable=False),
    Index(None, "received_at"),
)
