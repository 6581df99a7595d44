"""History does not depend on ids being allocated in send order (docs/architecture.md,
"Order of ids"): messages scheduled for later, messages sent in the past, and concurrent
writers that commit in another order than they took their ids (PostgreSQL) are all found,
by every period that contains them, exactly once, newest first."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smscd.db.connect import open_database
from smscd.history.store import insert_messages
from tests.factories import sent
from tests.history.test_history import page_all

MOSCOW = ZoneInfo("Europe/Moscow")
NOW = 1_790_000_000  # the tests' clock: 21.09.2026 17:13:20 in Moscow
DAY = 86400
ORDER_SETTINGS = settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


async def write_concurrently(
    url: str, account_id: int, batches: list[list[int]], commit_order: list[int]
) -> None:
    """One unit of work per batch of send times, all begun before any ends. On PostgreSQL
    every unit inserts (taking its ids) and then they commit in ``commit_order``; SQLite's
    one writer runs units one at a time, in the order they began."""
    db = await open_database(url, 1, len(batches))
    try:
        inserted = [asyncio.Event() for _ in batches]
        turn = [asyncio.Event() for _ in batches]

        async def writer(index: int) -> None:
            async with db.transaction() as tx:
                await insert_messages(tx, [sent(account_id, ts) for ts in batches[index]])
                inserted[index].set()
                await turn[index].wait()

        tasks = [asyncio.create_task(writer(i)) for i in range(len(batches))]
        if db.dialect == "postgresql":
            for event in inserted:
                await event.wait()
            for index in commit_order:
                turn[index].set()
                await tasks[index]  # committed before the next one may commit
        else:
            # The next unit begins when this one's block ends; their commit is shared
            # (group commit), so no block returns before the last one has ended.
            for index in range(len(batches)):
                await inserted[index].wait()
                turn[index].set()
            await asyncio.gather(*tasks)
    finally:
        await db.stop()


def local_day(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, MOSCOW).replace(hour=0, minute=0, second=0)


send_times = st.integers(NOW - 40 * DAY, NOW + 20 * DAY)  # sent, and scheduled for later
batches = st.lists(st.lists(send_times, min_size=1, max_size=8), min_size=1, max_size=5)


@ORDER_SETTINGS
@given(batches=batches, data=st.data())
def test_every_period_finds_each_of_its_messages_exactly_once(
    client, backend, make_account, batches, data
):
    account = make_account()
    order = data.draw(st.permutations(range(len(batches))), label="commit order")
    asyncio.run(write_concurrently(backend.url, account.id, batches, list(order)))
    every = sorted(ts for batch in batches for ts in batch)

    newest_first = page_all(client, account, data.draw(st.integers(1, 7), label="cnt"))
    assert [r["send_timestamp"] for r in newest_first] == sorted(every, reverse=True)
    assert len({r["int_id"] for r in newest_first}) == len(every)
    order_keys = [(r["send_timestamp"], int(r["int_id"])) for r in newest_first]
    assert order_keys == sorted(order_keys, reverse=True)

    for _ in range(3):
        first = local_day(data.draw(send_times, label="start"))
        last = first + timedelta(days=data.draw(st.integers(0, 30), label="days"))
        start, end = first.strftime("%d.%m.%Y"), last.strftime("%d.%m.%Y")
        cnt = data.draw(st.integers(1, 7), label="page")
        found = page_all(client, account, cnt, start=start, end=end)
        lo, hi = first.timestamp(), (last + timedelta(days=1)).timestamp()
        inside = sorted((ts for ts in every if lo <= ts < hi), reverse=True)
        assert [r["send_timestamp"] for r in found] == inside, (start, end)
        assert len({r["int_id"] for r in found}) == len(found)
