"""Unblock requests: `smscd ip unblock` leaves one here for the servers to find."""

from sqlalchemy import BigInteger, Column, Index, String, Table

from smscd.db.metadata import Id64, metadata

# Blocks themselves live with the limits (a worker's memory or Redis); the database only
# carries the administrator's word to every worker, whichever backend holds the block.
ip_unblocks = Table(
    "ip_unblocks",
    metadata,
    Column("id", Id64, primary_key=True, autoincrement=True),
    Column("subject", String(64), nullable=False),  # an address, or an IPv6 /prefix network
    Column("created_at", BigInteger, nullable=False),
    Index(None, "subject", "id"),
)
