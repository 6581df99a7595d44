"""The async gateway of the server's hot paths: raw drivers behind one small interface.

Queries are written once, with ``?`` placeholders, in each domain's ``queries.py``; the
gateway runs them on SQLite (``sqlite3``: readers in a small dedicated thread pool, one
connection per thread, and one writer, db/sqlite.py) or on PostgreSQL (an ``asyncpg`` pool,
placeholders rewritten to ``$n``, db/postgres.py). Measured in docs/performance.md: both
about twice the throughput of SQLAlchemy's async engine, and the default anyio thread pool
is avoided on purpose (GIL contention).

Reads that need no transaction go through :class:`Database` directly. Every write of the
runtime goes through its unit of work::

    async with db.transaction() as tx:
        await tx.execute("UPDATE ...", [...])
        await tx.execute_many("INSERT ...", rows)

When the block ends the transaction is committed durably (the block returns only after the
commit is on disk); any exception, cancellation included, rolls all of it back. Only
database work belongs inside the block: it holds a writer (on SQLite, the process's one
writer) until it ends.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any, Literal

Row = Sequence[Any]
Dialect = Literal["sqlite", "postgresql"]


class CommitFailed(Exception):
    """The transaction was not committed although its block ended without an error: the
    commit it shared with other transactions failed (db/sqlite.py), and none of them was
    written."""


class Reads(ABC):
    """What both a database and an open transaction can run."""

    dialect: Dialect

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


class Transaction(Reads):
    """One open unit of work; see the module docstring. Its statements see its own writes."""

    @abstractmethod
    async def execute(self, sql: str, params: Sequence[Any]) -> int:
        """Run one statement; the number of rows it changed."""

    @abstractmethod
    async def execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Run one statement once per row of parameters (the driver's executemany)."""

    @abstractmethod
    async def allocate_ids(self, table: str, column: str, count: int) -> list[int]:
        """``count`` new values of ``table``'s integer key ``column``, for rows this unit
        of work inserts with their keys given (so that it can refer to them, a ledger
        charge to its message, without a round trip per row). ``table`` and ``column``
        are names from code, never from a request."""


@dataclass
class CommitStats:
    """What a database has committed since it started (for tests, benchmarks and metrics)."""

    transactions: int = 0  # units of work committed
    commits: int = 0  # durable commits they took (fewer with group commit)
    rolled_back: int = 0  # units of work rolled back


class Database(Reads):
    """Reads for request handlers, and the one write path: :meth:`transaction`.

    A component (smscd/components.py): :meth:`start` opens connections, :meth:`stop`
    closes them and may be called after a failed or partial start.
    """

    name = "database"
    stats: CommitStats

    @abstractmethod
    def transaction(self) -> AbstractAsyncContextManager[Transaction]:
        """A unit of work, committed durably when the ``async with`` block ends."""

    @abstractmethod
    async def start(self) -> None: ...

    @abstractmethod
    async def stop(self) -> None: ...

    def listener(
        self, channel: str, on_notice: Callable[[str], None], on_gap: Callable[[], None]
    ) -> Listener | None:
        """A component that hears what other processes announce on ``channel``, on a
        database that can tell them (PostgreSQL's LISTEN/NOTIFY); None on one that cannot."""
        return None


class Listener(ABC):
    """Notices of one channel, from any process on the same database.

    ``on_notice(payload)`` runs for each notice; ``on_gap()`` whenever notices may have been
    missed (before the first subscription holds, when the connection is lost, and again
    when it is back), so that whoever keeps state from them can drop it. :attr:`live` is
    true while notices are being heard."""

    name = "listener"
    live: bool

    @abstractmethod
    async def start(self) -> None: ...

    @abstractmethod
    async def stop(self) -> None: ...


_PLACEHOLDER = re.compile(r"\?")


def numbered_placeholders(sql: str) -> str:
    """``a = ? AND b = ?`` → ``a = $1 AND b = $2`` (our SQL has no ``?`` in literals)."""
    counter = iter(range(1, 10_000))
    return _PLACEHOLDER.sub(lambda _m: f"${next(counter)}", sql)
