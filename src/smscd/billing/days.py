"""Local days of the ledger's rollup: ``YYYYMMDD`` numbers in an account's time zone.

A charge belongs to the local day of its send time in the account's zone, so that the days
``start``..``end`` of ``get_stat`` select exactly the charges whose send time lies in
``[midnight(start), midnight(end + 1))``: the period the history endpoint selects.
"""

from __future__ import annotations

from datetime import date, timedelta

from smscd.dates import ZoneClock

_EPOCH = date(1970, 1, 1)


def day_number(day: date) -> int:
    """``date(2026, 9, 21)`` → ``20260921``."""
    return day.year * 10000 + day.month * 100 + day.day


class LocalDays:
    """Unix seconds → the ``YYYYMMDD`` of their local date in one zone (memoised per day)."""

    def __init__(self, clock: ZoneClock) -> None:
        self._clock = clock
        self._numbers: dict[int, int] = {}

    def __call__(self, ts: int) -> int:
        days = (ts + self._clock.offset(ts)) // 86400
        number = self._numbers.get(days)
        if number is None:
            number = self._numbers[days] = day_number(_EPOCH + timedelta(days=days))
        return number
