"""The carrier's ids of a long message's parts, and each part's final word: receipts for
any part match after a restart, and the message is final when all its parts are
(delivery/parts.py); the parts of incoming long messages held until the last comes
(smpp/held.py). docs/carriers.md, "What a lost connection can and cannot do".

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "delivery_parts",
        sa.Column("connector", sa.String(64), nullable=False),
        sa.Column("peer_id", sa.String(64), nullable=False),
        sa.Column("int_id", sa.BigInteger, nullable=False),
        sa.Column("part", sa.SmallInteger, nullable=False),
        sa.Column("parts", sa.SmallInteger, nullable=False),
        sa.Column("final", sa.String(16), nullable=True),
        sa.Column("err", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("connector", "peer_id", name="pk_delivery_parts"),
    )
    op.create_index("ix_delivery_parts_int_id", "delivery_parts", ["int_id"])
    op.create_index("ix_delivery_parts_created_at", "delivery_parts", ["created_at"])
    op.create_table(
        "incoming_parts",
        sa.Column("connector", sa.String(64), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("dest", sa.String(32), nullable=False),
        sa.Column("reference", sa.Integer, nullable=False, autoincrement=False),
        sa.Column("total", sa.SmallInteger, nullable=False, autoincrement=False),
        sa.Column("seq", sa.SmallInteger, nullable=False, autoincrement=False),
        sa.Column("data_coding", sa.SmallInteger, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.Column("received_at", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint(
            "connector", "source", "dest", "reference", "total", "seq", name="pk_incoming_parts"
        ),
    )
    op.create_index("ix_incoming_parts_received_at", "incoming_parts", ["received_at"])


def downgrade() -> None:
    op.drop_table("incoming_parts")
    op.drop_table("delivery_parts")
