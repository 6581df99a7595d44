"""When a send goes out, and for how long delivery may be tried: ``time``, ``tz``,
``valid``, ``period`` and ``freq`` of send.php (sending.md; docs/sending.md, "When").

``time`` forms: ``DDMMYYhhmm``, ``DD.MM.YY hh:mm`` (also a four-digit year, and seconds),
``h1-h2`` (an hour window), ``0<unix seconds>``, ``+<minutes>``; ``0`` or a time already
past: now. ``tz`` is the zone of ``time`` in hours from Moscow time (absent: the account's
zone). Unreadable: error 5 (``invalid time``).
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta, timezone, tzinfo
from decimal import Decimal, InvalidOperation

from smscd.errors import InvalidTimeError, ParametersError

MOSCOW_HOURS = 3  # Moscow time is UTC+3
DEFAULT_VALID = 24 * 3600

_COMPACT = re.compile(r"([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})")
_DOTTED = re.compile(
    r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{2}|[0-9]{4})\s+([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?"
)
_WINDOW = re.compile(r"([0-9]{1,2})-([0-9]{1,2})")
_UNIX = re.compile(r"0([0-9]{1,12})")
_LATER = re.compile(r"\+([0-9]{1,6})")
_HOURS_MINUTES = re.compile(r"([0-9]{1,2}):([0-9]{2})")


def zone_of(tz_text: str, account_zone: tzinfo) -> tzinfo:
    """The zone ``time`` is written in: ``tz`` hours from Moscow, or the account's."""
    if tz_text == "":
        return account_zone
    try:
        hours = int(tz_text)
    except ValueError as exc:
        raise ParametersError("tz is a whole number of hours") from exc
    if not -15 <= hours <= 12:
        raise ParametersError("tz out of range")
    return timezone(timedelta(hours=MOSCOW_HOURS + hours))


def _local(zone: tzinfo, year: int, month: int, day: int, hour: int, minute: int,
           second: int = 0) -> int:  # fmt: skip
    try:
        return int(datetime(year, month, day, hour, minute, second, tzinfo=zone).timestamp())
    except ValueError as exc:
        raise InvalidTimeError("not a date and time") from exc


def send_time(text: str, zone: tzinfo, now: int) -> int:
    """Unix seconds at which to send (``now`` or later)."""
    text = text.strip()
    if text in ("", "0"):
        return now
    if match := _COMPACT.fullmatch(text):
        day, month, year, hour, minute = (int(g) for g in match.groups())
        at = _local(zone, 2000 + year, month, day, hour, minute)
    elif match := _DOTTED.fullmatch(text):
        day, month, year, hour, minute = (int(g) for g in match.groups()[:5])
        year += 2000 if year < 100 else 0
        at = _local(zone, year, month, day, hour, minute, int(match.group(6) or 0))
    elif match := _WINDOW.fullmatch(text):
        return _in_window(int(match.group(1)), int(match.group(2)), zone, now)
    elif match := _UNIX.fullmatch(text):
        at = int(match.group(1))
    elif match := _LATER.fullmatch(text):
        at = now + int(match.group(1)) * 60
    else:
        raise InvalidTimeError(f"unknown time form {text!r}")
    return max(at, now)


def _in_window(first: int, last: int, zone: tzinfo, now: int) -> int:
    """``h1-h2``: before h1 wait until h1, within [h1, h2) send now, after it h1 tomorrow."""
    if not (0 <= first <= 23 and 1 <= last <= 24 and first < last):
        raise InvalidTimeError("hour window out of range")
    local = datetime.fromtimestamp(now, zone)
    opening = local.replace(hour=first, minute=0, second=0, microsecond=0)
    if local.hour < first:
        return int(opening.timestamp())
    if local.hour < last:
        return now
    return int((opening + timedelta(days=1)).timestamp())


def valid_seconds(text: str) -> int:
    """``valid``: 1-24 whole hours, or ``hh:mm`` from 00:01 to 24:00; default 24 hours."""
    text = text.strip()
    if text == "":
        return DEFAULT_VALID
    if match := _HOURS_MINUTES.fullmatch(text):
        hours, minutes = int(match.group(1)), int(match.group(2))
        if minutes > 59:
            raise ParametersError("valid minutes out of range")
        seconds = hours * 3600 + minutes * 60
    elif text.isdigit() and len(text) <= 2:
        seconds = int(text) * 3600
    else:
        raise ParametersError("valid is hours (1-24) or hh:mm")
    if not 60 <= seconds <= DEFAULT_VALID:
        raise ParametersError("valid out of range")
    return seconds


def spread(count: int, start: int, period_text: str, freq_text: str) -> list[int]:
    """The send time of each of ``count`` messages: all at ``start``, or with ``period``
    (0.1-720 hours) and ``freq`` (1-1440 minutes; default 60, or the period when it is
    shorter) in equal groups, one group every ``freq`` minutes from ``start``."""
    if period_text.strip() == "":
        if freq_text.strip():
            raise ParametersError("freq without period")
        return [start] * count
    try:
        period = Decimal(period_text.strip())
    except InvalidOperation as exc:
        raise ParametersError("period is a number of hours") from exc
    if not (period.is_finite() and Decimal("0.1") <= period <= 720):
        raise ParametersError("period out of range")
    minutes = int(period * 60)
    freq = int(freq_text) if freq_text.strip().isdigit() else None
    if freq is None or not 1 <= freq <= 1440:
        if freq_text.strip():
            raise ParametersError("freq out of range")
        freq = min(60, max(1, minutes))
    groups = max(1, min(count, math.ceil(minutes / freq)))
    size = math.ceil(count / groups)
    return [start + (i // size) * freq * 60 for i in range(count)]
