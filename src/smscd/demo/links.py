"""Demo data of the links domain: short links of ``demo`` (and two of ``demo2``) with clicks
spread over the last three months.

The day counters are written directly, in each account's own calendar, with totals that are
their sums, as the click writer keeps them. Deterministic for a seed and a ``now``; the
codes too (demo data only: real codes come from ``secrets``, links/urls.py).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import select

from smscd.accounts.tables import accounts
from smscd.dates import zone_clock
from smscd.links import store, urls
from smscd.links.queries import day_number

if TYPE_CHECKING:
    from smscd.demo.seed import DemoContext

DAYS = 92  # three months back from today
# (url, clicks on a typical day at the start of the campaign)
DEMO_LINKS = (
    ("https://shop.example.ru/sale?utm_source=sms", 120),
    ("https://shop.example.ru/cart", 35),
    ("https://delivery.example.ru/track/7731940", 8),
    ("https://example.ru/promo/spring", 60),
    ("https://clinic.example.ru/appointment?id=44871", 4),
    ("https://bank.example.ru/card/activate", 25),
    ("http://example.com/survey?lang=ru", 15),
    ("https://пример.рф/акция", 10),
)
DEMO2_LINKS = (
    ("https://store.example.com/black-friday", 40),
    ("https://store.example.com/orders", 6),
)


def _code(rng: random.Random, taken: set[str]) -> str:
    while True:
        code = "".join(rng.choice(urls.CODE_ALPHABET) for _ in range(urls.CODE_LENGTH))
        if code not in taken:
            taken.add(code)
            return code


def _days(
    rng: random.Random, start: date, today: date, level: int, today_share: float
) -> dict[int, int]:
    """Clicks per day from ``start`` to ``today``: a campaign's burst, then a slow decline,
    quieter at weekends; today only as far as ``today_share`` of it has gone."""
    days: dict[int, int] = {}
    day = start
    age = 0
    while day <= today:
        mean = level * (2.5 if age < 2 else 1.0) * 0.97**age
        if day.weekday() >= 5:
            mean *= 0.6
        if day == today:
            mean *= today_share
        days[day_number(day)] = max(0, round(rng.gauss(mean, mean / 4 + 0.5)))
        day += timedelta(days=1)
        age += 1
    return days


async def seed(context: DemoContext) -> None:
    """Add this domain's demo rows."""
    rng = random.Random(f"{context.seed}-links")
    taken: set[str] = set()
    with context.engine.begin() as conn:
        zones = dict(
            conn.execute(
                select(accounts.c.id, accounts.c.timezone).where(
                    accounts.c.id.in_(context.accounts.values())
                )
            ).all()
        )
        new: list[store.NewLink] = []
        for login, plan in (("demo", DEMO_LINKS), ("demo2", DEMO2_LINKS)):
            account_id = context.accounts[login]
            clock = zone_clock(ZoneInfo(zones[account_id]))
            today = clock.today(context.now)
            today_share = (context.now - clock.midnight(today)) / 86400
            for url, level in plan:
                start = today - timedelta(days=rng.randrange(DAYS // 3, DAYS))
                created = clock.midnight(start) + rng.randrange(9 * 3600, 18 * 3600)
                new.append(
                    store.NewLink(
                        account_id=account_id,
                        code=_code(rng, taken),
                        url=url,
                        created_ts=min(created, context.now),
                        days=_days(rng, start, today, level, today_share),
                    )
                )
    async with context.db.transaction() as tx:
        await store.insert_links(tx, new)
