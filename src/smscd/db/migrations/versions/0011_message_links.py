"""Short links made for one message (send.php tinyurl=1): ``links.int_id``; an account's
own links stay one per URL (a partial unique index instead of the unique constraint).

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

ACCOUNT_LINKS = sa.text("int_id IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("links") as batch:
        batch.add_column(sa.Column("int_id", sa.BigInteger, nullable=True))
        batch.drop_constraint("uq_links_account_id_url_hash", type_="unique")
    op.create_index("uq_links_account_id_url_hash", "links", ["account_id", "url_hash"],
                    unique=True, sqlite_where=ACCOUNT_LINKS,
                    postgresql_where=ACCOUNT_LINKS)  # fmt: skip


def downgrade() -> None:
    if op.get_bind().execute(sa.text("SELECT 1 FROM links WHERE int_id IS NOT NULL")).first():
        raise RuntimeError("links of messages exist, which revision 0010 cannot hold")
    op.drop_index("uq_links_account_id_url_hash", table_name="links")
    with op.batch_alter_table("links") as batch:
        batch.create_unique_constraint("uq_links_account_id_url_hash", ["account_id", "url_hash"])
        batch.drop_column("int_id")
