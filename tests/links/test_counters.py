"""``get`` counters in the account's calendar (compat.md): ``cnt`` every click, ``cnt_day``
today, ``cnt_yes`` yesterday, ``cnt_mon`` this calendar month, ``cnt_pmon`` the previous one.
Clicks are made through the redirect with the injected clock; days are local days."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .helpers import add_link, counters, follow, get_link

ZONES = ["Europe/Moscow", "America/New_York", "Asia/Novosibirsk", "Pacific/Chatham"]


def at(zone: str, *fields: int) -> float:
    """Unix seconds of a local time in ``zone``."""
    return datetime(*fields, tzinfo=ZoneInfo(zone)).timestamp()


@pytest.fixture
def link_in(client, make_account):
    def make(zone: str):
        account = make_account(timezone=zone)
        return account, add_link(client, account, "https://example.com/counted")

    return make


def click(client, clock, created, when: float) -> None:
    clock.now = when
    assert follow(client, created["link"]).status_code == 302


def seen(client, clock, account, created, when: float) -> tuple[int, ...]:
    clock.now = when
    return counters(get_link(client, account, id=created["id"]))


@pytest.mark.parametrize("zone", ["America/New_York", "Asia/Novosibirsk"])
def test_a_day_ends_at_local_midnight(client, clock, link_in, zone):
    account, created = link_in(zone)
    click(client, clock, created, at(zone, 2026, 9, 15, 23, 59, 59))
    click(client, clock, created, at(zone, 2026, 9, 16, 0, 0, 0))
    assert seen(client, clock, account, created, at(zone, 2026, 9, 16, 12)) == (2, 2, 1, 1, 0)
    assert seen(client, clock, account, created, at(zone, 2026, 9, 17, 0)) == (2, 2, 0, 1, 0)
    assert seen(client, clock, account, created, at(zone, 2026, 9, 18, 0)) == (2, 2, 0, 0, 0)


@pytest.mark.parametrize("zone", ["America/New_York", "Asia/Novosibirsk"])
def test_months_turn_at_local_midnight(client, clock, link_in, zone):
    account, created = link_in(zone)
    click(client, clock, created, at(zone, 2026, 10, 31, 23, 30))
    click(client, clock, created, at(zone, 2026, 11, 1, 0, 30))
    assert seen(client, clock, account, created, at(zone, 2026, 11, 1, 9)) == (2, 1, 1, 1, 1)
    assert seen(client, clock, account, created, at(zone, 2026, 11, 30, 23)) == (2, 1, 0, 0, 1)
    assert seen(client, clock, account, created, at(zone, 2026, 12, 1, 0)) == (2, 0, 0, 0, 1)
    assert seen(client, clock, account, created, at(zone, 2027, 1, 1, 0)) == (2, 0, 0, 0, 0)


def test_the_year_turns_too(client, clock, link_in):
    zone = "America/New_York"
    account, created = link_in(zone)
    click(client, clock, created, at(zone, 2026, 12, 31, 23, 59))
    click(client, clock, created, at(zone, 2027, 1, 1, 0, 1))
    click(client, clock, created, at(zone, 2027, 1, 1, 0, 2))
    assert seen(client, clock, account, created, at(zone, 2027, 1, 1, 1)) == (3, 2, 2, 1, 1)
    assert seen(client, clock, account, created, at(zone, 2027, 1, 15)) == (3, 2, 0, 0, 1)
    assert seen(client, clock, account, created, at(zone, 2027, 2, 1)) == (3, 0, 0, 0, 2)


def test_the_same_instant_is_another_day_in_another_zone(client, clock, link_in):
    instant = at(
        "UTC", 2026, 9, 21, 22, 30
    )  # 01:30 on the 22nd in Moscow, 18:30 on the 21st in New York
    moscow, moscow_link = link_in("Europe/Moscow")
    new_york, new_york_link = link_in("America/New_York")
    click(client, clock, moscow_link, instant)
    click(client, clock, new_york_link, instant)
    later = at("UTC", 2026, 9, 22, 12)  # the 22nd in both
    assert seen(client, clock, moscow, moscow_link, later) == (1, 1, 1, 0, 0)
    assert seen(client, clock, new_york, new_york_link, later) == (1, 1, 0, 1, 0)


def test_a_dst_day_of_25_hours_is_one_day(client, clock, link_in):
    zone = "America/New_York"  # clocks go back on 01.11.2026
    account, created = link_in(zone)
    click(client, clock, created, at(zone, 2026, 11, 1, 0, 10))
    click(client, clock, created, at(zone, 2026, 11, 1, 23, 50))
    assert seen(client, clock, account, created, at(zone, 2026, 11, 1, 23, 55)) == (2, 2, 2, 0, 0)


def model(local_days: list[date], today: date) -> tuple[int, ...]:
    """The counters by their definitions, from the local days of the clicks."""
    month = (today.year, today.month)
    previous = (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)
    return (
        len(local_days),
        sum((d.year, d.month) == month for d in local_days),
        sum(d == today for d in local_days),
        sum(d == today - timedelta(days=1) for d in local_days),
        sum((d.year, d.month) == previous for d in local_days),
    )


QUERY_TIME = at("UTC", 2027, 1, 1, 10)  # a year boundary nearby, in every zone's calendar


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    zone=st.sampled_from(ZONES),
    ages=st.lists(st.integers(0, 100 * 86400), min_size=0, max_size=10),
    query_shift=st.integers(-2 * 86400, 2 * 86400),
)
def test_counters_match_their_definitions(client, clock, link_in, zone, ages, query_shift):
    account, created = link_in(zone)
    query_at = QUERY_TIME + query_shift
    times = sorted(query_at - age for age in ages)
    for when in times:
        click(client, clock, created, when)
    local_days = [datetime.fromtimestamp(t, ZoneInfo(zone)).date() for t in times]
    today = datetime.fromtimestamp(query_at, ZoneInfo(zone)).date()
    assert seen(client, clock, account, created, query_at) == model(local_days, today)
