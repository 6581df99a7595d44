"""Short-link SQL of the request path: point lookups of ``links`` and short ranges of the
primary key of ``link_days``, valid on SQLite and PostgreSQL (``?`` placeholders).

Days are integers YYYYMMDD of the account's calendar (tables.py), so a calendar month is
the range ``YYYYMM01 .. YYYYMM31`` whatever its length.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from smscd.dates import add_months

# The redirect: the link and its account's time zone (the day a click counts on).
BY_CODE = (
    "SELECT l.id, l.url, a.timezone, l.int_id FROM links l"
    " JOIN accounts a ON a.id = l.account_id WHERE l.code = ?"
)

# A link's clicks ever: its ``TOTAL_DAY`` counter (none yet: 0).
_TOTAL = "COALESCE((SELECT d.clicks FROM link_days d WHERE d.link_id = l.id AND d.day = 0), 0)"
_STORED = f"l.id, l.code, l.url, {_TOTAL}, l.created_ts"

# ``add``: the account's link to a URL, if it has one.
LINK_BY_URL_HASH = (
    f"SELECT {_STORED} FROM links l WHERE l.account_id = ? AND l.url_hash = ? AND l.int_id IS NULL"
)

# The CLI's list: an account's links, oldest first.
LINKS_OF_ACCOUNT = f"SELECT {_STORED} FROM links l WHERE l.account_id = ? ORDER BY l.id"

# ``add``: a new link, unless the account has this URL already (or, rarely, the code is
# taken: the caller then tries another code).
INSERT = (
    "INSERT INTO links (account_id, code, url, url_hash, created_ts)"
    " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"
)

# A link of one message (send.php tinyurl=1).
INSERT_FOR_MESSAGE = (
    "INSERT INTO links (account_id, code, url, url_hash, created_ts, int_id)"
    " VALUES (?, ?, ?, ?, ?, ?)"
)

# The demo's links, with their codes and day counters given.
INSERT_RETURNING_ID = (
    "INSERT INTO links (account_id, code, url, url_hash, created_ts)"
    " VALUES (?, ?, ?, ?, ?) RETURNING id"
)
INSERT_DAY = "INSERT INTO link_days (link_id, day, clicks) VALUES (?, ?, ?)"

TOTAL_DAY = 0  # the ``link_days`` row of a link's clicks ever (``_TOTAL`` above)


@lru_cache(maxsize=1024)
def add_clicks(rows: int) -> str:
    """The click writer's one statement: adds ``rows`` counters (link_id, day, clicks),
    creating those that do not exist yet. Rows are given sorted by (link_id, day), so that
    concurrent statements take their row locks in one order (no deadlock on PostgreSQL)."""
    values = ", ".join(["(?, ?, ?)"] * rows)
    return (
        f"INSERT INTO link_days (link_id, day, clicks) VALUES {values}"
        " ON CONFLICT (link_id, day) DO UPDATE SET clicks = link_days.clicks + excluded.clicks"
    )


def day_number(day: date) -> int:
    """A date as the ``link_days.day`` integer, YYYYMMDD."""
    return day.year * 10000 + day.month * 100 + day.day


@dataclass(frozen=True, slots=True)
class Counters:
    """The days ``get`` counts, from the account's today."""

    today: int
    yesterday: int
    month: tuple[int, int]
    previous_month: tuple[int, int]

    @classmethod
    def on(cls, today: date) -> Counters:
        first = today.replace(day=1)
        previous = add_months(first, -1)
        return cls(
            today=day_number(today),
            yesterday=day_number(today - timedelta(days=1)),
            month=(day_number(first), day_number(first) + 30),
            previous_month=(day_number(previous), day_number(previous) + 30),
        )


@dataclass(frozen=True, slots=True)
class StatsQuery:
    """``get``: one link of one account, by id, or by its original URL (its candidate forms,
    ``urls.lookup_candidates``, with their hashes)."""

    account_id: int
    counters: Counters
    link_id: int | None = None
    urls: Sequence[str] = ()
    url_hashes: Sequence[int] = ()


_DAY = "COALESCE((SELECT d.clicks FROM link_days d WHERE d.link_id = l.id AND d.day = ?), 0)"
_DAYS = (
    "COALESCE((SELECT SUM(d.clicks) FROM link_days d"
    " WHERE d.link_id = l.id AND d.day >= ? AND d.day <= ?), 0)"
)


def stats(query: StatsQuery) -> tuple[str, list[Any]]:
    """The link's total and its four day counters, in one statement."""
    counters = query.counters
    select = (
        f"SELECT l.id, l.code, {_DAY} AS cnt, {_DAYS} AS cnt_mon, {_DAY} AS cnt_day,"
        f" {_DAY} AS cnt_yes, {_DAYS} AS cnt_pmon FROM links l"
    )
    args: list[Any] = [
        TOTAL_DAY,
        *counters.month,
        counters.today,
        counters.yesterday,
        *counters.previous_month,
        query.account_id,
    ]
    if query.link_id is not None:
        args.append(query.link_id)
        return f"{select} WHERE l.account_id = ? AND l.id = ?", args
    hashes = ", ".join("?" * len(query.url_hashes))
    urls = ", ".join("?" * len(query.urls))
    args += [*query.url_hashes, *query.urls]
    # At most one row per candidate (uq_links_account_id_url_hash, the account's own links:
    # a message's links, send.php tinyurl=1, are found by id): the caller takes the newest.
    # No ORDER BY id: it could tempt a planner into walking the primary key.
    sql = (
        f"{select} WHERE l.account_id = ? AND l.url_hash IN ({hashes}) AND l.url IN ({urls})"
        " AND l.int_id IS NULL"
    )
    return sql, args


# The web console's links page (service.py): the account's newest links, and its clicks
# per day over a range of days (``link_days`` of its links, the total row excluded).
RECENT_LINKS = (
    f"SELECT {_STORED}, l.int_id FROM links l WHERE l.account_id = ? ORDER BY l.id DESC LIMIT ?"
)
CLICKS_PER_DAY = (
    "SELECT d.day, SUM(d.clicks) FROM link_days d JOIN links l ON l.id = d.link_id"
    " WHERE l.account_id = ? AND d.day >= ? AND d.day <= ? GROUP BY d.day ORDER BY d.day"
)
