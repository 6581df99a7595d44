"""PostgreSQL behind the gateway: an ``asyncpg`` pool, ``?`` placeholders rewritten to ``$n``.

A unit of work is an asyncpg transaction on one pool connection, committed when its block
ends. There is no group commit of our own here: PostgreSQL flushes the WAL of concurrent
committers together (each backend that finds its commit record already flushed by another
returns at once), so units of work on different pool connections share fsyncs by
themselves, without the head-of-line wait a shared transaction would add. Measured in
docs/performance.md ("Transactions"), `bench/transactions.py`.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any

import asyncpg

from smscd.db.gateway import (
    CommitStats,
    Database,
    Listener,
    Row,
    Transaction,
    numbered_placeholders,
)

log = logging.getLogger("smscd.db")

_inside: contextvars.ContextVar[object | None] = contextvars.ContextVar(
    "smscd_postgres_unit", default=None
)


class _Statements:
    """SQL with ``?`` → SQL with ``$n``, converted once per text."""

    def __init__(self) -> None:
        self._sql: dict[str, str] = {}

    def __call__(self, sql: str) -> str:
        pg_sql = self._sql.get(sql)
        if pg_sql is None:
            pg_sql = self._sql[sql] = numbered_placeholders(sql)
        return pg_sql


def _rowcount(status: str) -> int:
    """The rows a command changed, from its status (``UPDATE 3``, ``INSERT 0 5``)."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


class PostgresTransaction(Transaction):
    dialect = "postgresql"

    def __init__(self, conn: Any, statements: _Statements) -> None:
        self._conn = conn
        self._statements = statements
        self.closed = False

    def _check(self) -> None:
        if self.closed:
            raise RuntimeError("the transaction has ended")

    async def fetch_all(self, sql: str, params: Sequence[Any]) -> list[Row]:
        self._check()
        return list(await self._conn.fetch(self._statements(sql), *params))

    async def execute(self, sql: str, params: Sequence[Any]) -> int:
        self._check()
        return _rowcount(await self._conn.execute(self._statements(sql), *params))

    async def execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self._check()
        if rows:
            await self._conn.executemany(self._statements(sql), rows)

    async def allocate_ids(self, table: str, column: str, count: int) -> list[int]:
        # The column's own sequence, in one round trip; values are never reused, even by
        # a unit of work that rolls back.
        rows = await self.fetch_all(
            f"SELECT nextval(pg_get_serial_sequence('{table}', '{column}'))"
            " FROM generate_series(1, ?)",
            [count],
        )
        return [int(row[0]) for row in rows]


async def _session_unchanged(_conn: Any) -> None:
    """How a pooled connection is made ready for its next user: by nothing more than what
    asyncpg always does (roll back a transaction left open, drop listeners).

    asyncpg's default also sends ``SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *;
    RESET ALL`` on every release: a round trip per request, for session state smscd never
    makes (its advisory locks are transaction-level, it sets no session variables, opens no
    cursor outside a transaction, and listens on a connection of its own). Skipping it
    gained 1.33x on balance.php and 1.11x on history (docs/performance.md)."""


class PostgresDatabase(Database):
    dialect = "postgresql"

    def __init__(self, dsn: str, size: int) -> None:
        self._dsn = dsn
        self._size = size
        self._pool: Any = None
        self._statements = _Statements()
        self.stats = CommitStats()

    async def start(self) -> None:
        self._pool = await asyncpg.create_pool(
            self._dsn, min_size=1, max_size=self._size, reset=_session_unchanged
        )

    def _started(self) -> Any:
        if self._pool is None:
            raise RuntimeError("the database is not started")
        return self._pool

    async def fetch_all(self, sql: str, params: Sequence[Any]) -> list[Row]:
        async with self._started().acquire() as conn:
            return list(await conn.fetch(self._statements(sql), *params))

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        # As on SQLite: a unit inside another would be a second, independent transaction
        # (and could wait for the first one's row locks forever).
        if _inside.get() is self:
            raise RuntimeError("a transaction cannot be opened inside another one")
        token = _inside.set(self)
        try:
            async with self._unit() as tx:
                yield tx
        finally:
            _inside.reset(token)

    @asynccontextmanager
    async def _unit(self) -> AsyncIterator[Transaction]:
        async with self._started().acquire() as conn:
            transaction = conn.transaction()
            await transaction.start()
            tx = PostgresTransaction(conn, self._statements)
            try:
                yield tx
            except BaseException:
                tx.closed = True
                self.stats.rolled_back += 1
                # A broken connection cannot roll back; the pool discards it, and the
                # server rolls back what it had. The block's own error is what matters.
                with contextlib.suppress(Exception):
                    await transaction.rollback()
                raise
            tx.closed = True
            await transaction.commit()
            self.stats.commits += 1
            self.stats.transactions += 1

    def listener(
        self, channel: str, on_notice: Callable[[str], None], on_gap: Callable[[], None]
    ) -> Listener:
        return PostgresListener(self._dsn, channel, on_notice, on_gap)

    async def stop(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            await pool.close()


class PostgresListener(Listener):
    """``LISTEN channel`` on a connection of its own (a pooled one is reset when released,
    and would stop listening), checked every ``PING`` seconds and opened again after a loss,
    waiting ``RETRY`` seconds between attempts."""

    PING = 10.0
    RETRY = 2.0

    def __init__(
        self,
        dsn: str,
        channel: str,
        on_notice: Callable[[str], None],
        on_gap: Callable[[], None],
    ) -> None:
        self._dsn = dsn
        self._channel = channel
        self._on_notice = on_notice
        self._on_gap = on_gap
        self._conn: Any = None
        self._lost = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.live = False

    async def start(self) -> None:
        await self._connect()
        self._task = asyncio.create_task(self._watch(), name=f"smscd-listen-{self._channel}")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._mark_lost()
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):
                await conn.close(timeout=5)

    async def _connect(self) -> None:
        conn = await asyncpg.connect(self._dsn)
        try:
            await conn.add_listener(self._channel, self._heard)
        except BaseException:
            await conn.close()
            raise
        conn.add_termination_listener(lambda _conn: self._mark_lost())
        self._conn = conn
        self._lost.clear()
        # What was kept before this moment may have changed unheard.
        self._on_gap()
        self.live = True

    def _heard(self, _conn: Any, _pid: int, _channel: str, payload: str) -> None:
        self._on_notice(payload)

    def _mark_lost(self) -> None:
        if self.live:
            self.live = False
            self._on_gap()
        self._lost.set()

    async def _watch(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._lost.wait(), self.PING)
            if not self._lost.is_set():
                try:
                    await self._conn.execute("SELECT 1", timeout=self.PING)
                    continue
                except Exception:
                    log.warning("the %s listener's connection is lost", self._channel)
                    self._mark_lost()
            old, self._conn = self._conn, None
            if old is not None:
                old.terminate()
            try:
                await self._connect()
                log.info("the %s listener is back", self._channel)
            except Exception as exc:
                log.warning("the %s listener cannot connect (%s); again in %g s",
                            self._channel, type(exc).__name__, self.RETRY)  # fmt: skip
                await asyncio.sleep(self.RETRY)
