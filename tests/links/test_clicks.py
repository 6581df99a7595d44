"""The group-commit click writer on its own, with a database that records and can hold
its statements: batching, aggregation, errors, shutdown; then two writers on one real
database, as two server workers have."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import pytest
from sqlalchemy import select

from smscd.db.connect import open_database
from smscd.db.gateway import Database, Row
from smscd.links import queries
from smscd.links.clicks import ClickWriter, click_rows
from smscd.links.tables import link_days
from tests.links.helpers import add_stored_link

GUARD = 10  # seconds: a broken writer fails the test instead of hanging it
FOREVER = 3600.0  # a gathering window no test reaches
DAY = 20260921


class FakeDatabase(Database):
    """Records the click writer's statements; can hold them (``release``) or fail them."""

    dialect = "sqlite"

    def __init__(self) -> None:
        self.statements: list[list[tuple[int, int, int]]] = []
        self.entered = asyncio.Event()
        self.release = asyncio.Event()
        self.release.set()
        self.fail_with: Exception | None = None

    async def fetch_all(self, sql: str, params: Sequence[Any]) -> list[Row]:
        raise AssertionError("the writer does not read")

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Any]:
        yield self

    async def execute(self, sql: str, params: Sequence[Any]) -> int:
        self.entered.set()
        await self.release.wait()
        if self.fail_with is not None:
            raise self.fail_with
        rows = [tuple(params[i : i + 3]) for i in range(0, len(params), 3)]
        assert sql == queries.add_clicks(len(rows))
        self.statements.append(rows)  # type: ignore[arg-type]
        return len(rows)

    async def start(self) -> None:
        pass

    async def stop(self) -> None:
        pass


def run(test: Any) -> None:
    asyncio.run(asyncio.wait_for(test(), GUARD))


def days_of(statement: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """The day counters a statement adds to (the totals aside)."""
    return [row for row in statement if row[1] != queries.TOTAL_DAY]


def test_click_rows_aggregate_days_and_totals_in_order():
    clicks = Counter({(7, DAY): 2, (3, DAY): 1, (7, DAY - 1): 4})
    assert click_rows(clicks) == [(3, 0, 1), (3, DAY, 1), (7, 0, 6), (7, DAY - 1, 4), (7, DAY, 2)]


def test_clicks_arriving_during_a_commit_share_the_next_one():
    async def scenario() -> None:
        db = FakeDatabase()
        db.release.clear()
        writer = ClickWriter(db, wait=0.0, max_clicks=1000)
        await writer.start()
        first = asyncio.create_task(writer.record(1, DAY))
        await db.entered.wait()  # the first click's statement is in flight
        later = [asyncio.create_task(writer.record(link, DAY)) for link in (2, 2, 3, 2)]
        await asyncio.sleep(0)  # let them queue
        db.release.set()
        await asyncio.gather(first, *later)
        await writer.stop()
        assert db.statements == [
            [(1, 0, 1), (1, DAY, 1)],
            [(2, 0, 3), (2, DAY, 3), (3, 0, 1), (3, DAY, 1)],
        ]

    run(scenario)


def test_a_full_batch_commits_without_waiting_for_the_window():
    async def scenario() -> None:
        db = FakeDatabase()
        writer = ClickWriter(db, wait=FOREVER, max_clicks=3)
        await writer.start()
        await asyncio.gather(*(writer.record(5, DAY) for _ in range(3)))
        assert db.statements == [[(5, 0, 3), (5, DAY, 3)]]
        await writer.stop()

    run(scenario)


def test_a_batch_holds_at_most_max_clicks_and_the_rest_follows_at_once():
    async def scenario() -> None:
        db = FakeDatabase()
        writer = ClickWriter(db, wait=FOREVER, max_clicks=4)
        await writer.start()
        await asyncio.gather(*(writer.record(n, DAY) for n in range(1, 9)))
        assert [[link for link, _, _ in days_of(s)] for s in db.statements] == [
            [1, 2, 3, 4],
            [5, 6, 7, 8],
        ]
        await writer.stop()

    run(scenario)


def test_a_failed_commit_fails_every_click_of_its_batch_and_the_writer_goes_on():
    async def scenario() -> None:
        db = FakeDatabase()
        db.fail_with = OSError("disk full")
        writer = ClickWriter(db, wait=FOREVER, max_clicks=2)
        await writer.start()
        results = await asyncio.gather(
            writer.record(1, DAY), writer.record(2, DAY), return_exceptions=True
        )
        assert [type(r) for r in results] == [OSError, OSError]
        db.fail_with = None
        await asyncio.gather(writer.record(1, DAY), writer.record(1, DAY))
        assert db.statements == [[(1, 0, 2), (1, DAY, 2)]]
        await writer.stop()

    run(scenario)


def test_closing_commits_what_is_queued_and_then_refuses_clicks():
    async def scenario() -> None:
        db = FakeDatabase()
        writer = ClickWriter(db, wait=FOREVER, max_clicks=1000)
        await writer.start()
        waiting = [asyncio.create_task(writer.record(9, DAY)) for _ in range(2)]
        await asyncio.sleep(0)
        await writer.stop()
        await asyncio.gather(*waiting)
        assert db.statements == [[(9, 0, 2), (9, DAY, 2)]]
        with pytest.raises(RuntimeError):
            await writer.record(9, DAY)

    run(scenario)


def test_a_click_whose_client_left_is_still_committed():
    async def scenario() -> None:
        db = FakeDatabase()
        db.release.clear()
        writer = ClickWriter(db, wait=0.0, max_clicks=1000)
        await writer.start()
        gone = asyncio.create_task(writer.record(4, DAY))
        await db.entered.wait()
        gone.cancel()
        db.release.set()
        await writer.stop()
        assert gone.cancelled()
        assert db.statements == [[(4, 0, 1), (4, DAY, 1)]]

    run(scenario)


def test_two_workers_writing_to_one_database_count_every_click(backend, make_account):
    """Two gateways on one database, as two server processes have: each batch is one
    statement, so each is atomic and they take turns on the database's write lock."""
    account = make_account()
    ids = [add_stored_link(backend, account.id, f"https://example.com/{n}").id for n in range(3)]

    async def scenario() -> None:
        gateways = [await open_database(backend.url) for _ in range(2)]
        writers = [ClickWriter(db, wait=0.0, max_clicks=7) for db in gateways]
        for writer in writers:
            await writer.start()
        try:
            await asyncio.gather(
                *(writers[n % 2].record(ids[n % 3], DAY - n % 2) for n in range(300))
            )
        finally:
            for writer, db in zip(writers, gateways, strict=True):
                await writer.stop()
                await db.stop()

    run(scenario)
    with backend.engine.connect() as conn:
        rows = conn.execute(
            select(link_days.c.link_id, link_days.c.day, link_days.c.clicks)
            .where(link_days.c.link_id.in_(ids))
            .order_by(link_days.c.link_id, link_days.c.day)
        ).all()
    assert [tuple(row) for row in rows] == [
        (link_id, day, clicks)
        for link_id in ids
        for day, clicks in ((0, 100), (DAY - 1, 50), (DAY, 50))
    ]
