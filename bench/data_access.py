"""Side experiment: the history read path on SQLite with the gateway's raw ``sqlite3`` in a
dedicated thread pool, against ``aiosqlite`` and SQLAlchemy's async engine over it, and
against ``sqlite3`` called on the event-loop thread itself.

Only data access: the SQL and arguments of the ``bench/history.py`` request mix, rows fetched
and dropped; no parameters, no rendering, no HTTP. One process; each variant runs at a
concurrency of 1 (sequential) and of ``--tasks`` concurrent tasks.

    .venv/bin/pip install aiosqlite greenlet     # not project dependencies
    .venv/bin/python bench/data_access.py --cache-dir ~/.cache/smscd-bench
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import platform
import sqlite3
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AsyncExitStack
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from fixtures import history_mix, seeded_database
from history import open_services, render_history
from serving import NOISE_WARNING, machine_busy_seconds
from smscd.db.engine import configure_sqlite
from smscd.db.gateway import Database, Reads, Row
from smscd.db.sqlite import SqliteDatabase
from smscd.settings import load_settings

Fetch = Callable[[str, Sequence[Any]], Awaitable[list[Row]]]
Statement = tuple[str, list[Any]]


class _Recorder(Reads):
    """A gateway that notes each statement before running it."""

    def __init__(self, inner: Database) -> None:
        self.inner = inner
        self.statements: list[Statement] = []

    async def fetch_all(self, sql: str, params: Sequence[Any]) -> list[Row]:
        self.statements.append((sql, list(params)))
        return await self.inner.fetch_all(sql, params)


async def statements(database: Path) -> list[Statement]:
    """SQL and arguments of the history mix: what ``get_messages`` runs for each request."""
    services, account = await open_services(str(database))
    recorder = _Recorder(services.db)
    try:
        for request in history_mix(database):
            await render_history(replace(services, db=recorder), account, request.query.encode())
    finally:
        await services.db.stop()
    return recorder.statements


async def rate(
    fetch: Fetch, work: list[Statement], tasks: int, duration: float
) -> tuple[float, float]:
    """Queries/second of ``tasks`` concurrent loops over ``work`` for ``duration`` seconds,
    and the cores other processes used meanwhile (noise)."""
    for sql, args in work:  # warm-up, and a check that every statement finds rows
        if not await fetch(sql, args):
            raise RuntimeError(f"no rows for {sql} {args}")
    deadline = time.perf_counter() + duration
    counts = [0] * tasks

    async def loop(slot: int) -> None:
        for sql, args in itertools.cycle(work):
            if time.perf_counter() >= deadline:
                return
            await fetch(sql, args)
            counts[slot] += 1

    busy, cpu, started = machine_busy_seconds(), time.process_time(), time.perf_counter()
    await asyncio.gather(*(loop(slot) for slot in range(tasks)))
    elapsed = time.perf_counter() - started
    other = machine_busy_seconds() - busy - (time.process_time() - cpu)
    return sum(counts) / elapsed, max(other / elapsed, 0.0)


async def variants(
    database: Path, gateway: SqliteDatabase, threads: int, stack: AsyncExitStack
) -> dict[str, Fetch]:
    """Each way of running a statement, opened on ``stack`` (closed when it closes)."""
    inline = sqlite3.connect(str(database), isolation_level=None, cached_statements=512)
    configure_sqlite(inline)
    stack.callback(inline.close)

    async def on_loop(sql: str, args: Sequence[Any]) -> list[Row]:
        return inline.execute(sql, args).fetchall()

    found: dict[str, Fetch] = {
        f"gateway: sqlite3, {threads} dedicated threads": gateway.fetch_all,
        "sqlite3 on the event-loop thread": on_loop,
    }
    try:
        import aiosqlite
        from sqlalchemy.ext.asyncio import create_async_engine
    except ImportError as missing:
        print(f"skipping aiosqlite and SQLAlchemy: {missing}", file=sys.stderr)
        return found

    connections = [
        await stack.enter_async_context(aiosqlite.connect(database)) for _ in range(threads)
    ]
    turns = itertools.cycle(connections)

    async def raw_aiosqlite(sql: str, args: Sequence[Any]) -> list[Row]:
        return list(await next(turns).execute_fetchall(sql, args))

    engine = create_async_engine(f"sqlite+aiosqlite:///{database}")
    stack.push_async_callback(engine.dispose)

    async def sqlalchemy(sql: str, args: Sequence[Any]) -> list[Row]:
        async with engine.connect() as conn:
            return list((await conn.exec_driver_sql(sql, tuple(args))).all())

    found[f"aiosqlite, {threads} connections"] = raw_aiosqlite
    found["SQLAlchemy async engine (aiosqlite, default pool)"] = sqlalchemy
    return found


async def measure(database: Path, tasks: int, duration: float) -> None:
    threads = load_settings().sqlite_threads
    async with AsyncExitStack() as stack:
        work = await statements(database)
        gateway = SqliteDatabase(str(database), threads)
        await gateway.start()
        stack.push_async_callback(gateway.stop)
        found = await variants(database, gateway, threads, stack)
        print(
            f"smscd data access, {datetime.now():%Y-%m-%d %H:%M}; {database.name},"
            f" {len(work)} statements; Python {platform.python_version()},"
            f" SQLite {sqlite3.sqlite_version}, {duration:g} s per figure"
        )
        print(f"{'variant':52} {'1 task':>10} {f'{tasks} tasks':>10}   (queries/s)")
        noise = 0.0
        for name, fetch in found.items():
            sequential, other = await rate(fetch, work, 1, duration)
            concurrent, other_concurrent = await rate(fetch, work, tasks, duration)
            noise = max(noise, other, other_concurrent)
            print(f"{name:52} {sequential:>10,.0f} {concurrent:>10,.0f}", flush=True)
        if noise > NOISE_WARNING:
            print(f"warning: other work used up to {noise:.2f} cores during the figures")


def main() -> int:
    """Entry point: seed (or reuse) the 1M-message database and print queries/second."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per figure (5)")
    parser.add_argument("--tasks", type=int, default=16, help="concurrent tasks (16)")
    parser.add_argument("--messages", type=int, default=1_000_000, help="messages (1,000,000)")
    parser.add_argument("--cache-dir", type=Path, help="keep seeded databases here and reuse them")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="smscd-bench-") as tmp:
        store = args.cache_dir.expanduser().resolve() if args.cache_dir else Path(tmp)
        store.mkdir(parents=True, exist_ok=True)
        database = seeded_database(store, args.messages, reuse=args.cache_dir is not None)
        asyncio.run(measure(database, args.tasks, args.duration))
    return 0


if __name__ == "__main__":
    sys.exit(main())
