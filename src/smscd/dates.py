"""Dates as the API writes and reads them, in an account's time zone.

Replies: ``DD.MM.YYYY hh:mm:ss``; parameters: ``DD.MM.YYYY`` (compat.md, "Dates and numbers").
Formatting is on the hot path of every history page (two dates a row), so the zone's UTC
offset is memoised per quarter hour (every real zone changes offset on a quarter-hour
boundary) and each day's date text per day.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from smscd.errors import ParametersError

_DATE = re.compile(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})")


class ZoneClock:
    """Fast conversion of Unix seconds to local date text for one zone."""

    def __init__(self, zone: ZoneInfo) -> None:
        self.zone = zone
        self._offsets: dict[int, int] = {}
        self._days: dict[int, str] = {}

    def offset(self, ts: int) -> int:
        bucket = ts // 900
        off = self._offsets.get(bucket)
        if off is None:
            delta = datetime.fromtimestamp(bucket * 900, self.zone).utcoffset()
            off = int(delta.total_seconds()) if delta else 0
            if len(self._offsets) > 100_000:
                self._offsets.clear()
            self._offsets[bucket] = off
        return off

    def format(self, ts: int) -> str:
        """``DD.MM.YYYY hh:mm:ss`` of ``ts`` in this zone."""
        local = ts + self.offset(ts)
        day, rem = divmod(local, 86400)
        text = self._days.get(day)
        if text is None:
            d = date(1970, 1, 1) + timedelta(days=day)
            text = f"{d.day:02d}.{d.month:02d}.{d.year:04d}"
            if len(self._days) > 100_000:
                self._days.clear()
            self._days[day] = text
        return f"{text} {rem // 3600:02d}:{rem // 60 % 60:02d}:{rem % 60:02d}"

    def today(self, now: float) -> date:
        return datetime.fromtimestamp(now, self.zone).date()

    def midnight(self, day: date) -> int:
        """Unix seconds of the start of ``day`` in this zone."""
        return int(datetime(day.year, day.month, day.day, tzinfo=self.zone).timestamp())


@lru_cache(maxsize=512)
def zone_clock(zone: ZoneInfo) -> ZoneClock:
    return ZoneClock(zone)


def parse_date(text: str, name: str) -> date:
    """A ``DD.MM.YYYY`` parameter; error 1 if it is not a real date."""
    match = _DATE.fullmatch(text.strip())
    if not match:
        raise ParametersError(f"{name} is not DD.MM.YYYY")
    day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise ParametersError(f"{name} is not a date") from exc


MAX_PERIOD_MONTHS = 6  # the longest period history and statistics answer for


def check_period(start: date, end: date) -> None:
    """Error 1 unless ``start``..``end`` (both included) runs forwards and ends at most
    six months after it starts (compat.md, "Endpoint decisions")."""
    if end < start or end > add_months(start, MAX_PERIOD_MONTHS):
        raise ParametersError("period reversed or longer than six months")


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months, clamped to the last day of the target month."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")
