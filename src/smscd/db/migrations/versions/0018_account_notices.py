"""Account notices: PostgreSQL tells every listening worker which account changed, so
that the workers' account caches drop it (accounts/cache.py, docs/security.md).

Revision ID: 0018
Revises: 0017

Only columns that authentication reads announce a change: ``last_send_id`` (every send)
and the balance's ledger are not among them. A new API key needs no notice (nothing is
remembered of a key before it is used). SQLite has no listeners: nothing to create.
"""

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

COLUMNS = "login, password_hash, allowed_ips, timezone, currency, language, parent_id, rate_limits"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        """
        CREATE FUNCTION smscd_account_changed() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_TABLE_NAME = 'api_keys' THEN
                PERFORM pg_notify('smscd_accounts', OLD.account_id::text);
            ELSE
                PERFORM pg_notify('smscd_accounts', OLD.id::text);
            END IF;
            RETURN NULL;
        END
        $$
        """
    )
    op.execute(
        f"CREATE TRIGGER smscd_account_changed AFTER UPDATE OF {COLUMNS} OR DELETE"
        " ON accounts FOR EACH ROW EXECUTE FUNCTION smscd_account_changed()"
    )
    op.execute(
        "CREATE TRIGGER smscd_api_key_changed AFTER UPDATE OR DELETE"
        " ON api_keys FOR EACH ROW EXECUTE FUNCTION smscd_account_changed()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER smscd_api_key_changed ON api_keys")
    op.execute("DROP TRIGGER smscd_account_changed ON accounts")
    op.execute("DROP FUNCTION smscd_account_changed()")
