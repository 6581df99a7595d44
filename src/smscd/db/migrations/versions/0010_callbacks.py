"""Callbacks: each account's handler URL and signing key, the outbox, its attempts.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

id64 = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
PENDING_ONLY = sa.text("state = 'pending'")


def upgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(sa.Column("callback_url", sa.Text, nullable=False, server_default=""))
        batch.add_column(
            sa.Column("callback_secret", sa.String(64), nullable=False, server_default="")
        )
    op.create_table(
        "callbacks",
        sa.Column("id", id64, primary_key=True, autoincrement=True),
        sa.Column("account_id", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("subject", sa.BigInteger, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_ts", sa.BigInteger, nullable=False),
        sa.Column("state", sa.String(8), nullable=False),
        sa.Column("run_at", sa.BigInteger, nullable=False),
        sa.Column("attempt", sa.SmallInteger, nullable=False, server_default="0"),
        sa.Column("lease_until", sa.BigInteger, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_callbacks"),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name="fk_callbacks_account_id_accounts"
        ),
    )
    op.create_index("ix_callbacks_due", "callbacks", ["run_at", "id"],
                    sqlite_where=PENDING_ONLY, postgresql_where=PENDING_ONLY)  # fmt: skip
    op.create_index("ix_callbacks_subject", "callbacks", ["kind", "subject", "id"])
    op.create_table(
        "callback_attempts",
        sa.Column("id", id64, primary_key=True, autoincrement=True),
        sa.Column("callback_id", sa.BigInteger, nullable=False),
        sa.Column("ts", sa.BigInteger, nullable=False),
        sa.Column("http_status", sa.Integer, nullable=False),
        sa.Column("error", sa.String(255), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_callback_attempts"),
    )
    op.create_index("ix_callback_attempts_callback_id", "callback_attempts", ["callback_id"])


def downgrade() -> None:
    op.drop_table("callback_attempts")
    op.drop_table("callbacks")
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("callback_secret")
        batch.drop_column("callback_url")
