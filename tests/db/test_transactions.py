"""The unit of work (``db.transaction()``): all or nothing, durable when its block returns,
and, on SQLite, one commit for the units that wait together (group commit).

Each test runs on SQLite and PostgreSQL, on a scratch database with one table of its own.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import subprocess
import sys
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from smscd.db import sqlite as sqlite_gateway
from smscd.db.connect import open_database
from smscd.db.gateway import CommitFailed, Database
from tests.conftest import BACKENDS, postgres_database

TABLE = "CREATE TABLE units (id BIGINT PRIMARY KEY, n INTEGER NOT NULL, note TEXT NOT NULL)"
INSERT = "INSERT INTO units (id, n, note) VALUES (?, ?, ?)"
_ids = itertools.count(1)


def _scratch(kind: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database URL with the ``units`` table and nothing else."""
    if kind == "sqlite":
        urls: Iterator[str] = iter([f"sqlite:///{tmp_path_factory.mktemp('uow') / 'uow.db'}"])
    else:
        urls = postgres_database()
    url = next(urls)

    async def create() -> None:
        db = await open_database(url)
        try:
            async with db.transaction() as tx:
                await tx.execute(TABLE, [])
        finally:
            await db.stop()

    asyncio.run(create())
    yield url
    for _ in urls:  # the PostgreSQL clean-up
        pass


