"""Refunds in the ledger: a message has at most one charge and one refund.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ledger") as batch:  # SQLite rebuilds the table
        batch.drop_constraint("uq_ledger_int_id", type_="unique")
        batch.create_unique_constraint("uq_ledger_int_id_kind", ["int_id", "kind"])


def downgrade() -> None:
    refunds = op.get_bind().execute(sa.text("SELECT 1 FROM ledger WHERE kind = 3 LIMIT 1"))
    if refunds.first() is not None:
        raise RuntimeError("the ledger holds refunds, which revision 0006 cannot hold")
    with op.batch_alter_table("ledger") as batch:
        batch.drop_constraint("uq_ledger_int_id_kind", type_="unique")
        batch.create_unique_constraint("uq_ledger_int_id", ["int_id"])
