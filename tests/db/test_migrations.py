"""The migrations build exactly the schema the code declares, on every backend."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from smscd.db import migrate
from smscd.db.engine import sync_engine
from smscd.schema import tables
from tests.conftest import postgres_database


def test_migrated_schema_matches_the_tables_modules(backend):
    with backend.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), tables())
    assert diff == []


def test_the_database_is_at_the_newest_revision(backend):
    assert migrate.is_current(backend.engine)


def test_upgrading_again_changes_nothing(backend):
    migrate.upgrade(backend.engine)
    assert migrate.current_revisions(backend.engine) == migrate.head_revisions()


def test_one_line_of_revisions():
    assert len(migrate.head_revisions()) == 1


def test_upgrading_a_database_with_data_keeps_it_and_fills_the_new_columns(backend, tmp_path):
    """From before sending (revision 0008) to now: the history is archived (outside the
    queue), each balance row is the sum of its rollup, send ids continue after the
    history's, and links (which other rows refer to) survive the rebuild of their table."""
    urls = iter([f"sqlite:///{tmp_path / 'old.db'}"]) if backend.name == "sqlite" else (
        postgres_database()
    )  # fmt: skip
    url = next(urls)
    engine = sync_engine(url)
    try:
        migrate.upgrade(engine, "0008")
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO accounts (id, login, password_hash, timezone, currency,"
                    " created_at) VALUES (1, 'old', 'x', 'Europe/Moscow', 'RUB', 0)"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO messages (account_id, id, mail, phone, format, type, status, err,"
                    " send_ts, last_ts, mccmnc, country, operator, region, cost, sender_id,"
                    " message, sms_cnt, crc) VALUES (1, 41, 0, '79991234567', 0, 0, 1, 0, 10, 11,"
                    " '', '', '', '', 144, '', 'hi', 1, 0)"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO ledger_days (account_id, day, balance, sms, credit, debit)"
                    " VALUES (1, 20260101, 1, 1, 144, 1000), (1, 20260102, 1, 0, 0, 500)"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO links (id, account_id, code, url, url_hash, created_ts)"
                    " VALUES (7, 1, 'abc', 'https://x.example/', 5, 0)"
                )
            )
            conn.execute(text("INSERT INTO link_days (link_id, day, clicks) VALUES (7, 0, 3)"))
        migrate.upgrade(engine)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT state FROM messages")).scalar_one() == "archived"
            assert conn.execute(text("SELECT amount FROM ledger_balances")).scalar_one() == 1356
            assert conn.execute(text("SELECT last_send_id FROM accounts")).scalar_one() == 41
            assert conn.execute(text("SELECT clicks FROM link_days")).scalar_one() == 3
            assert conn.execute(text("SELECT int_id FROM links")).scalar_one() is None
    finally:
        engine.dispose()
        for _ in urls:
            pass
