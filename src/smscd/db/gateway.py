"""The async gateway of the server's hot paths: raw drivers behind one small interface.

Queries are written once, with ``?`` placeholders, in each domain's ``queries.py``; the
gateway runs them on SQLite (``sqlite3`` in a small dedicated thread pool, one connection per
thread) or on PostgreSQL (an ``asyncpg`` pool, placeholders rewritten to ``$n``). Measured in
docs/performance.md: both about twice the throughput of SQLAlchemy's async engine, and the
default anyio thread pool is avoided on purpose (GIL contention).
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
import threading
from abc import ABC, abstractmethod
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from smscd.db.engine import configure_sqlite
from smscd.db.urls import DatabaseUrl

Row = Sequence[Any]


class Database(ABC):
    """Read access for request handlers."""

    @abstractmethod
    async def fetch_all(self, sql: str, params: Sequence[Any]) -> list[Row]: ...

    async def fetch_one(self, sql: str, params: Sequence[Any]) -> Row | None:
        rows = await self.fetch_all(sql, params)
        return rows[0] if rows else None

    async def fetch_point(self, sql: str, params: Sequence[Any]) -> list[Row]:
        """A lookup by a unique or near-unique key (an account by login, a key by prefix):
        a few rows from one index seek. SQLite runs it on the calling thread, since the
        trip through the thread pool costs more than the query (docs/performance.md)."""
        return await self.fetch_all(sql, params)

    async def execute(self, sql: str, params: Sequence[Any]) -> None:
        """Run one writing statement as a transaction of its own (a statement is atomic)
        and return once it is durably committed: SQLite on the one writer connection (WAL,
        ``synchronous=FULL``), PostgreSQL on a pool connection."""
        raise NotImplementedError

    @abstractmethod
    async def close(self) -> None: ...


class SqliteDatabase(Database):
    def __init__(self, path: str, threads: int) -> None:
        self._path = path
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._executor = ThreadPoolExecutor(threads, thread_name_prefix="smscd-sqlite")
        # One writer thread, so one writer connection: writes queue here, not on the lock.
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="smscd-sqlite-writer")

    def _connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(
                self._path, isolation_level=None, check_same_thread=False, cached_statements=512
            )
            configure_sqlite(conn)
            self._local.conn = conn
            with self._lock:
                self._connections.append(conn)
        return conn

    def _fetch_all(self, sql: str, params: Sequence[Any]) -> list[Row]:
        return self._connection().execute(sql, params).fetchall()

    async def fetch_all(self, sql: str, params: Sequence[Any]) -> list[Row]:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._fetch_all, sql, params)

    async def fetch_point(self, sql: str, params: Sequence[Any]) -> list[Row]:
        # WAL readers never wait for the writer, and an index seek takes microseconds:
        # cheaper on the event loop than a hand-off to the pool and back.
        return self._fetch_all(sql, params)

    def _execute(self, sql: str, params: Sequence[Any]) -> None:
        # Autocommit: SQLite takes the write lock, writes, syncs and lets go within the one
        # step, where this thread does not hold the GIL, so the lock is never held while
        # the thread waits for the interpreter (an explicit BEGIN ... COMMIT would be).
        self._connection().execute(sql, params)

    async def execute(self, sql: str, params: Sequence[Any]) -> None:
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._writer, self._execute, sql, params)

    async def close(self) -> None:
        self._writer.shutdown(wait=True)
        self._executor.shutdown(wait=True)
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()


_PLACEHOLDER = re.compile(r"\?")


def numbered_placeholders(sql: str) -> str:
    """``a = ? AND b = ?`` → ``a = $1 AND b = $2`` (our SQL has no ``?`` in literals)."""
    counter = iter(range(1, 10_000))
    return _PLACEHOLDER.sub(lambda _m: f"${next(counter)}", sql)


class PostgresDatabase(Database):
    def __init__(self, pool: Any) -> None:
        self._pool = pool
        self._sql: dict[str, str] = {}

    @classmethod
    async def connect(cls, dsn: str, size: int) -> PostgresDatabase:
        import asyncpg

        pool = await asyncpg.create_pool(dsn, min_size=1, max_size=size)
        return cls(pool)

    async def fetch_all(self, sql: str, params: Sequence[Any]) -> list[Row]:
        pg_sql = self._sql.get(sql)
        if pg_sql is None:
            pg_sql = self._sql[sql] = numbered_placeholders(sql)
        async with self._pool.acquire() as conn:
            return list(await conn.fetch(pg_sql, *params))

    async def execute(self, sql: str, params: Sequence[Any]) -> None:
        pg_sql = self._sql.get(sql)
        if pg_sql is None:
            pg_sql = self._sql[sql] = numbered_placeholders(sql)
        async with self._pool.acquire() as conn:
            await conn.execute(pg_sql, *params)

    async def close(self) -> None:
        await self._pool.close()


async def open_database(url: str, sqlite_threads: int = 2, pg_pool_size: int = 10) -> Database:
    parsed = DatabaseUrl.parse(url)
    if parsed.is_sqlite:
        return SqliteDatabase(parsed.sqlite_path, sqlite_threads)
    return await PostgresDatabase.connect(parsed.asyncpg_dsn, pg_pool_size)
