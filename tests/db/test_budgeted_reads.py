"""SQLite's budgeted reads (``sqlite_inline_read_ms``): a read runs on the event loop until
its budget is spent, then is interrupted and runs in the thread pool; either way the caller
gets the same rows, and the loop is never held longer than the budget by SQLite's work."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

from smscd.db.sqlite import SqliteDatabase

# A read that takes SQLite millions of instructions, whatever the machine: the sum of the
# first n integers, counted by a recursive CTE.
HEAVY = (
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?)"
    " SELECT SUM(x) FROM c"
)
LIGHT = "SELECT ? + 1"


def run(path: Path, budget_ms: float, sql: str, args: list[int]) -> tuple[list, SqliteDatabase]:
    async def read() -> tuple[list, SqliteDatabase]:
        db = SqliteDatabase(str(path), threads=1, inline_read_ms=budget_ms)
        await db.start()
        try:
            return [tuple(row) for row in await db.fetch_all(sql, args)], db
        finally:
            await db.stop()

    return asyncio.run(read())


def test_a_read_within_its_budget_runs_on_the_loop(tmp_path):
    rows, db = run(tmp_path / "a.db", 1000.0, LIGHT, [41])
    assert rows == [(42,)]
    assert (db.reads.inline, db.reads.handed_off, db.reads.over_budget) == (1, 0, 0)


def test_a_read_over_its_budget_is_interrupted_and_finished_in_the_pool(tmp_path):
    n = 2_000_000
    rows, db = run(tmp_path / "b.db", 0.001, HEAVY, [n])  # a microsecond: surely spent
    assert rows == [(n * (n + 1) // 2,)]
    assert (db.reads.inline, db.reads.handed_off, db.reads.over_budget) == (0, 1, 1)


def test_without_a_budget_every_read_runs_in_the_pool(tmp_path):
    loop_thread = threading.get_ident()
    seen: list[int] = []

    async def read() -> SqliteDatabase:
        db = SqliteDatabase(str(tmp_path / "c.db"), threads=1)
        await db.start()
        try:
            conn_of = db._connection  # the thread a read's connection belongs to

            def spy() -> object:
                seen.append(threading.get_ident())
                return conn_of()

            db._connection = spy  # type: ignore[method-assign]
            assert [tuple(r) for r in await db.fetch_all(LIGHT, [1])] == [(2,)]
            return db
        finally:
            await db.stop()

    db = asyncio.run(read())
    assert (db.reads.inline, db.reads.handed_off) == (0, 1)
    assert seen and loop_thread not in seen


def test_an_interrupted_read_leaves_the_loops_connection_usable(tmp_path):
    async def reads() -> list[tuple]:
        db = SqliteDatabase(str(tmp_path / "d.db"), threads=1, inline_read_ms=0.001)
        await db.start()
        try:
            await db.fetch_all(HEAVY, [1_000_000])  # interrupted on the loop
            # A point lookup on the same (loop) connection afterwards has no budget left
            # over from the interrupted read.
            return [tuple(r) for r in await db.fetch_point(HEAVY, [300_000])]
        finally:
            await db.stop()

    assert asyncio.run(reads()) == [(300_000 * 300_001 // 2,)]
