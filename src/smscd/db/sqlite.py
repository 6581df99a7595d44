"""SQLite behind the gateway: readers in a small thread pool, one writer with group commit.

Reads run on ``threads`` threads, each with its own connection (WAL: readers never wait for
the writer), or, for point lookups, on the calling thread.

**Budgeted reads on the loop** (``inline_read_ms`` > 0): a read first runs on the event
loop's thread with a budget. SQLite calls a progress handler every
:data:`PROGRESS_STEPS` virtual-machine instructions; once the budget has passed it returns
non-zero, SQLite interrupts the statement, and the read starts again in the pool. Most
requests' reads (one index range of at most a page of rows) end well inside the budget
and save two thread hand-offs; a read that would take longer costs the loop at most the
budget, so one slow query cannot stall a worker's other requests for longer than that
(docs/performance.md, "The history path"). What the handler cannot bound is one blocking
read of a page from a cold disk.

Writes go through one writer connection. SQLite has one writer per database file anyway;
within a process, units of work queue on an ``asyncio.Lock`` (FIFO) and run one after
another on that connection. **Group commit**: a commit with ``synchronous=FULL`` costs an
fsync, so instead of one per unit of work the writer opens one SQLite transaction
(``BEGIN IMMEDIATE``) and runs each unit inside it as a ``SAVEPOINT``. A unit that fails
is rolled back to its savepoint alone. When a unit ends and no other is waiting (or
``max_batch`` have gathered), the writer commits: one fsync for the whole batch, after which
every unit of the batch returns. Nobody waits for a batch to fill: under light load a batch
is one unit; under heavy load the units that queued while the previous commit ran form the
next batch, so batches grow with the load.

Where each step runs (measured, docs/performance.md "Transactions"): a unit's statements run
on the event loop's thread, because inside a transaction SQLite writes to its page cache
only, in microseconds, while a hand-off to a thread and back costs 100-200 us here. What
waits on the disk or on another process runs on the writer's own thread: the ``COMMIT``
(the fsync), and a ``BEGIN IMMEDIATE`` that finds another process writing (it then waits
up to ``busy_timeout`` there, not on the loop).

If the commit fails, none of the batch is written and every unit of it raises
:class:`CommitFailed`; if SQLite itself rolls the transaction back (a full disk, an I/O
error), the units of the batch that had ended raise it too. So a block that returned has
been committed durably, and a block that raised has not.
"""

from __future__ import annotations

import asyncio
import contextvars
import fcntl
import os
import sqlite3
import threading
import time
from collections.abc import AsyncIterator, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from smscd.db.engine import configure_sqlite
from smscd.db.gateway import CommitFailed, CommitStats, Database, Row, Transaction

T = TypeVar("T")

# The writer a task is inside: a transaction opened inside another would wait for itself.
_inside: contextvars.ContextVar[object | None] = contextvars.ContextVar(
    "smscd_sqlite_writer", default=None
)


BUSY_TIMEOUT_MS = 10_000  # how long a writer waits for another process's transaction
# How often SQLite asks a budgeted read's progress handler whether its time is up, in
# virtual-machine instructions (a few microseconds of work).
PROGRESS_STEPS = 1000


def _connect(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False,
                           cached_statements=512)  # fmt: skip
    configure_sqlite(conn)
    return conn


