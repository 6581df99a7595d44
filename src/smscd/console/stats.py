"""The statistics page's numbers: get_stat's own handler run once per day of the period
(so each day's figures are exactly what ``get.php?get_stat=1&start=D&end=D`` answers), and
the account's messages per status over the period."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from smscd.console import queries as q
from smscd.dates import check_period, parse_date, zone_clock
from smscd.db.gateway import Reads
from smscd.errors import ParametersError
from smscd.history.statuses import status_name

MAX_DAYS = 31  # [ours]: one chart of at most a month of days
DEFAULT_DAYS = 14

# get_stat's records for each of the days (DD.MM.YYYY), in their order.
StatOfDays = Callable[[Sequence[str]], Awaitable[Sequence[Sequence[Mapping[str, Any]]]]]


@dataclass(frozen=True, slots=True)
class Day:
    day: str  # DD.MM.YYYY
    rows: Sequence[Mapping[str, Any]]  # get_stat's records: the account, then sub-clients


def days(start_text: str, end_text: str, today: date) -> list[date]:
    """The days of the chosen period (default: the last two weeks); error 1 past a month."""
    end = parse_date(end_text, "end") if end_text else today
    start = parse_date(start_text, "start") if start_text else end - timedelta(DEFAULT_DAYS - 1)
    check_period(start, end)
    count = (end - start).days + 1
    if count > MAX_DAYS:
        raise ParametersError(f"at most {MAX_DAYS} days in one chart")
    return [start + timedelta(n) for n in range(count)]


async def per_day(period: Sequence[date], stat_of_days: StatOfDays) -> list[Day]:
    texts = [day.strftime("%d.%m.%Y") for day in period]
    return [Day(text, rows) for text, rows in zip(texts, await stat_of_days(texts), strict=True)]


async def per_status(
    db: Reads, account_id: int, zone: Any, period: Sequence[date], language: str
) -> list[tuple[str, int]]:
    clock = zone_clock(zone)
    start, end = clock.midnight(period[0]), clock.midnight(period[-1] + timedelta(1))
    rows = await db.fetch_all(q.STATUS_COUNTS, [account_id, start, end])
    return [(status_name(int(row[0]), language), int(row[1])) for row in rows]
