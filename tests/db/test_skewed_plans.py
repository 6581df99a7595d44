"""On PostgreSQL every history and incoming request reads about ``cnt`` rows of one index,
within one account, whatever plan the server runs (issue 9, item 1).

A prepared statement (asyncpg prepares every query) runs either a custom plan, made for its
parameters, or one generic plan per statement and connection, chosen after five runs from
whichever parameters came first. Both are forced here (``plan_cache_mode``) on skewed data
of realistic size (tests/db/skewed.py: another account's rows newest, ids not in send order,
interleaved incoming, an empty account), and ``EXPLAIN (ANALYZE, BUFFERS)`` counts the rows
that every scan of the plan read (returned, or removed by a filter) and the pages it touched.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import psycopg
import pytest

from smscd.db import migrate
from smscd.db.engine import sync_engine
from smscd.db.gateway import numbered_placeholders
from smscd.history.queries import HistoryQuery, history
from smscd.incoming.queries import IncomingQuery, incoming
from tests.conftest import POSTGRES_URL, postgres_database
from tests.db import skewed
from tests.db.skewed import DAY, NOW

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="PostgreSQL only (the plan cache)")

PLAN_MODES = ("force_custom_plan", "force_generic_plan")
SLACK_ROWS = 2  # the one-row lookups inside a statement (prev_id's row, the window's first id)
# Pages a read of n rows may touch: every row on its own heap page, and the index pages.
SLACK_PAGES = 20


@dataclass(frozen=True)
class Executed:
    rows_read: int  # rows every scan node produced or filtered out
    pages: int  # shared buffers hit or read
    plan: dict[str, Any]


def _rows_read(node: dict[str, Any]) -> int:
    rows = 0
    if "Relation Name" in node or "Index Name" in node:
        read = node["Actual Rows"] + node.get("Rows Removed by Filter", 0)
        rows += (read + node.get("Rows Removed by Index Recheck", 0)) * node["Actual Loops"]
    return rows + sum(_rows_read(child) for child in node.get("Plans", []))


def execute(conn: psycopg.Connection, mode: str, sql: str, args: list[Any]) -> Executed:
    """``sql`` prepared and run once under ``plan_cache_mode = mode``, as asyncpg runs it."""
    conn.execute(f"SET plan_cache_mode = {mode}")
    conn.execute("DEALLOCATE ALL")
    conn.execute(f"PREPARE q AS {numbered_placeholders(sql)}")
    placeholders = ", ".join(["%s"] * len(args))
    cursor = conn.execute(
        f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) EXECUTE q({placeholders})", args
    )
    row = cursor.fetchone()
    assert row is not None
    plan = row[0][0]["Plan"]
    pages = plan.get("Shared Hit Blocks", 0) + plan.get("Shared Read Blocks", 0)
    return Executed(_rows_read(plan), pages, plan)


@pytest.fixture(scope="module")
def skewed_db() -> Iterator[tuple[psycopg.Connection, skewed.Accounts]]:
    urls = postgres_database()
    url = next(urls)
    engine = sync_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    accounts = skewed.build(dsn)
    with psycopg.connect(dsn, autocommit=True, cursor_factory=psycopg.ClientCursor) as conn:
        yield conn, accounts
    for _ in urls:  # drops the database
        pass


def assert_reads_about(executed: Executed, most: int, *, mode: str) -> None:
    assert executed.rows_read <= most + SLACK_ROWS, (mode, json.dumps(executed.plan, indent=1))
    assert executed.pages <= 2 * most + SLACK_PAGES, (mode, json.dumps(executed.plan, indent=1))


# --- history -----------------------------------------------------------------------------

P = {days: (NOW - days * DAY, NOW + DAY) for days in (1, 7, 90, 180)}
OLD_DAY = (NOW - 100 * DAY, NOW - 99 * DAY)  # a day of big's, long before newest's rows
BIG_PHONE = "79000000001"  # one of big's 20,000 numbers: about 9 messages
BIG_PHONES = [str(79000000001 + n) for n in range(50)]
# (name, account, query fields but the account, the most rows the answer may hold)
HISTORY_CASES: list[tuple[str, str, tuple[Any, ...], int]] = [
    ("latest", "big", (False, [], None, None, 100), 100),
    ("latest, cnt=1000", "big", (False, [], None, None, 1000), 1000),
    ("latest, cnt=1", "big", (False, [], None, None, 1), 1),
    ("latest", "newest", (False, [], None, None, 100), 100),
    ("latest", "small", (False, [], None, None, 100), 100),
    ("latest", "empty", (False, [], None, None, 100), 0),
    ("e-mail", "big", (True, [], None, None, 100), 100),
    ("prev_id", "big", (False, [], None, 100_500, 100), 100),
    ("prev_id near the oldest", "big", (False, [], None, 2_000, 100), 100),
    ("prev_id of another account", "empty", (False, [], None, 100_500, 100), 0),
    ("prev_id of another account", "small", (False, [], None, 100_500, 100), 0),
    ("1 day", "big", (False, [], P[1], None, 100), 0),
    ("7 days", "big", (False, [], P[7], None, 100), 100),
    ("90 days", "big", (False, [], P[90], None, 100), 100),
    ("180 days, cnt=1000", "big", (False, [], P[180], None, 1000), 1000),
    ("an old day", "big", (False, [], OLD_DAY, None, 100), 100),
    ("90 days", "newest", (False, [], P[90], None, 100), 100),
    ("90 days", "small", (False, [], P[90], None, 100), 100),
    ("90 days", "empty", (False, [], P[90], None, 100), 0),
    ("90 days and prev_id", "big", (False, [], P[90], 150_500, 100), 100),
    ("1 phone", "big", (False, [BIG_PHONE], None, None, 100), 10),
    ("1 phone, 180 days", "big", (False, [BIG_PHONE], P[180], None, 100), 10),
    ("1 phone and prev_id", "big", (False, [BIG_PHONE], None, 150_500, 100), 10),
    ("1 phone", "empty", (False, [BIG_PHONE], None, None, 100), 0),
    ("3 phones", "big", (False, BIG_PHONES[:3], None, None, 100), 30),
    ("3 phones, 90 days", "big", (False, BIG_PHONES[:3], P[90], None, 100), 30),
    ("50 phones, cnt=10", "big", (False, BIG_PHONES, None, None, 10), 10 * 50),
    ("50 phones and prev_id", "big", (False, BIG_PHONES, None, 150_500, 100), 100 * 50),
]


@pytest.mark.parametrize("mode", PLAN_MODES)
@pytest.mark.parametrize(
    "name,account,fields,most",
    HISTORY_CASES,
    ids=[f"{name} ({account})" for name, account, _, _ in HISTORY_CASES],
)
def test_history_reads_about_cnt_rows(skewed_db, mode, name, account, fields, most):
    conn, accounts = skewed_db
    query = HistoryQuery(getattr(accounts, account), *fields)
    sql, args = history("postgresql", query)
    assert_reads_about(execute(conn, mode, sql, args), most, mode=mode)


# --- incoming ----------------------------------------------------------------------------

TODAY = NOW - 10 * 3600  # a since of "midnight today": big has about 600 messages since
WEEK = NOW - 168 * 3600
RARE = "79990000001"  # one of big's incoming in 50 is to this number
INCOMING_CASES: list[tuple[str, str, tuple[Any, ...], int]] = [
    ("today", "big", (TODAY, 0, None, 100), 100),
    ("today", "newest", (TODAY, 0, None, 100), 100),
    ("today", "small", (TODAY, 0, None, 100), 100),
    ("today", "empty", (TODAY, 0, None, 100), 0),
    ("a poller's first call", "big", (WEEK, 0, None, 100), 100),
    ("a poller's first call", "small", (WEEK, 0, None, 100), 100),
    ("a poller's first call", "empty", (WEEK, 0, None, 100), 0),
    ("a poller's next call", "big", (WEEK, 50_000, None, 100), 100),
    ("a poller's next call, cnt=1000", "big", (WEEK, 50_000, None, 1000), 1000),
    ("a poller with nothing new", "big", (WEEK, 99_990, None, 100), 0),
    ("a rare to_phone", "big", (WEEK, 0, RARE, 100), 100),
    ("a rare to_phone, today", "big", (TODAY, 0, RARE, 100), 100),
    ("to_phone", "empty", (WEEK, 0, RARE, 100), 0),
]


@pytest.mark.parametrize("mode", PLAN_MODES)
@pytest.mark.parametrize(
    "name,account,fields,most",
    INCOMING_CASES,
    ids=[f"{name} ({account})" for name, account, _, _ in INCOMING_CASES],
)
def test_incoming_reads_about_cnt_rows(skewed_db, mode, name, account, fields, most):
    conn, accounts = skewed_db
    query = IncomingQuery(getattr(accounts, account), *fields)
    sql, args = incoming("postgresql", query)
    assert_reads_about(execute(conn, mode, sql, args), most, mode=mode)
