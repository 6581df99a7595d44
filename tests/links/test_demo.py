"""The demo's short links: clicks over the last three months, day counters consistent with
the totals, and ``get`` and the redirect working on them as on any link."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from smscd.accounts.tables import accounts
from smscd.app import create_app
from smscd.db.engine import sync_engine
from smscd.demo import seed
from smscd.links.tables import link_days, links
from smscd.settings import load_settings
from tests.conftest import TEST_PASSWORDS, TEST_SETTINGS, postgres_database

from .helpers import counters, get_link

NOW = 1_790_000_000  # 21.09.2026 17:13:20 in Moscow
MOSCOW = ZoneInfo("Europe/Moscow")


class Demo:
    login = "demo"
    password = "demo"


@pytest.fixture
def demo_url(backend, tmp_path) -> Iterator[str]:
    """A fresh database of the backend's kind, seeded with the demo."""
    if backend.name == "sqlite":
        urls: Iterator[str] = iter([f"sqlite:///{tmp_path / 'demo.db'}"])
    else:
        urls = postgres_database()
    url = next(urls)
    engine = sync_engine(url)
    seed.seed(engine, TEST_PASSWORDS, messages=200, seed=3, now=NOW)
    engine.dispose()
    yield url
    for _ in urls:  # drops the PostgreSQL database
        pass


def stored(url: str, login: str) -> dict[int, tuple[str, int, dict[date, int]]]:
    """The login's links: id -> (code, total, clicks per local day)."""
    engine = sync_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(links.c.id, links.c.code)
                .join(accounts, accounts.c.id == links.c.account_id)
                .where(accounts.c.login == login)
            ).all()
            found = {}
            for link_id, code in rows:
                days = dict(
                    conn.execute(
                        select(link_days.c.day, link_days.c.clicks).where(
                            link_days.c.link_id == link_id
                        )
                    ).all()
                )
                total = days.pop(0)
                found[link_id] = (
                    code,
                    total,
                    {date(d // 10000, d // 100 % 100, d % 100): n for d, n in days.items()},
                )
    finally:
        engine.dispose()
    return found


def test_demo_links_have_three_months_of_consistent_clicks(demo_url):
    today = datetime.fromtimestamp(NOW, MOSCOW).date()
    demo = stored(demo_url, "demo")
    assert len(demo) == 8 and len(stored(demo_url, "demo2")) == 2
    every_day = [day for _, _, days in demo.values() for day in days]
    assert min(every_day) >= today - timedelta(days=92) and max(every_day) == today
    assert {day.month for day in every_day} >= {7, 8, 9}
    for _code, total, days in demo.values():
        assert total == sum(days.values()) > 0


def test_get_and_the_redirect_work_on_demo_links(demo_url, clock):
    demo = stored(demo_url, "demo")
    settings = load_settings(database_url=demo_url, **TEST_SETTINGS)
    with TestClient(create_app(settings, clock=clock)) as client:
        for link_id, (_code, total, days) in demo.items():
            yesterday = date(2026, 9, 20)
            expected = (
                total,
                sum(n for d, n in days.items() if (d.year, d.month) == (2026, 9)),
                days.get(date(2026, 9, 21), 0),
                days.get(yesterday, 0),
                sum(n for d, n in days.items() if (d.year, d.month) == (2026, 8)),
            )
            assert counters(get_link(client, Demo, id=link_id)) == expected
        link_id, (code, total, _days) = next(iter(demo.items()))
        assert client.get(f"/{code}", follow_redirects=False).status_code == 302
        assert counters(get_link(client, Demo, id=link_id))[0] == total + 1


def test_the_demo_links_are_the_same_for_the_same_seed(tmp_path):
    def codes(name: str) -> list[tuple[str, int]]:
        url = f"sqlite:///{tmp_path / name}"
        engine = sync_engine(url)
        seed.seed(engine, TEST_PASSWORDS, messages=50, seed=9, now=NOW)
        engine.dispose()
        return sorted((code, total) for code, total, _ in stored(url, "demo").values())

    assert codes("a.db") == codes("b.db")