@pytest.fixture(scope="module", params=BACKENDS)
def scratch(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    yield from _scratch(request.param, tmp_path_factory)


@pytest.fixture(scope="module")
def sqlite_scratch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Group commit is the SQLite writer's (PostgreSQL groups WAL flushes by itself)."""
    yield from _scratch("sqlite", tmp_path_factory)


def run(url: str, scenario: Callable[[Database], Awaitable[Any]]) -> Any:
    async def main() -> Any:
        db = await open_database(url)
        try:
            return await scenario(db)
        finally:
            await db.stop()

    return asyncio.run(main())


async def stored(db: Database, ids: list[int]) -> set[int]:
    if not ids:
        return set()
    marks = ", ".join("?" * len(ids))
    rows = await db.fetch_all(f"SELECT id FROM units WHERE id IN ({marks})", ids)
    return {int(row[0]) for row in rows}


class Refused(Exception):
    pass


def test_a_unit_is_visible_to_others_only_once_its_block_has_ended(scratch):
    unit_id = next(_ids)

    async def scenario(db: Database) -> tuple[set[int], set[int], set[int]]:
        async with db.transaction() as tx:
            await tx.execute(INSERT, [unit_id, 1, "a"])
            inside = {
                int(row[0])
                for row in await tx.fetch_all("SELECT id FROM units WHERE id = ?", [unit_id])
            }
            outside = await stored(db, [unit_id])
        return inside, outside, await stored(db, [unit_id])

    inside, outside, after = run(scratch, scenario)
    assert inside == {unit_id}  # a unit sees its own writes
    assert outside == set()  # nobody else does before the commit
    assert after == {unit_id}


def test_an_exception_rolls_back_every_statement_of_the_unit(scratch):
    first, second = next(_ids), next(_ids)

    async def scenario(db: Database) -> set[int]:
        with pytest.raises(Refused):
            async with db.transaction() as tx:
                await tx.execute(INSERT, [first, 1, "a"])
                await tx.execute_many(INSERT, [(second, 2, "b")])
                raise Refused
        return await stored(db, [first, second])

    assert run(scratch, scenario) == set()


def test_a_failing_statement_rolls_back_the_unit_and_the_database_goes_on(scratch):
    taken, lost, later = next(_ids), next(_ids), next(_ids)

    async def scenario(db: Database) -> set[int]:
        async with db.transaction() as tx:
            await tx.execute(INSERT, [taken, 1, "a"])
        with pytest.raises(Exception, match=r"(?i)unique|duplicate"):
            async with db.transaction() as tx:
                await tx.execute(INSERT, [lost, 1, "b"])
                await tx.execute(INSERT, [taken, 2, "again"])
        async with db.transaction() as tx:
            await tx.execute(INSERT, [later, 3, "c"])
        return await stored(db, [taken, lost, later])

    assert run(scratch, scenario) == {taken, later}


def test_a_cancelled_unit_writes_nothing_and_the_next_one_commits(scratch):
    cancelled_id, next_id = next(_ids), next(_ids)

    async def scenario(db: Database) -> set[int]:
        inserted = asyncio.Event()

        async def unit() -> None:
            async with db.transaction() as tx:
                await tx.execute(INSERT, [cancelled_id, 1, "a"])
                inserted.set()
                await asyncio.Event().wait()  # until cancelled

        task = asyncio.create_task(unit())
        await inserted.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        async with db.transaction() as tx:
            await tx.execute(INSERT, [next_id, 2, "b"])
        return await stored(db, [cancelled_id, next_id])

    assert run(scratch, scenario) == {next_id}


def test_execute_counts_the_rows_it_changed(scratch):
    ids = [next(_ids) for _ in range(3)]

    async def scenario(db: Database) -> tuple[int, int]:
        async with db.transaction() as tx:
            await tx.execute_many(INSERT, [(i, 0, "x") for i in ids])
            marks = ", ".join("?" * len(ids))
            changed = await tx.execute(f"UPDATE units SET n = 1 WHERE id IN ({marks})", ids)
            none = await tx.execute("UPDATE units SET n = 1 WHERE id = ?", [-1])
        return changed, none

    assert run(scratch, scenario) == (3, 0)


def test_a_transaction_is_closed_after_its_block_and_cannot_nest(scratch):
    async def scenario(db: Database) -> None:
        async with db.transaction() as tx:
            with pytest.raises(RuntimeError, match="inside another"):
                async with db.transaction():
                    pass
        with pytest.raises(RuntimeError, match="ended"):
            await tx.execute("SELECT 1", [])

    run(scratch, scenario)


@hypothesis_settings(max_examples=25, deadline=None)
@given(outcomes=st.lists(st.sampled_from(["commit", "raise", "cancel"]), min_size=1, max_size=40))
def test_concurrent_units_keep_exactly_the_blocks_that_returned(scratch, outcomes):
    """Units started together, some failing and some cancelled half-way: what is stored is
    exactly the units whose blocks returned."""
    ids = [next(_ids) for _ in outcomes]

    async def scenario(db: Database) -> tuple[set[int], set[int]]:
        returned: set[int] = set()
        started = [asyncio.Event() for _ in outcomes]

        async def unit(index: int, outcome: str) -> None:
            async with db.transaction() as tx:
                await tx.execute(INSERT, [ids[index], index, outcome])
                if outcome == "raise":
                    raise Refused
                if outcome == "cancel":
                    started[index].set()
                    await asyncio.Event().wait()
            returned.add(ids[index])

        tasks = [asyncio.create_task(unit(i, o)) for i, o in enumerate(outcomes)]
        for index, outcome in enumerate(outcomes):
            if outcome == "cancel":
                await started[index].wait()
                tasks[index].cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        return returned, await stored(db, ids)

    returned, kept = run(scratch, scenario)
    assert kept == returned
    assert returned == {ids[i] for i, outcome in enumerate(outcomes) if outcome == "commit"}


# -- group commit (SQLite) --


def test_units_that_wait_together_share_one_commit(sqlite_scratch):
    ids = [next(_ids) for _ in range(64)]

    async def scenario(db: Database) -> tuple[int, int, set[int]]:
        before = db.stats.commits, db.stats.transactions

        async def unit(unit_id: int) -> None:
            async with db.transaction() as tx:
                await tx.execute(INSERT, [unit_id, 0, "g"])
                if unit_id == ids[0]:
                    await asyncio.sleep(0)  # one turn of the loop: the others queue

        await asyncio.gather(*(unit(i) for i in ids))
        return (
            db.stats.commits - before[0],
            db.stats.transactions - before[1],
            await stored(db, ids),
        )

    commits, transactions, kept = run(sqlite_scratch, scenario)
    assert kept == set(ids) and transactions == 64
    # All 64 queued behind the first before it ended: one batch, one fsync.
    assert commits == 1


def test_a_unit_that_nobody_waits_behind_commits_at_once(sqlite_scratch):
    ids = [next(_ids) for _ in range(3)]

    async def scenario(db: Database) -> int:
        before = db.stats.commits
        for unit_id in ids:  # one after another: each its own commit
            async with db.transaction() as tx:
                await tx.execute(INSERT, [unit_id, 0, "alone"])
        return db.stats.commits - before

    assert run(sqlite_scratch, scenario) == 3


def test_a_failing_unit_leaves_the_rest_of_its_batch_alone(sqlite_scratch):
    ids = [next(_ids) for _ in range(10)]

    async def scenario(db: Database) -> tuple[int, set[int]]:
        before = db.stats.commits

        async def unit(index: int) -> None:
            async with db.transaction() as tx:
                await tx.execute(INSERT, [ids[index], index, "b"])
                if index == 0:
                    await asyncio.sleep(0)  # one turn of the loop: the others queue
                if index == 4:
                    raise Refused

        results = await asyncio.gather(*(unit(i) for i in range(10)), return_exceptions=True)
        assert [isinstance(r, Refused) for r in results] == [i == 4 for i in range(10)]
        return db.stats.commits - before, await stored(db, ids)

    commits, kept = run(sqlite_scratch, scenario)
    assert commits == 1
    assert kept == set(ids) - {ids[4]}


def test_a_failed_group_commit_fails_every_unit_of_the_batch(sqlite_scratch, monkeypatch):
    ids = [next(_ids) for _ in range(5)]
    original = sqlite_gateway._Writer._commit
    failures = iter([True])

    def failing_commit(writer: Any) -> None:
        if next(failures, False):
            writer._conn.execute("ROLLBACK")
            raise OSError("disk I/O error")
        original(writer)

    monkeypatch.setattr(sqlite_gateway._Writer, "_commit", failing_commit)

    async def scenario(db: Database) -> tuple[list[Any], set[int], set[int]]:
        async def unit(unit_id: int) -> None:
            async with db.transaction() as tx:
                await tx.execute(INSERT, [unit_id, 0, "f"])
                if unit_id == ids[0]:
                    await asyncio.sleep(0)  # one turn of the loop: the others queue

        results = await asyncio.gather(*(unit(i) for i in ids), return_exceptions=True)
        lost = await stored(db, ids)
        async with db.transaction() as tx:  # the writer goes on
            await tx.execute(INSERT, [ids[0], 1, "again"])
        return results, lost, await stored(db, ids)

    results, lost, after = run(sqlite_scratch, scenario)
    assert all(isinstance(result, CommitFailed) for result in results)
    assert lost == set()
    assert after == {ids[0]}


# -- durability --

WRITER = """
import asyncio, itertools, sys
from smscd.db.connect import open_database

async def main(url, first):
    db = await open_database(url)
    ids = itertools.count(first)
    async def writer():
        while True:
            unit_id = next(ids)
            async with db.transaction() as tx:
                await tx.execute("INSERT INTO units (id, n, note) VALUES (?, ?, ?)",
                                 [unit_id, 0, "k"])
            print(unit_id, flush=True)  # acknowledged: the block has returned
    await asyncio.gather(*(writer() for _ in range(16)))

asyncio.run(main(sys.argv[1], int(sys.argv[2])))
"""


def test_every_acknowledged_unit_survives_sigkill(scratch, tmp_path: Path):
    first = 10_000_000 + next(_ids) * 100_000
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    process = subprocess.Popen(
        [sys.executable, str(script), scratch, str(first)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    acknowledged = []
    for line in process.stdout:
        acknowledged.append(int(line))
        if len(acknowledged) == 500:
            break
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    process.stdout.close()

    async def scenario(db: Database) -> set[int]:
        return await stored(db, acknowledged)

    assert len(acknowledged) == 500
    assert run(scratch, scenario) == set(acknowledged)
