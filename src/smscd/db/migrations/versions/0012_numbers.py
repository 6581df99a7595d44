"""The numbers accounts own: where an incoming message from a carrier belongs
(``smscd numbers add``; docs/carriers.md).

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "numbers",
        sa.Column("phone", sa.String(32), nullable=False),
        sa.Column("account_id", sa.Integer, nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("phone", name="pk_numbers"),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name="fk_numbers_account_id_accounts"
        ),
    )
    op.create_index("ix_numbers_account_id", "numbers", ["account_id"])


def downgrade() -> None:
    op.drop_table("numbers")
