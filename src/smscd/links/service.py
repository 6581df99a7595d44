"""The short-link service a worker holds: creating links, following them, counting clicks.

A component (smscd/components.py), found by handlers as ``request.services.of(LinkService)``.
It owns the worker's :class:`ClickWriter` (started and stopped with it) and a small cache of
the links the redirect route has looked up (a link's code, URL and account never change;
the account's time zone is re-read after :data:`CACHE_SECONDS`).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from smscd.dates import ZoneClock, zone_clock
from smscd.db.gateway import Database
from smscd.links import queries, store, urls
from smscd.links.clicks import ClickWriter
from smscd.settings import Settings

CACHE_SECONDS = 60.0


_EPOCH = date(1970, 1, 1)


@lru_cache(maxsize=4096)
def _day_number(days: int) -> int:
    return queries.day_number(_EPOCH + timedelta(days=days))


def local_day(clock: ZoneClock, now: float) -> int:
    """The ``link_days.day`` of ``now`` in the clock's zone (the zone's offset is memoised
    by ``ZoneClock``: this is on the path of every click)."""
    ts = int(now)
    return _day_number((ts + clock.offset(ts)) // 86400)


@dataclass(frozen=True, slots=True)
class Target:
    """What a redirect needs to know about a link."""

    link_id: int
    location: str  # the original URL, as an ASCII Location value
    int_id: int | None  # the message it was made for (tinyurl=1), if any
    clock: ZoneClock  # the account's zone: a click counts on its local day
    expires: float  # monotonic seconds


@dataclass(frozen=True, slots=True)
class Listed:
    """One of an account's links as its holder sees it (the web console)."""

    link_id: int
    short_url: str
    url: str
    clicks: int
    created_ts: int
    int_id: int | None  # made for this message (send.php tinyurl=1)


@dataclass(frozen=True, slots=True)
class Created:
    link_id: int
    code: str


class LinkService:
    name = "links"

    def __init__(self, settings: Settings, db: Database, clock: Callable[[], float]) -> None:
        self.db = db
        self.clock = clock
        base = settings.links_base_url
        self.base_url = base if base.endswith("/") else f"{base}/"
        self.clicks = ClickWriter(
            db, settings.links_commit_wait_ms / 1000, settings.links_commit_max_clicks, clock
        )
        self._cache: OrderedDict[str, Target] = OrderedDict()
        self._cache_size = settings.links_cache_size

    def short_url(self, code: str) -> str:
        return f"{self.base_url}{code}"

    async def add(self, account_id: int, url: str, now: float) -> Created:
        """The account's short link to ``url``: the one it has, or a new one."""
        async with self.db.transaction() as tx:
            link = await store.add_link(tx, account_id, url, int(now))
        return Created(link.id, link.code)

    async def listed(self, account_id: int, limit: int) -> list[Listed]:
        """The account's ``limit`` newest links."""
        rows = await self.db.fetch_all(queries.RECENT_LINKS, [account_id, limit])
        return [
            Listed(int(r[0]), self.short_url(str(r[1])), str(r[2]), int(r[3]), int(r[4]),
                   None if r[5] is None else int(r[5]))
            for r in rows
        ]  # fmt: skip

    async def clicks_per_day(self, account_id: int, first: date, last: date) -> dict[date, int]:
        """The clicks on all the account's links per day of its calendar, ``first`` to
        ``last`` (days without clicks are absent)."""
        rows = await self.db.fetch_all(
            queries.CLICKS_PER_DAY,
            [account_id, queries.day_number(first), queries.day_number(last)],
        )
        return {
            date(int(r[0]) // 10000, int(r[0]) // 100 % 100, int(r[0]) % 100): int(r[1])
            for r in rows
        }

    async def target(self, code: str, monotonic: float) -> Target | None:
        """The link behind ``code``, or None when there is none."""
        target = self._cache.get(code)
        if target is not None and target.expires > monotonic:
            return target
        row = await self.db.fetch_one(queries.BY_CODE, [code])
        if row is None:
            return None
        link_id, url, timezone, int_id = row
        target = Target(
            link_id,
            urls.location(url),
            None if int_id is None else int(int_id),
            zone_clock(ZoneInfo(timezone)),
            monotonic + CACHE_SECONDS,
        )
        if self._cache_size:
            self._cache[code] = target
            self._cache.move_to_end(code)
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return target

    async def click(self, target: Target) -> None:
        """Count a click now, on the account's local day; returns once committed."""
        now = self.clock()
        await self.clicks.record(target.link_id, local_day(target.clock, now), target.int_id)

    async def start(self) -> None:
        await self.clicks.start()

    async def stop(self) -> None:
        await self.clicks.stop()
