"""A pooled PostgreSQL connection goes back to the pool without asyncpg's reset round trip
(db/postgres.py, ``_session_unchanged``). That is safe only while nothing smscd runs on a
pooled connection outlives its transaction; these tests hold both halves of that."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import psycopg
import pytest

from smscd.db.connect import open_database
from tests.conftest import POSTGRES_URL, postgres_database

SOURCE = Path(__file__).resolve().parents[2] / "src" / "smscd"

# Statements whose effect would outlive a transaction on a pooled connection (smscd writes
# SQL keywords in capitals): session-level advisory locks, a statement that starts with SET
# (other than SET LOCAL), set_config(..., false), held cursors, temporary tables, PREPARE,
# LISTEN.
SESSION_STATE = re.compile(
    r"pg_(try_)?advisory_lock(_shared)?\(|SET SESSION|[\"']SET (?!LOCAL\b)\w+\s*(=|TO\b)"
    r"|set_config\([^)]*false|WITH HOLD|CREATE TEMP|[\"']\s*PREPARE \w+|[\"']\s*LISTEN "
)


def test_no_statement_of_smscd_leaves_session_state_behind():
    found = [
        f"{path.relative_to(SOURCE)}:{number}: {line.strip()}"
        for path in SOURCE.rglob("*.py")
        if "migrations" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if SESSION_STATE.search(line) and not line.lstrip().startswith("#")
    ]
    assert found == []


@pytest.mark.skipif(not POSTGRES_URL, reason="PostgreSQL only (the pool)")
def test_a_cancelled_unit_leaves_nothing_on_its_connection_for_the_next_user():
    urls = postgres_database()
    url = next(urls)
    try:

        async def scenario() -> bool:
            db = await open_database(url)
            try:
                locked = asyncio.Event()

                async def unit() -> None:
                    async with db.transaction() as tx:
                        await tx.fetch_all("SELECT pg_advisory_xact_lock(?, ?)", [424242, 7])
                        locked.set()
                        await asyncio.Event().wait()  # until cancelled

                task = asyncio.create_task(unit())
                await locked.wait()
                task.cancel()
                with pytest.raises(asyncio.CancelledError):
                    await task
                # The pool's next user gets a connection outside any transaction ...
                row = await db.fetch_one("SELECT txid_current_if_assigned() IS NULL", [])
                assert row is not None and row[0] is True
                # ... and the lock the cancelled unit held is free for anyone.
                dsn = url.replace("postgresql+psycopg://", "postgresql://")
                with psycopg.connect(dsn, autocommit=True) as other:
                    free = other.execute("SELECT pg_try_advisory_xact_lock(424242, 7)").fetchone()
                return bool(free and free[0])
            finally:
                await db.stop()

        assert asyncio.run(scenario())
    finally:
        for _ in urls:
            pass
