"""Numbering plan ranges by generation, the operators table, the numbering state.

The operators table starts with the operators smscd shipped at this revision (frozen below);
``smscd numbering operators`` edits it afterwards.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# The operators smscd shipped when this revision was written (numbering/data/operators.csv
# then), frozen here: a migration never reads live code or data files.
# (inn, brand, brand_en, mnc, legal_name)
SHIPPED_OPERATORS = (
    ("7740000076", "МТС", "MTS", "01", 'ПАО "Мобильные ТелеСистемы"'),
    ("7812014560", "МегаФон", "MegaFon", "02", 'ПАО "МегаФон"'),
    ("7713076301", "Билайн", "Beeline", "99", 'ПАО "Вымпел-Коммуникации"'),
    ("7743895280", "Tele2", "Tele2", "20", 'ООО "Т2 Мобайл"'),
    ("6661079603", "МОТИВ", "Motiv", "35", 'ООО "Екатеринбург-2000"'),
    ("7701725181", "Yota", "Yota", "11", 'ООО "Скартел"'),
    ("7736264044", "СберМобайл", "SberMobile", "50", 'ООО "Сбербанк-Телеком"'),
    ("7707049388", "Ростелеком", "Rostelecom", "39", 'ПАО "Ростелеком"'),
    ("2308210371", "Win mobile", "Win mobile", "32", 'ООО "К-Телеком"'),
    ("7718999159", "Волна мобайл", "Volna mobile", "60", 'ООО "КТК Телеком"'),
    ("7743200179", "Т-Мобайл", "T-Mobile", "", 'ООО "Т-Моб"'),
    ("9705121882", "ВТБ Мобайл", "VTB Mobile", "", 'ООО "ВТБ Мобайл"'),
    ("9725152215", "Альфа-Мобайл", "Alfa-Mobile", "", 'ООО "Альфа-Мобайл"'),
    ("7705017253", "МТТ", "MTT", "", 'АО "Межрегиональный ТранзитТелеком"'),
)


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
    columns = ("inn", "brand", "brand_en", "mnc", "legal_name")
    op.bulk_insert(operators, [dict(zip(columns, row, strict=True)) for row in SHIPPED_OPERATORS])


def downgrade() -> None:
    op.drop_table("numbering_state")
    op.drop_table("numbering_operators")
    op.drop_table("numbering_ranges")
