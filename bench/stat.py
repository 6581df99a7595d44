"""Benchmark of ``get.php?get_stat=1``: latency over a large ledger, with and without the
daily rollup.

Seeds the demo (``smscd seed-demo``: every message is charged, so 1,000,000 messages are
1,000,000 charges of ``demo``), then times ``get_stat`` in-process (parameters to reply
bytes, authentication aside) for a day, a month and six months, and for comparison the
same six-month sums taken from the ledger rows themselves, which is what the rollup saves.

    .venv/bin/python bench/stat.py                                  # 1,000,000 messages
    .venv/bin/python bench/stat.py --cache-dir ~/.cache/smscd-bench # keep the database
    .venv/bin/python bench/stat.py --messages 100000 --requests 50  # a quick look

It measures, it does not judge: exit 0 whatever the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from fixtures import LOGIN, PASSWORD, seeded_database
from smscd.accounts.auth import Authenticator
from smscd.accounts.passwords import Passwords
from smscd.billing.endpoint import get_stat
from smscd.dates import add_months
from smscd.db.sqlite import SqliteDatabase
from smscd.http import charsets, params, replies
from smscd.http.client_ip import ClientAddresses
from smscd.http.context import ApiRequest, Services
from smscd.limits.guard import Unguarded
from smscd.settings import Settings, load_settings

LEDGER_SUMS = (
    "SELECT COALESCE(SUM(CASE WHEN kind = 1 AND mail = 0 THEN sms_cnt ELSE 0 END), 0),"
    " COALESCE(SUM(CASE WHEN kind = 1 THEN amount ELSE 0 END), 0),"
    " COALESCE(SUM(CASE WHEN kind = 2 THEN amount ELSE 0 END), 0)"
    " FROM ledger WHERE account_id = ? AND ts >= ? AND ts < ?"
)


def _day(day: date) -> str:
    return f"{day:%d.%m.%Y}"


def _facts(database: Path) -> tuple[int, ZoneInfo, float, int]:
    """demo's id, zone, the data's "now" (just after its last message), its charges."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as conn:
        account_id, zone = conn.execute(
            "SELECT id, timezone FROM accounts WHERE login = ?", (LOGIN,)
        ).fetchone()
        (newest,) = conn.execute(
            "SELECT max(ts) FROM ledger WHERE account_id = ? AND kind = 1", (account_id,)
        ).fetchone()
        (charges,) = conn.execute(
            "SELECT count(*) FROM ledger WHERE account_id = ? AND kind = 1", (account_id,)
        ).fetchone()
    if not charges:
        raise SystemExit(f"{database} has no charges (seeded before billing?): remove it")
    return account_id, ZoneInfo(zone), newest + 60, charges


def _figures(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return (
        f"median {statistics.median(ordered) * 1000:7.2f} ms   p95 {p95 * 1000:7.2f} ms"
        f"   max {ordered[-1] * 1000:7.2f} ms"
    )


async def _time(call: Callable[[], Awaitable[object]], requests: int) -> list[float]:
    for _ in range(3):  # warm the caches (pages, statements, zone tables)
        await call()
    samples = []
    for _ in range(requests):
        started = time.perf_counter()
        await call()
        samples.append(time.perf_counter() - started)
    return samples


async def measure(database: Path, settings: Settings, requests: int) -> None:
    account_id, zone, now, charges = _facts(database)
    db = SqliteDatabase(str(database), settings.sqlite_threads)
    await db.start()
    try:
        passwords = Passwords(settings.argon2_time_cost, settings.argon2_memory_kib)
        authenticator = Authenticator(db, passwords, settings.auth_cache_seconds)
        services = Services(
            settings, db, authenticator, lambda: now, Unguarded(), ClientAddresses("")
        )
        account = await authenticator.authenticate(LOGIN, PASSWORD, "", "127.0.0.1")
        today = datetime.fromtimestamp(now, zone).date()
        print(f"{LOGIN}: {charges:,} charges; today {_day(today)} ({zone.key})\n", flush=True)

        def stat_call(query: str) -> Callable[[], Awaitable[bytes]]:
            pairs = params.urlencoded_pairs(query.encode(), 1000)
            parsed = params.Params(params.decode(pairs, charsets.UTF_8), 3, charsets.UTF_8)

            async def call() -> bytes:
                reply = await get_stat(ApiRequest(parsed, account, db, now, services))
                return replies.encode(replies.render(reply, 3), 3, charsets.UTF_8)

            return call

        six_months = add_months(today, -6)
        periods = {
            "1 day": f"start={_day(today)}",
            "1 month (default)": "",
            "6 months": f"start={_day(six_months)}&end={_day(today)}",
            "6 months, balance2": f"start={_day(six_months)}&end={_day(today)}&balance2=1",
        }
        sample = await stat_call(periods["6 months"])()
        print(f"6-month reply: {sample.decode()}\n")
        print(f"get_stat in-process, {requests} sequential requests each:")
        for name, query in periods.items():
            samples = await _time(stat_call(f"get_stat=1&{query}"), requests)
            print(f"  {name:<22} {_figures(samples)}", flush=True)

        start = int(datetime(six_months.year, six_months.month, six_months.day,
                             tzinfo=zone).timestamp())  # fmt: skip
        args = (account_id, start, int(now) + 86400)

        async def ledger_call() -> object:
            return await db.fetch_all(LEDGER_SUMS, args)

        print("\nthe same six months summed from the ledger rows (no rollup), the account alone:")
        samples = await _time(ledger_call, max(requests // 10, 5))
        print(f"  {'6 months, ledger':<22} {_figures(samples)}", flush=True)
    finally:
        await db.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", type=int, default=1_000_000, help="demo's messages")
    parser.add_argument("--requests", type=int, default=200, help="requests per figure (200)")
    parser.add_argument("--cache-dir", type=Path, help="keep the seeded database here, reuse it")
    args = parser.parse_args(argv)
    settings = load_settings()
    if args.cache_dir:
        args.cache_dir.mkdir(parents=True, exist_ok=True)
        database = seeded_database(args.cache_dir, args.messages, reuse=True)
        asyncio.run(measure(database, settings, args.requests))
        return 0
    with tempfile.TemporaryDirectory(prefix="smscd-bench-stat-") as directory:
        database = seeded_database(Path(directory), args.messages, reuse=False)
        asyncio.run(measure(database, settings, args.requests))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
