"""Units of work per second through ``db.transaction()``: 1 and 64 concurrent writers, on
SQLite (group commit on, and off as the baseline of the same run) and on PostgreSQL (the
default pool of 10 connections, and a pool of 64).

    .venv/bin/python bench/transactions.py [--seconds 5] [--postgres-url postgresql://...]

Each unit inserts one row of a message's shape and ends (a durable commit: SQLite
``synchronous=FULL``, PostgreSQL ``synchronous_commit=on``). Prints units/s, durable commits
per second (SQLite) and units per commit, and each figure's ratio to the one-writer figure
of the same database. Without ``--postgres-url`` (or ``SMSCD_BENCH_POSTGRES_URL``) only
SQLite is measured. Exits 0 whatever the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import platform
import secrets
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import psycopg
from sqlalchemy.engine import make_url

from smscd.db.connect import open_database
from smscd.db.postgres import PostgresDatabase
from smscd.db.sqlite import SqliteDatabase

TABLE = (
    "CREATE TABLE units (id BIGINT PRIMARY KEY, account_id INTEGER NOT NULL,"
    " phone TEXT NOT NULL, message TEXT NOT NULL, cost BIGINT NOT NULL, ts BIGINT NOT NULL)"
)
INSERT = "INSERT INTO units (id, account_id, phone, message, cost, ts) VALUES (?, ?, ?, ?, ?, ?)"
MESSAGE = "Your code is 4711. Do not tell it to anyone."


@dataclass(frozen=True)
class Figure:
    label: str
    writers: int
    units_per_second: float
    commits_per_second: float | None


async def measure(db: SqliteDatabase | PostgresDatabase, writers: int, seconds: float) -> Figure:
    ids = itertools.count(int(time.time() * 1000) * 1000)
    stop_at = time.perf_counter() + seconds
    done = 0

    async def writer() -> None:
        nonlocal done
        while time.perf_counter() < stop_at:
            async with db.transaction() as tx:
                await tx.execute(INSERT, [next(ids), 1, "79161234567", MESSAGE, 455, 0])
            done += 1

    commits = db.stats.commits
    started = time.perf_counter()
    await asyncio.gather(*(writer() for _ in range(writers)))
    elapsed = time.perf_counter() - started
    per_second = (db.stats.commits - commits) / elapsed if db.dialect == "sqlite" else None
    return Figure("", writers, done / elapsed, per_second)


async def with_table(url: str) -> None:
    db = await open_database(url)
    try:
        async with db.transaction() as tx:
            await tx.execute(TABLE, [])
    finally:
        await db.stop()


async def measured(url: str, label: str, writers: int, seconds: float, **options: int) -> Figure:
    """``label``'s figure: a database of ``url`` opened with ``options``, measured, closed."""
    db = await open_database(url, **options)
    try:
        figure = await measure(db, writers, seconds)  # type: ignore[arg-type]
    finally:
        await db.stop()
    return Figure(label, writers, figure.units_per_second, figure.commits_per_second)


async def sqlite_figures(seconds: float) -> list[Figure]:
    figures = []
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite:///{Path(directory) / 'bench.db'}"
        await with_table(url)
        for label, max_batch in (("SQLite, one commit per unit", 1), ("SQLite, group commit", 256)):
            for writers in (1, 64):
                figures.append(
                    await measured(url, label, writers, seconds, group_commit_max=max_batch)
                )
    return figures


async def shared_transaction(dsn: str, writers: int, seconds: float) -> float:
    """The alternative not taken: SQLite's group commit done on PostgreSQL, every unit a
    savepoint of one transaction on one connection, one COMMIT per batch. Units/s."""
    conn = await asyncpg.connect(dsn)
    lock, batch = asyncio.Lock(), []
    waiting, is_open, done = 0, False, 0
    ids = itertools.count(int(time.time() * 1000) * 1000 + 500_000_000)
    stop_at = time.perf_counter() + seconds
    insert = INSERT.replace("?", "${}").format(*range(1, 7))

    async def writer() -> None:
        nonlocal waiting, is_open, done
        while time.perf_counter() < stop_at:
            waiting += 1
            async with lock:
                waiting -= 1
                if not is_open:
                    await conn.execute("BEGIN")
                    is_open = True
                await conn.execute("SAVEPOINT unit")
                await conn.execute(insert, next(ids), 1, "79161234567", MESSAGE, 455, 0)
                await conn.execute("RELEASE unit")
                committed = asyncio.get_running_loop().create_future()
                batch.append(committed)
                if waiting == 0 or len(batch) >= 256:
                    await conn.execute("COMMIT")
                    is_open = False
                    for waiter in batch:
                        waiter.set_result(None)
                    batch.clear()
            await committed
            done += 1

    started = time.perf_counter()
    try:
        await asyncio.gather(*(writer() for _ in range(writers)))
    finally:
        await conn.close()
    return done / (time.perf_counter() - started)


async def postgres_figures(admin_url: str, seconds: float) -> list[Figure]:
    admin = make_url(admin_url)
    name = f"smscd_bench_{secrets.token_hex(4)}"
    admin_dsn = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = admin.set(database=name).render_as_string(hide_password=False)
    figures = []
    try:
        await with_table(url)
        for pool in (10, 64):
            for writers in (1, 64):
                label = f"PostgreSQL, pool of {pool}"
                figures.append(await measured(url, label, writers, seconds, pg_pool_size=pool))
        dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        shared = await shared_transaction(dsn, 64, seconds)
        figures.append(Figure("PostgreSQL, one shared transaction", 64, shared, None))
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return figures


def report(figures: list[Figure]) -> None:
    # The baseline of each database: its first figure with one writer (measured first).
    one_writer: dict[str, float] = {}
    for figure in figures:
        if figure.writers == 1:
            one_writer.setdefault(figure.label.split(",")[0], figure.units_per_second)
    print(f"{'database':34} {'writers':>7} {'units/s':>9} {'commits/s':>10} {'units/commit':>12}"
          f" {'ratio':>6}")  # fmt: skip
    for figure in figures:
        base = one_writer[figure.label.split(",")[0]]
        commits = figure.commits_per_second
        per_commit = f"{figure.units_per_second / commits:12.1f}" if commits else f"{'-':>12}"
        commits_text = f"{commits:10.0f}" if commits is not None else f"{'-':>10}"
        print(f"{figure.label:34} {figure.writers:7} {figure.units_per_second:9.0f}"
              f" {commits_text} {per_commit} {figure.units_per_second / base:6.2f}")  # fmt: skip
    print(
        "ratio: units/s over the same database's one writer, one commit per unit (SQLite) or"
        " pool of 10 (PostgreSQL)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--postgres-url", default=os.environ.get("SMSCD_BENCH_POSTGRES_URL", ""))
    args = parser.parse_args()
    print(
        f"smscd transactions; Python {platform.python_version()}, SQLite "
        f"{sqlite3.sqlite_version}, {args.seconds:g} s per figure, {os.cpu_count()} cores"
    )
    figures = asyncio.run(sqlite_figures(args.seconds))
    if args.postgres_url:
        figures += asyncio.run(postgres_figures(args.postgres_url, args.seconds))
    else:
        print("PostgreSQL skipped: no --postgres-url", file=sys.stderr)
    report(figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
