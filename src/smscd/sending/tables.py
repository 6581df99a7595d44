"""Sender names an account may use (send.php ``sender``; docs/sending.md, "Sender names").

An account sends under the names registered for it by the operator (``smscd sender add``);
another name is error 6. The account's default name (``accounts.default_sender``) is one of
them, or empty: no name.
"""

from sqlalchemy import Column, ForeignKey, Integer, PrimaryKeyConstraint, String, Table

from smscd.db.metadata import metadata

senders = Table(
    "senders",
    metadata,
    Column("account_id", Integer, ForeignKey("accounts.id"), nullable=False),
    Column("name", String(64), nullable=False),  # 15, or an e-mail address
    PrimaryKeyConstraint("account_id", "name"),
)
