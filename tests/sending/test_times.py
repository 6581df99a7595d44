"""When a send goes out (``time``, ``tz``), how long it may be tried (``valid``), and how
``period``/``freq`` spread it (sending.md)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smscd.errors import InvalidTimeError, ParametersError
from smscd.sending import times

MOSCOW = ZoneInfo("Europe/Moscow")
NOW = 1_790_000_000  # 21.09.2026 17:13:20 Moscow time


def moscow(text: str) -> int:
    return int(datetime.strptime(text, "%d.%m.%Y %H:%M").replace(tzinfo=MOSCOW).timestamp())


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("", NOW),
        ("0", NOW),
        ("2209261030", moscow("22.09.2026 10:30")),
        ("22.09.26 10:30", moscow("22.09.2026 10:30")),
        ("22.09.2026 10:30", moscow("22.09.2026 10:30")),
        ("22.09.2026 10:30:15", moscow("22.09.2026 10:30") + 15),
        ("+15", NOW + 15 * 60),
        (f"0{NOW + 3600}", NOW + 3600),
        ("01.01.20 00:00", NOW),  # in the past: now
        ("9-12", moscow("22.09.2026 09:00")),  # after the window: its start tomorrow
        ("18-20", moscow("21.09.2026 18:00")),  # before it: its start today
        ("17-18", NOW),  # within it: now
    ],
)
def test_time_forms(written, expected):
    assert times.send_time(written, MOSCOW, NOW) == expected


def test_tz_is_hours_from_moscow():
    utc = times.zone_of("-3", MOSCOW)
    assert times.send_time("22.09.2026 10:30", utc, NOW) == moscow("22.09.2026 13:30")
    assert times.zone_of("", MOSCOW) is MOSCOW


@pytest.mark.parametrize("written", ["tomorrow", "32.01.26 10:00", "31.02.2026 10:00", "25-3",
                                     "3213260000", "+", "0x10"])  # fmt: skip
def test_unreadable_times_are_error_5(written):
    with pytest.raises(InvalidTimeError):
        times.send_time(written, MOSCOW, NOW)


@pytest.mark.parametrize("written", ["16", "x", "1.5", "-16", "99"])
def test_a_bad_tz_is_error_1(written):
    with pytest.raises(ParametersError):
        times.send_time("22.09.2026 10:30", times.zone_of(written, MOSCOW), NOW)


@pytest.mark.parametrize(
    ("written", "seconds"),
    [("", 86400), ("1", 3600), ("24", 86400), ("0:01", 60), ("12:30", 45000)],
)
def test_valid(written, seconds):
    assert times.valid_seconds(written) == seconds


@pytest.mark.parametrize("written", ["0", "25", "24:01", "1:60", "x", "1.5"])
def test_a_bad_valid_is_error_1(written):
    with pytest.raises(ParametersError):
        times.valid_seconds(written)


@given(
    count=st.integers(1, 500),
    period=st.decimals("0.1", "720", places=1),
    freq=st.integers(1, 1440),
)
def test_period_spreads_every_message_within_it_in_groups_every_freq(count, period, freq):
    spread = times.spread(count, NOW, str(period), str(freq))
    assert len(spread) == count
    assert spread == sorted(spread)
    assert spread[0] == NOW
    assert all((at - NOW) % (freq * 60) == 0 for at in spread)
    assert spread[-1] - NOW <= max(int(period * 60) * 60, 0)
    sizes = [spread.count(at) for at in sorted(set(spread))]
    assert max(sizes) - min(sizes[:-1] or sizes) <= max(sizes)  # equal groups, the last smaller


def test_without_period_everything_goes_at_once():
    assert times.spread(3, NOW, "", "") == [NOW] * 3
    with pytest.raises(ParametersError):
        times.spread(3, NOW, "", "10")


def test_zone_of_builds_fixed_offsets():
    assert times.zone_of("2", MOSCOW) == timezone(timedelta(hours=5))
