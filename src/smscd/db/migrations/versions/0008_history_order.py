"""History in send order: ``(account_id, mail, send_ts, int_id)`` serves the latest messages,
paging and periods alike, and a phone's messages are ordered the same way; ids no longer
need to follow send order (docs/architecture.md, "Order of ids").

Revision ID: 0008
Revises: 0007
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_messages_latest", table_name="messages")
    op.drop_index("ix_messages_phone", table_name="messages")
    op.create_index(
        "ix_messages_phone", "messages", ["account_id", "mail", "phone", "send_ts", "int_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_messages_phone", table_name="messages")
    op.create_index("ix_messages_phone", "messages", ["account_id", "mail", "phone", "int_id"])
    op.create_index("ix_messages_latest", "messages", ["account_id", "mail", "int_id"])
