"""Sending: the delivery queue on the message rows, credit limits and sender names, each
balance kept in one row, connectors, routes, delivery attempts, the simulated network.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

id64 = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

STATES = (
    "archived", "queued", "sending", "submitted", "delivered", "failed", "expired", "cancelled",
)  # fmt: skip
QUEUED_ONLY = sa.text("state = 'queued'")
OPEN_ONLY = sa.text("state IN ('queued', 'sending', 'submitted')")


def upgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(sa.Column("credit", sa.BigInteger, nullable=False, server_default="0"))
        batch.add_column(
            sa.Column("default_sender", sa.String(15), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column("last_send_id", sa.BigInteger, nullable=False, server_default="0")
        )
    # Rows already there (imported or demo history) were not sent by this server: archived.
    with op.batch_alter_table("messages") as batch:
        batch.add_column(
            sa.Column("state", sa.String(10), nullable=False, server_default="archived")
        )
        for name in ("run_at", "valid_until"):
            batch.add_column(sa.Column(name, sa.BigInteger, nullable=False, server_default="0"))
        batch.add_column(sa.Column("attempt", sa.SmallInteger, nullable=False, server_default="0"))
        batch.add_column(sa.Column("connector", sa.String(64), nullable=False, server_default=""))
        batch.add_column(sa.Column("lease_until", sa.BigInteger, nullable=True))
        batch.add_column(sa.Column("claimed_by", sa.String(64), nullable=True))
        batch.add_column(sa.Column("peer_id", sa.String(64), nullable=True))
        batch.add_column(sa.Column("balance", sa.SmallInteger, nullable=False, server_default="1"))
        batch.add_column(sa.Column("comment", sa.Text, nullable=False, server_default=""))
        batch.add_column(sa.Column("ref", sa.String(40), nullable=False, server_default=""))
        batch.create_check_constraint(
            "ck_messages_state_valid", sa.text(f"state IN ({', '.join(repr(s) for s in STATES)})")
        )
        batch.create_check_constraint(
            "ck_messages_lease_while_sending",
            sa.text("(state = 'sending') = (lease_until IS NOT NULL)"),
        )
    op.create_index("ix_messages_client", "messages", ["account_id", "id", "phone"])
    # Ids the server gives continue after the ids of the history already there.
    op.execute(
        "UPDATE accounts SET last_send_id = COALESCE("
        "(SELECT MAX(m.id) FROM messages m WHERE m.account_id = accounts.id), 0)"
    )
    op.create_index(
        "ix_messages_queue", "messages", ["connector", "run_at", "int_id"],
        sqlite_where=QUEUED_ONLY, postgresql_where=QUEUED_ONLY,
    )  # fmt: skip
    op.create_index(
        "ix_messages_open", "messages", ["state", "valid_until", "int_id"],
        sqlite_where=OPEN_ONLY, postgresql_where=OPEN_ONLY,
    )  # fmt: skip

    op.create_table(
        "ledger_balances",
        sa.Column("account_id", sa.Integer, nullable=False),
        sa.Column("balance", sa.SmallInteger, nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("account_id", "balance", name="pk_ledger_balances"),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name="fk_ledger_balances_account_id_accounts"
        ),
    )
    op.execute(
        "INSERT INTO ledger_balances (account_id, balance, amount)"
        " SELECT account_id, balance, CAST(SUM(debit - credit) AS BIGINT) FROM ledger_days"
        " GROUP BY account_id, balance"
    )
    op.create_table(
        "senders",
        sa.Column("account_id", sa.Integer, nullable=False),
        sa.Column("name", sa.String(15), nullable=False),
        sa.PrimaryKeyConstraint("account_id", "name", name="pk_senders"),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name="fk_senders_account_id_accounts"
        ),
    )
    op.create_table(
        "connectors",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("config", sa.Text, nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_connectors"),
    )
    op.create_table(
        "routes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("connector", sa.String(64), nullable=False),
        sa.Column("mcc", sa.String(3), nullable=False, server_default=""),
        sa.Column("mnc", sa.String(3), nullable=False, server_default=""),
        sa.Column("prefix", sa.String(15), nullable=False, server_default=""),
        sa.Column("formats", sa.String(64), nullable=False, server_default=""),
        sa.PrimaryKeyConstraint("id", name="pk_routes"),
        sa.UniqueConstraint("position", name="uq_routes_position"),
        sa.ForeignKeyConstraint(
            ["connector"], ["connectors.name"], name="fk_routes_connector_connectors"
        ),
    )
    op.create_table(
        "delivery_attempts",
        sa.Column("id", id64, primary_key=True, autoincrement=True),
        sa.Column("int_id", sa.BigInteger, nullable=False),
        sa.Column("attempt", sa.SmallInteger, nullable=False),
        sa.Column("connector", sa.String(64), nullable=False),
        sa.Column("ts", sa.BigInteger, nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("detail", sa.String(255), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_delivery_attempts"),
    )
    op.create_index("ix_delivery_attempts_int_id", "delivery_attempts", ["int_id"])
    op.create_table(
        "simulated_messages",
        sa.Column("int_id", sa.BigInteger, nullable=False, autoincrement=False),
        sa.Column("connector", sa.String(64), nullable=False),
        sa.Column("received_ts", sa.BigInteger, nullable=False),
        sa.Column("submissions", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("int_id", name="pk_simulated_messages"),
    )


def downgrade() -> None:
    for table in ("simulated_messages", "delivery_attempts", "routes", "connectors", "senders",
                  "ledger_balances"):  # fmt: skip
        op.drop_table(table)
    for index in ("ix_messages_open", "ix_messages_queue", "ix_messages_client"):
        op.drop_index(index, table_name="messages")
    with op.batch_alter_table("messages") as batch:
        batch.drop_constraint("ck_messages_lease_while_sending", type_="check")
        batch.drop_constraint("ck_messages_state_valid", type_="check")
        for column in ("ref", "comment", "balance", "peer_id", "claimed_by", "lease_until",
                       "connector", "attempt", "valid_until", "run_at", "state"):  # fmt: skip
            batch.drop_column(column)
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("last_send_id")
        batch.drop_column("default_sender")
        batch.drop_column("credit")
