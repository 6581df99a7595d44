"""Per-account limit overrides; unblock requests for blocked addresses.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

id64 = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.add_column("accounts", sa.Column("rate_limits", sa.Text, nullable=False, server_default=""))
    op.create_table(
        "ip_unblocks",
        sa.Column("id", id64, primary_key=True, autoincrement=True),
        sa.Column("subject", sa.String(64), nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ip_unblocks"),
    )
    op.create_index("ix_ip_unblocks_subject_id", "ip_unblocks", ["subject", "id"])


def downgrade() -> None:
    op.drop_index("ix_ip_unblocks_subject_id", table_name="ip_unblocks")
    op.drop_table("ip_unblocks")
    with op.batch_alter_table("accounts") as batch:  # SQLite rebuilds the table
        batch.drop_column("rate_limits")
