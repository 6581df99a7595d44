"""Numbering plan ranges by generation, the operators table, the numbering state.

The operators table starts with the operators smscd ships (smscd/numbering/data/
operators.csv); ``smscd numbering operators`` edits it afterwards.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from smscd.numbering.operators import shipped

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "numbering_ranges",
        sa.Column("generation", sa.Integer, nullable=False, autoincrement=False),
        sa.Column("first_number", sa.BigInteger, nullable=False, autoincrement=False),
        sa.Column("last_number", sa.BigInteger, nullable=False),
        sa.Column("operator", sa.Text, nullable=False),
        sa.Column("inn", sa.String(12), nullable=False),
        sa.Column("region", sa.Text, nullable=False),
        sa.Column("territory", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("generation", "first_number", name="pk_numbering_ranges"),
    )
    operators = op.create_table(
        "numbering_operators",
        sa.Column("inn", sa.String(12), nullable=False),
        sa.Column("brand", sa.String(128), nullable=False),
        sa.Column("brand_en", sa.String(128), nullable=False),
        sa.Column("mnc", sa.String(3), nullable=False),
        sa.Column("legal_name", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("inn", name="pk_numbering_operators"),
    )
    state = op.create_table(
        "numbering_state",
        sa.Column("id", sa.Integer, nullable=False, autoincrement=False),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.Column("generation", sa.Integer, nullable=False),
        sa.Column("next_generation", sa.Integer, nullable=False),
        sa.Column("ranges", sa.Integer, nullable=False),
        sa.Column("imported_at", sa.BigInteger, nullable=False),
        sa.Column("sources", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_numbering_state"),
    )
    op.bulk_insert(
        state,
        [
            {
                "id": 1,
                "version": 1,
                "generation": 0,
                "next_generation": 1,
                "ranges": 0,
                "imported_at": 0,
                "sources": "",
            }
        ],
    )
    op.bulk_insert(operators, [operator.as_row() for operator in shipped()])


def downgrade() -> None:
    op.drop_table("numbering_state")
    op.drop_table("numbering_operators")
    op.drop_table("numbering_ranges")
