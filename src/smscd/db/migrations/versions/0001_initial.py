"""Accounts, API keys, sent and incoming messages.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

id64 = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("login", sa.String(64), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("allowed_ips", sa.Text, nullable=False, server_default=""),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("language", sa.String(2), nullable=False, server_default="ru"),
        sa.Column("parent_id", sa.Integer, nullable=True),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_accounts"),
        sa.UniqueConstraint("login", name="uq_accounts_login"),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["accounts.id"], name="fk_accounts_parent_id_accounts"
        ),
    )
    op.create_index("ix_accounts_parent_id", "accounts", ["parent_id"])

    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("account_id", sa.Integer, nullable=False),
        sa.Column("prefix", sa.String(12), nullable=False),
        sa.Column("salt", sa.String(32), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("revoked_at", sa.BigInteger, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_api_keys"),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name="fk_api_keys_account_id_accounts"
        ),
    )
    op.create_index("ix_api_keys_account_id", "api_keys", ["account_id"])
    op.create_index("ix_api_keys_prefix", "api_keys", ["prefix"])

    op.create_table(
        "messages",
        sa.Column("int_id", id64, primary_key=True, autoincrement=True),
        sa.Column("account_id", sa.Integer, nullable=False),
        sa.Column("id", sa.BigInteger, nullable=False),
        sa.Column("mail", sa.SmallInteger, nullable=False),
        sa.Column("phone", sa.String(320), nullable=False),
        sa.Column("format", sa.SmallInteger, nullable=False),
        sa.Column("type", sa.SmallInteger, nullable=False),
        sa.Column("status", sa.SmallInteger, nullable=False),
        sa.Column("err", sa.SmallInteger, nullable=False),
        sa.Column("send_ts", sa.BigInteger, nullable=False),
        sa.Column("last_ts", sa.BigInteger, nullable=False),
        sa.Column("mccmnc", sa.String(8), nullable=False),
        sa.Column("country", sa.String(64), nullable=False),
        sa.Column("operator", sa.String(128), nullable=False),
        sa.Column("region", sa.String(128), nullable=False),
        sa.Column("cost", sa.BigInteger, nullable=False),
        sa.Column("sender_id", sa.String(64), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("sms_cnt", sa.Integer, nullable=False),
        sa.Column("crc", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("int_id", name="pk_messages"),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name="fk_messages_account_id_accounts"
        ),
    )
    op.create_index("ix_messages_latest", "messages", ["account_id", "mail", "int_id"])
    op.create_index("ix_messages_phone", "messages", ["account_id", "mail", "phone", "int_id"])
    op.create_index("ix_messages_period", "messages", ["account_id", "mail", "send_ts", "int_id"])

    op.create_table(
        "incoming",
        sa.Column("id", id64, primary_key=True, autoincrement=True),
        sa.Column("account_id", sa.Integer, nullable=False),
        sa.Column("received_ts", sa.BigInteger, nullable=False),
        sa.Column("sent_ts", sa.BigInteger, nullable=False),
        sa.Column("phone", sa.String(32), nullable=False),
        sa.Column("to_phone", sa.String(32), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_incoming"),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name="fk_incoming_account_id_accounts"
        ),
    )
    op.create_index("ix_incoming_latest", "incoming", ["account_id", "id"])
    op.create_index("ix_incoming_to_phone", "incoming", ["account_id", "to_phone", "id"])
    op.create_index("ix_incoming_period", "incoming", ["account_id", "received_ts", "id"])


def downgrade() -> None:
    op.drop_table("incoming")
    op.drop_table("messages")
    op.drop_table("api_keys")
    op.drop_table("accounts")
