"""Short links and their click counters (per local day, and the total under day 0).

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

id64 = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "links",
        sa.Column("id", id64, primary_key=True, autoincrement=True),
        sa.Column("account_id", sa.Integer, nullable=False),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("url_hash", sa.BigInteger, nullable=False),
        sa.Column("created_ts", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_links"),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name="fk_links_account_id_accounts"
        ),
        sa.UniqueConstraint("code", name="uq_links_code"),
        sa.UniqueConstraint("account_id", "url_hash", name="uq_links_account_id_url_hash"),
    )
    op.create_table(
        "link_days",
        sa.Column("link_id", sa.BigInteger, nullable=False),
        sa.Column("day", sa.Integer, nullable=False),
        sa.Column("clicks", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("link_id", "day", name="pk_link_days"),
        sa.ForeignKeyConstraint(["link_id"], ["links.id"], name="fk_link_days_link_id_links"),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("link_days")
    op.drop_table("links")
