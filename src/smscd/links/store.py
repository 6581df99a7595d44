"""Short links off the request path: the CLI's ``links`` commands and the demo seeder.

Synchronous, SQLAlchemy Core on a ``Connection``. The same rules as the API's ``add``
(service.py): one link per account and URL, a fresh random code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, func, insert, select
from sqlalchemy.exc import IntegrityError

from smscd.links import urls
from smscd.links.queries import TOTAL_DAY
from smscd.links.tables import link_days, links

CODE_ATTEMPTS = 5


@dataclass(frozen=True)
class StoredLink:
    id: int
    code: str
    url: str
    clicks: int
    created_ts: int


def _total() -> ColumnElement[int]:
    """A link's clicks ever: its ``TOTAL_DAY`` counter (none yet: 0)."""
    return func.coalesce(
        select(link_days.c.clicks)
        .where(link_days.c.link_id == links.c.id, link_days.c.day == TOTAL_DAY)
        .scalar_subquery(),
        0,
    )


def _links() -> Select[Any]:
    return select(links.c.id, links.c.code, links.c.url, _total(), links.c.created_ts)


def add_link(conn: Connection, account_id: int, url: str, now: int) -> StoredLink:
    """The account's link to ``url`` (already checked by ``urls.checked_link``): the one
    it has, or a new one."""
    digest = urls.url_hash(url)
    mine = _links().where(links.c.account_id == account_id, links.c.url_hash == digest)
    for _ in range(CODE_ATTEMPTS):
        row = conn.execute(mine).first()
        if row is not None:
            return StoredLink(*row)
        try:
            with conn.begin_nested():
                conn.execute(
                    insert(links).values(
                        account_id=account_id,
                        code=urls.new_code(),
                        url=url,
                        url_hash=digest,
                        created_ts=now,
                    )
                )
        except IntegrityError:
            continue  # the code was taken (or the URL added meanwhile): look again
    raise RuntimeError("no free link code")


def list_links(conn: Connection, account_id: int) -> list[StoredLink]:
    """The account's links, oldest first."""
    rows = conn.execute(_links().where(links.c.account_id == account_id).order_by(links.c.id))
    return [StoredLink(*row) for row in rows]


@dataclass(frozen=True)
class NewLink:
    """A link with its click history, for the demo: clicks per local day (YYYYMMDD)."""

    account_id: int
    code: str
    url: str
    created_ts: int
    days: Mapping[int, int]


def insert_links(conn: Connection, new: Iterable[NewLink]) -> int:
    """Insert links with their day counters, and totals that are the sum of the days."""
    count = 0
    for link in new:
        link_id = conn.execute(
            insert(links)
            .values(
                account_id=link.account_id,
                code=link.code,
                url=link.url,
                url_hash=urls.url_hash(link.url),
                created_ts=link.created_ts,
            )
            .returning(links.c.id)
        ).scalar_one()
        counters = {day: clicks for day, clicks in link.days.items() if clicks}
        counters[TOTAL_DAY] = sum(counters.values())
        days = [
            {"link_id": link_id, "day": day, "clicks": clicks}
            for day, clicks in sorted(counters.items())
        ]
        if days:
            conn.execute(insert(link_days), days)
        count += 1
    return count
