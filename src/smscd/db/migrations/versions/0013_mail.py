"""E-mail delivery: a message's subject (send.php ``subj``), and sender names that are
e-mail addresses (up to 64 characters; docs/carriers.md, "E-mail").

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("messages", sa.Column("subject", sa.Text, nullable=False, server_default=""))
    # SQLite rebuilds the table (no ALTER COLUMN); nothing refers to senders' rows.
    with op.batch_alter_table("senders") as batch:
        batch.alter_column("name", type_=sa.String(64), existing_type=sa.String(15),
                           existing_nullable=False)  # fmt: skip


def downgrade() -> None:
    with op.batch_alter_table("senders") as batch:
        batch.alter_column("name", type_=sa.String(15), existing_type=sa.String(64),
                           existing_nullable=False)  # fmt: skip
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("subject")
