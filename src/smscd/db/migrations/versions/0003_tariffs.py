"""Tariff plans and zones, accounts' plans and individual prices.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tariff_plans",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("mail_price", sa.BigInteger, nullable=False),
        sa.Column("is_default", sa.SmallInteger, nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("id", name="pk_tariff_plans"),
        sa.UniqueConstraint("name", name="uq_tariff_plans_name"),
    )
    op.create_index("ix_tariff_plans_is_default_id", "tariff_plans", ["is_default", "id"])

    op.create_table(
        "tariff_zones",
        sa.Column("plan_id", sa.Integer, nullable=False, autoincrement=False),
        sa.Column("position", sa.Integer, nullable=False, autoincrement=False),
        sa.Column("zone", sa.String(32), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("country", sa.String(64), nullable=False),
        sa.Column("mcc", sa.String(3), nullable=False),
        sa.Column("mnc", sa.String(64), nullable=False),
        sa.Column("api", sa.BigInteger, nullable=False),
        sa.Column("mass", sa.BigInteger, nullable=False),
        sa.Column("mms", sa.BigInteger, nullable=False),
        sa.Column("hlr", sa.BigInteger, nullable=False),
        sa.Column("call", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("plan_id", "position", name="pk_tariff_zones"),
        sa.UniqueConstraint("plan_id", "zone", name="uq_tariff_zones_plan_id_zone"),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["tariff_plans.id"], name="fk_tariff_zones_plan_id_tariff_plans"
        ),
    )

    op.create_table(
        "account_plans",
        sa.Column("account_id", sa.Integer, nullable=False, autoincrement=False),
        sa.Column("plan_id", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("account_id", name="pk_account_plans"),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name="fk_account_plans_account_id_accounts"
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["tariff_plans.id"], name="fk_account_plans_plan_id_tariff_plans"
        ),
    )
    op.create_index("ix_account_plans_plan_id", "account_plans", ["plan_id"])

    op.create_table(
        "account_prices",
        sa.Column("account_id", sa.Integer, nullable=False, autoincrement=False),
        sa.Column("mccmnc", sa.String(6), nullable=False),
        sa.Column("cost", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("account_id", "mccmnc", name="pk_account_prices"),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name="fk_account_prices_account_id_accounts"
        ),
    )


def downgrade() -> None:
    op.drop_table("account_prices")
    op.drop_table("account_plans")
    op.drop_table("tariff_zones")
    op.drop_table("tariff_plans")
