"""A poller of ``get_answers`` (``after_id``) never passes a message that becomes visible
later (docs/architecture.md, "Order of ids"): the units of work that receive one account's
messages commit in the order of the ids they take, on both databases, however concurrent
writers interleave; and the hour window follows ids, as receive times never go back."""

from __future__ import annotations

import asyncio
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smscd.db.connect import open_database
from smscd.db.gateway import Database
from smscd.incoming.store import receive
from tests.api import call
from tests.factories import add_incoming, incoming

NOW = 1_790_000_000
ORDER_SETTINGS = settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


class Poller:
    """A client polling get_answers by its bookmark, as the official libraries do."""

    def __init__(self, client, account) -> None:
        self.client, self.account = client, account
        self.bookmark = 0
        self.seen: list[int] = []

    def poll(self) -> None:
        body = call(self.client, self.account, get_answers=1, after_id=self.bookmark, fmt=3)
        ids = [int(record["id"]) for record in json.loads(body)]
        assert ids == sorted(ids) and all(i > self.bookmark for i in ids)
        self.seen += ids
        if ids:
            self.bookmark = ids[-1]


async def waiting_for_a_lock(db: Database) -> bool:
    """Is a unit of work waiting for a lock (PostgreSQL's view of it)?"""
    row = await db.fetch_one("SELECT COUNT(*) FROM pg_locks WHERE NOT granted", [])
    return bool(row and row[0])


def all_ids(backend, account_id: int) -> list[int]:
    with backend.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            f"SELECT id FROM incoming WHERE account_id = {int(account_id)} ORDER BY id"
        )
        return [int(row[0]) for row in rows]


def test_a_message_whose_unit_is_still_open_is_not_passed(client, backend, make_account):
    """A takes an id and stays open; B, after it, tries to commit meanwhile; a poll then must
    not see B before A."""
    account = make_account()
    poller = Poller(client, account)

    async def scenario() -> None:
        db = await open_database(backend.url, 1, 4)
        try:
            a_inserted, a_may_commit = asyncio.Event(), asyncio.Event()

            async def unit_a() -> None:
                async with db.transaction() as tx:
                    await receive(tx, [incoming(account.id, NOW - 100, message="A")])
                    a_inserted.set()
                    await a_may_commit.wait()

            async def unit_b() -> None:
                async with db.transaction() as tx:
                    await receive(tx, [incoming(account.id, NOW - 99, message="B")])

            a = asyncio.create_task(unit_a())
            await a_inserted.wait()
            b = asyncio.create_task(unit_b())
            if db.dialect == "postgresql":  # SQLite's one writer cannot even begin B yet
                while not b.done() and not await waiting_for_a_lock(db):
                    await asyncio.sleep(0.01)  # bounded by B's progress, not a guess
            poller.poll()
            a_may_commit.set()
            await asyncio.gather(a, b)
            poller.poll()
        finally:
            await db.stop()

    asyncio.run(asyncio.wait_for(scenario(), 60))
    assert poller.seen == all_ids(backend, account.id)
    assert len(poller.seen) == 2


@ORDER_SETTINGS
@given(data=st.data(), writers=st.integers(2, 5))
def test_a_poller_sees_every_message_whatever_the_interleaving(
    client, backend, make_account, data, writers
):
    account = make_account()
    poller = Poller(client, account)
    release_order = data.draw(st.permutations(range(writers)), label="release order")
    polls_between = data.draw(st.lists(st.booleans(), min_size=writers, max_size=writers))

    async def scenario() -> None:
        db = await open_database(backend.url, 1, writers + 1)
        try:
            turns = [asyncio.Event() for _ in range(writers)]

            async def writer(index: int) -> None:
                async with db.transaction() as tx:
                    rows = [incoming(account.id, NOW - 50 + index, message=f"w{index}-{n}")
                            for n in range(index % 3 + 1)]  # fmt: skip
                    await receive(tx, rows)
                    await turns[index].wait()

            tasks = [asyncio.create_task(writer(i)) for i in range(writers)]
            await asyncio.sleep(0)  # every writer has begun (or queued for its lock)
            for index, poll_now in zip(release_order, polls_between, strict=True):
                turns[index].set()
                await asyncio.sleep(0)
                if poll_now:
                    poller.poll()
            await asyncio.gather(*tasks)
            poller.poll()
        finally:
            await db.stop()

    asyncio.run(asyncio.wait_for(scenario(), 60))
    assert poller.seen == all_ids(backend, account.id)


def test_receive_times_never_go_back_within_an_account(backend, make_account):
    """A message stamped earlier than the account's latest (a host whose clock is behind)
    takes the latest time, so that the hour window stays an id range."""
    account, other = make_account(), make_account()
    add_incoming(backend.engine, [incoming(account.id, NOW - 10)])
    add_incoming(backend.engine, [incoming(account.id, NOW - 500), incoming(other.id, NOW - 500)])
    with backend.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT account_id, received_ts FROM incoming WHERE account_id IN "
            f"({int(account.id)}, {int(other.id)}) ORDER BY id"
        ).all()
    assert [tuple(row) for row in rows] == [
        (account.id, NOW - 10),
        (account.id, NOW - 10),
        (other.id, NOW - 500),
    ]
