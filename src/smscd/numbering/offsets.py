"""``tz``: a zone's UTC offset at a moment, in hours, as the API writes it.

compat.md ("Endpoint decisions"): ``tz`` is the offset in hours of the number's region,
``3`` for Moscow. **[ours]** whole hours are written as integers (``3``, ``-5``, ``0``), other
offsets as decimal hours without trailing zeros (India ``5.5``, Nepal ``5.75``,
Newfoundland ``-3.5``). The offset is the one in force at the request's time, so a zone with
daylight saving time answers differently in winter and in summer.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# Every offset change of every zone happens on a whole minute, so the offset is memoised
# per zone and minute (a list of 100 numbers needs each zone's offset once).
_MINUTE = 60


def hours_text(seconds: int) -> str:
    """Offset seconds as hours: ``10800`` -> ``3``, ``19800`` -> ``5.5``."""
    if seconds % 3600 == 0:
        return str(seconds // 3600)
    hours = Decimal(seconds) / Decimal(3600)
    return format(hours.normalize(), "f")


@lru_cache(maxsize=1024)
def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


@lru_cache(maxsize=8192)
def _offset_at_minute(name: str, minute: int) -> str:
    zone = _zone(name)
    if zone is None:
        return ""
    offset = datetime.fromtimestamp(minute * _MINUTE, UTC).astimezone(zone).utcoffset()
    return hours_text(int(offset.total_seconds())) if offset is not None else ""


def offset_text(zone: str, now: float) -> str:
    """The ``tz`` of ``zone`` at Unix time ``now``; empty for an unknown zone."""
    if not zone:
        return ""
    return _offset_at_minute(zone, int(now) // _MINUTE)
