"""Group commit of clicks: durable counting at the rate of many clicks per transaction.

A redirect is answered only once its click is committed (docs/links.md). One commit per
click would cap the rate at what the disk syncs per second, so the clicks of concurrent
redirects are committed together: :meth:`ClickWriter.record` queues the click with a future
and waits; one task takes what is queued (at most ``max_clicks``, and ``wait`` seconds
after the first click of a batch arrived, or sooner once ``max_clicks`` are queued), adds
the whole batch to the counters with one statement, one transaction
(``Database.execute``: on SQLite the gateway's single writer connection, on PostgreSQL a
pool connection), then resolves every waiting future, or fails them all with the error.
While a batch commits, the next one gathers, so batches grow with the load.

A click on a message's link (send.php ``tinyurl=1``) also sets that message to status 4
(link clicked) and queues its callback notice, in the same transaction as the counters.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter
from collections.abc import Callable

from smscd import callbacks, history
from smscd.db.gateway import Database
from smscd.links import queries

log = logging.getLogger("smscd.links")

Click = tuple[int, int]  # (link_id, day)


def click_rows(clicks: Counter[Click]) -> list[tuple[int, int, int]]:
    """The counters ``clicks`` add to: (link_id, day, clicks) for each day and each link's
    total, sorted (the order ``queries.add_clicks`` wants)."""
    counters: Counter[Click] = Counter()
    for (link_id, day), count in clicks.items():
        counters[link_id, day] += count
        counters[link_id, queries.TOTAL_DAY] += count
    return [(link_id, day, count) for (link_id, day), count in sorted(counters.items())]


class ClickWriter:
    """Queues clicks and commits them in batches; see the module docstring."""

    def __init__(self, db: Database, wait: float, max_clicks: int,
                 clock: Callable[[], float] = time.time) -> None:  # fmt: skip
        self._db = db
        self._clock = clock
        self._wait = wait
        self._max = max_clicks
        self._pending: list[tuple[Click, int | None, asyncio.Future[None]]] = []
        self._first_at = 0.0
        self._queued = asyncio.Event()  # something is pending (or the writer is closing)
        self._full = asyncio.Event()  # max_clicks are pending: commit without waiting
        self._closing = False
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._closing = False
        self._task = asyncio.create_task(self._run(), name="smscd-click-writer")

    async def record(self, link_id: int, day: int, int_id: int | None = None) -> None:
        """Count one click; returns once it is committed, raises what the commit raised."""
        if self._closing or self._task is None:
            raise RuntimeError("the click writer is not running")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        if not self._pending:
            self._first_at = loop.time()
            self._queued.set()
        self._pending.append(((link_id, day), int_id, future))
        if len(self._pending) >= self._max:
            self._full.set()
        # A client that hangs up cancels only its wait: the click stays in the batch.
        await future

    async def stop(self) -> None:
        """Commit what is queued, then stop the writer task."""
        self._closing = True
        self._queued.set()
        self._full.set()
        task, self._task = self._task, None
        if task is not None:
            await task

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            if not self._pending:
                if self._closing:
                    return
                self._queued.clear()
                await self._queued.wait()
                continue
            delay = self._first_at + self._wait - loop.time()
            if delay > 0 and not self._full.is_set():
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(delay):
                        await self._full.wait()
            # What is left over waited already: it goes next, without a new wait.
            batch, self._pending = self._pending[: self._max], self._pending[self._max :]
            if not self._closing and len(self._pending) < self._max:
                self._full.clear()
            await self._commit(batch)

    async def _commit(self, batch: list[tuple[Click, int | None, asyncio.Future[None]]]) -> None:
        try:
            rows = click_rows(Counter(click for click, _, _ in batch))
            params = [value for row in rows for value in row]
            messages = sorted({int_id for _, int_id, _ in batch if int_id is not None})
            async with self._db.transaction() as tx:
                await tx.execute(queries.add_clicks(len(rows)), params)
                if messages:
                    now = int(self._clock())
                    clicked = await history.mark_clicked(tx, messages, now)
                    await callbacks.status_changed(tx, clicked, now)
        except Exception as error:
            log.exception("committing %d clicks failed", len(batch))
            for _, _, future in batch:
                if not future.done():
                    future.set_exception(error)
            return
        for _, _, future in batch:
            if not future.done():
                future.set_result(None)
