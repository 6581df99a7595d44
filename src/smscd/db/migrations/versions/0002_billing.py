"""The ledger (charges and payments), its daily rollup, currency rates.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

id64 = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "ledger",
        sa.Column("id", id64, primary_key=True, autoincrement=True),
        sa.Column("account_id", sa.Integer, nullable=False),
        sa.Column("kind", sa.SmallInteger, nullable=False),
        sa.Column("balance", sa.SmallInteger, nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("ts", sa.BigInteger, nullable=False),
        sa.Column("int_id", sa.BigInteger, nullable=True),
        sa.Column("sms_cnt", sa.Integer, nullable=False),
        sa.Column("mail", sa.SmallInteger, nullable=False),
        sa.Column("note", sa.String(255), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ledger"),
        sa.UniqueConstraint("int_id", name="uq_ledger_int_id"),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name="fk_ledger_account_id_accounts"
        ),
    )
    op.create_index("ix_ledger_account_id_ts", "ledger", ["account_id", "ts"])

    op.create_table(
        "ledger_days",
        sa.Column("account_id", sa.Integer, nullable=False),
        sa.Column("day", sa.Integer, nullable=False),
        sa.Column("balance", sa.SmallInteger, nullable=False),
        sa.Column("sms", sa.BigInteger, nullable=False),
        sa.Column("credit", sa.BigInteger, nullable=False),
        sa.Column("debit", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("account_id", "day", "balance", name="pk_ledger_days"),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name="fk_ledger_days_account_id_accounts"
        ),
    )

    op.create_table(
        "currency_rates",
        sa.Column("from_currency", sa.String(3), nullable=False),
        sa.Column("to_currency", sa.String(3), nullable=False),
        sa.Column("rate", sa.String(40), nullable=False),
        sa.Column("updated_at", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("from_currency", "to_currency", name="pk_currency_rates"),
    )


def downgrade() -> None:
    op.drop_table("currency_rates")
    op.drop_table("ledger_days")
    op.drop_table("ledger")