class _WriterLock:
    """The database's writer lock across processes: an ``flock`` on ``<database>-writer``.

    SQLite lets a second writer find the database busy and retry after sleeps that grow to
    tens of milliseconds; with two server processes writing all the time, that turned into
    p99 latencies of half a second (measured: docs/performance.md, "Transactions"). A
    process's writer takes this lock before ``BEGIN IMMEDIATE`` and gives it back after its
    ``COMMIT``, so the other process's writer waits in the kernel and wakes the moment it is
    free. The kernel drops the lock of a process that dies.
    """

    def __init__(self, database: str) -> None:
        self._path = f"{database}-writer"
        self._fd: int | None = None
        self.held = False

    def _file(self) -> int:
        if self._fd is None:
            self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
        return self._fd

    def take_now(self) -> bool:
        """Take the lock if it is free (never waits: the event loop may call it)."""
        try:
            fcntl.flock(self._file(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        self.held = True
        return True

    def take(self) -> None:
        """Wait for the lock (the writer thread only)."""
        fcntl.flock(self._file(), fcntl.LOCK_EX)
        self.held = True

    def give_back(self) -> None:
        if self.held and self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        self.held = False

    def close(self) -> None:
        self.give_back()
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


class _Writer:
    """The process's one writer connection, its thread, and the batch being built."""

    def __init__(self, path: str, max_batch: int, stats: CommitStats) -> None:
        self._path = path
        self._file_lock = _WriterLock(path)
        self._max_batch = max_batch
        self._stats = stats
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="smscd-sqlite-writer")
        self._conn: sqlite3.Connection | None = None
        self._lock = asyncio.Lock()
        self._waiting = 0  # units of work waiting for the lock
        self._unit_open = False  # the running unit's savepoint is open
        self._batch: list[asyncio.Future[None]] = []  # units ended, awaiting the commit
        self._flushing: set[asyncio.Future[None]] = set()

    def connection(self) -> sqlite3.Connection:
        if self._conn is None:
            self._conn = _connect(self._path)
            # On the loop a statement never waits for another process: a busy BEGIN
            # moves to the writer thread (_begin), where it may wait.
            self._conn.execute("PRAGMA busy_timeout=0")
        return self._conn

    async def _call(self, function: Callable[..., T], *args: Any) -> T:
        """Run ``function`` on the writer thread."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._thread, function, *args)

    # -- steps that may wait: on the writer thread --

    def _begin_waiting(self) -> None:
        """``BEGIN IMMEDIATE`` that may wait: for another process's writer lock, then for a
        writer that does not take it (the CLI, a migration) up to ``busy_timeout``."""
        conn = self.connection()
        if not self._file_lock.held:
            self._file_lock.take()
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        try:
            conn.execute("BEGIN IMMEDIATE")
        except BaseException:
            self._file_lock.give_back()
            raise
        finally:
            conn.execute("PRAGMA busy_timeout=0")

    def _commit(self) -> None:
        conn = self._conn
        try:
            if conn is None or not conn.in_transaction:
                return
            conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            try:
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            finally:
                conn.execute("PRAGMA busy_timeout=0")
        finally:
            self._file_lock.give_back()

    def _close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        self._file_lock.close()

    # -- on the event loop --

    async def _begin(self) -> None:
        conn = self.connection()
        if not conn.in_transaction:
            begun = False
            if self._file_lock.take_now():
                try:
                    conn.execute("BEGIN IMMEDIATE")  # busy_timeout 0: fails at once if taken
                    begun = True
                except sqlite3.OperationalError as error:
                    if "locked" not in str(error) and "busy" not in str(error):
                        self._file_lock.give_back()
                        raise
            if not begun:
                await self._call(self._begin_waiting)
        conn.execute("SAVEPOINT unit")
        self._unit_open = True

    def _end_unit(self, keep: bool) -> bool:
        """Keep or undo the unit's writes. False when there is no transaction left to keep
        them in: SQLite rolled it back itself (a full disk, an I/O error)."""
        conn = self.connection()
        was_open, self._unit_open = self._unit_open, False
        if not conn.in_transaction:
            return False
        if was_open and not keep:
            conn.execute("ROLLBACK TO unit")
        if was_open:
            conn.execute("RELEASE unit")
        return True

    def _fail_batch(self, error: BaseException) -> None:
        batch, self._batch = self._batch, []
        for waiter in batch:
            failure = CommitFailed(f"the group commit failed: {error!r}")
            failure.__cause__ = error
            waiter.set_exception(failure)
        self._stats.rolled_back += len(batch)

    async def _commit_batch(self, commit: asyncio.Future[None] | None = None) -> None:
        """Commit the batch (``commit``: its COMMIT, already handed to the writer thread)."""
        try:
            await (commit if commit is not None else self._call(self._commit))
        except Exception as error:
            self._fail_batch(error)
            return
        batch, self._batch = self._batch, []
        if batch:
            self._stats.commits += 1
            self._stats.transactions += len(batch)
        for waiter in batch:
            waiter.set_result(None)

    def _end(self, failed: BaseException | None) -> asyncio.Future[None] | None:
        """End the unit that holds the lock: what it waits on for its commit (None when
        it failed); raises only for a unit whose block succeeded."""
        try:
            kept = self._end_unit(failed is None)
        except Exception as error:  # the connection broke: nothing of the batch is kept
            if self.connection().in_transaction:
                self.connection().execute("ROLLBACK")
            self._fail_batch(error)
            if failed is None:
                raise
            return None
        if failed is not None:
            self._stats.rolled_back += 1
            if not kept:
                self._fail_batch(failed)
            return None
        if not kept:
            lost = CommitFailed("SQLite rolled the transaction back")
            self._fail_batch(lost)
            raise lost
        waiter = asyncio.get_running_loop().create_future()
        self._batch.append(waiter)
        return waiter

    def _commit_if_due(self) -> asyncio.Future[None]:
        """Commit the batch when nobody else is waiting to join it, or it is full; then let
        the next unit in. The COMMIT goes to the writer thread at once (no turn of the
        event loop while the database stays locked); the rest is a task of its own,
        shielded, so that a cancelled caller never leaves a batch half-way."""
        loop = asyncio.get_running_loop()
        commit = None
        if self._waiting == 0 or len(self._batch) >= self._max_batch:
            commit = loop.run_in_executor(self._thread, self._commit)

        async def finish() -> None:
            try:
                if commit is not None:
                    await self._commit_batch(commit)
            finally:
                self._lock.release()

        return asyncio.ensure_future(finish())

    @asynccontextmanager
    async def unit(self) -> AsyncIterator[SqliteTransaction]:
        if _inside.get() is self:
            raise RuntimeError("a transaction cannot be opened inside another one")
        self._waiting += 1
        try:
            await self._lock.acquire()
        except BaseException:
            # A batch left open for this unit would wait for it forever: commit it.
            self._waiting -= 1
            if self._waiting == 0:
                self._flushing.add(task := asyncio.ensure_future(self._flush()))
                task.add_done_callback(self._flushing.discard)
            raise
        self._waiting -= 1
        token = _inside.set(self)
        tx = SqliteTransaction(self.connection())
        failed: BaseException | None = None
        waiter: asyncio.Future[None] | None = None
        try:
            await self._begin()
            yield tx
        except BaseException as error:
            failed = error
            raise
        finally:
            tx.closed = True
            _inside.reset(token)
            try:
                waiter = self._end(failed)
            finally:
                await asyncio.shield(self._commit_if_due())
        if waiter is not None:
            await waiter

    async def _flush(self) -> None:
        async with self._lock:
            if self._waiting == 0:
                await self._commit_batch()

    async def close(self) -> None:
        async with self._lock:
            await self._commit_batch()
            await self._call(self._close)
        self._thread.shutdown(wait=True)


class SqliteTransaction(Transaction):
    """A unit of work on the writer connection (see the module docstring)."""

    dialect = "sqlite"

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self.closed = False

    def _check(self) -> sqlite3.Connection:
        if self.closed:
            raise RuntimeError("the transaction has ended")
        return self._conn

    async def fetch_all(self, sql: str, params: Sequence[Any]) -> list[Row]:
        return self._check().execute(sql, params).fetchall()

    async def execute(self, sql: str, params: Sequence[Any]) -> int:
        return self._check().execute(sql, params).rowcount

    async def execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self._check().executemany(sql, rows)

    async def allocate_ids(self, table: str, column: str, count: int) -> list[int]:
        # The process holds the database's one writer (the file lock) and units run one
        # after another on this connection: the largest key cannot move under us, and
        # SQLite itself gives a rowid key max + 1.
        row = self._check().execute(f"SELECT COALESCE(MAX({column}), 0) FROM {table}").fetchone()
        first = int(row[0]) + 1
        return list(range(first, first + count))


@dataclass
class ReadStats:
    """Where reads ran (tests, benchmarks, metrics)."""

    inline: int = 0  # finished on the event loop within the budget
    handed_off: int = 0  # ran in the pool (no budget, or over it)
    over_budget: int = 0  # of those: interrupted on the loop first


class SqliteDatabase(Database):
    dialect = "sqlite"

    def __init__(
        self, path: str, threads: int, max_batch: int = 256, inline_read_ms: float = 0.0
    ) -> None:
        self._path = path
        self._threads = threads
        self._max_batch = max_batch
        self._budget = inline_read_ms / 1000.0
        self.stats = CommitStats()
        self.reads = ReadStats()
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._executor: ThreadPoolExecutor | None = None
        self._writer: _Writer | None = None

    async def start(self) -> None:
        self._executor = ThreadPoolExecutor(self._threads, thread_name_prefix="smscd-sqlite")
        self._writer = _Writer(self._path, self._max_batch, self.stats)

    def _connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = _connect(self._path)
            self._local.conn = conn
            with self._lock:
                self._connections.append(conn)
        return conn

    def _fetch_all(self, sql: str, params: Sequence[Any]) -> list[Row]:
        return self._connection().execute(sql, params).fetchall()

    async def fetch_all(self, sql: str, params: Sequence[Any]) -> list[Row]:
        if self._executor is None:
            raise RuntimeError("the database is not started")
        if self._budget > 0:
            rows = self._fetch_budgeted(sql, params)
            if rows is not None:
                self.reads.inline += 1
                return rows
            self.reads.over_budget += 1
        self.reads.handed_off += 1
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._fetch_all, sql, params)

    def _fetch_budgeted(self, sql: str, params: Sequence[Any]) -> list[Row] | None:
        """The rows, read on this thread within the budget; None if it ran out first."""
        local = self._local
        conn = self._connection()
        if not getattr(local, "budgeted", False):
            conn.set_progress_handler(lambda: time.perf_counter() > local.deadline,
                                      PROGRESS_STEPS)  # fmt: skip
            local.budgeted = True
        local.deadline = time.perf_counter() + self._budget
        try:
            return conn.execute(sql, params).fetchall()
        except sqlite3.OperationalError as exc:
            if str(exc) != "interrupted":
                raise
            return None
        finally:
            local.deadline = float("inf")  # point lookups on this connection: no budget

    async def fetch_point(self, sql: str, params: Sequence[Any]) -> list[Row]:
        # WAL readers never wait for the writer, and an index seek takes microseconds:
        # cheaper on the event loop than a hand-off to the pool and back.
        return self._fetch_all(sql, params)

    def transaction(self) -> Any:
        if self._writer is None:
            raise RuntimeError("the database is not started")
        return self._writer.unit()

    async def stop(self) -> None:
        writer, self._writer = self._writer, None
        if writer is not None:
            await writer.close()
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True)
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
