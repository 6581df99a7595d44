"""Writing short links: the one way a link is created (the API's ``add``, the CLI's
``links add``), and the demo's links with their click history.

Both run inside a unit of work (``db.transaction()``); reads for the CLI's listing go
through the gateway like every other read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from smscd.db.gateway import Reads, Transaction
from smscd.errors import AdminError
from smscd.links import queries, urls

CODE_ATTEMPTS = 5  # a new code is taken with probability ~links/62^8: retries are rare


class LinkError(AdminError):
    """A link that cannot be created (a hash collision, no free code: neither is expected)."""


@dataclass(frozen=True, slots=True)
class StoredLink:
    id: int
    code: str
    url: str
    clicks: int
    created_ts: int


async def add_link(tx: Transaction, account_id: int, url: str, now: int) -> StoredLink:
    """The account's link to ``url`` (already checked by ``urls.checked_link``): the one
    it has, or a new one with a fresh random code."""
    digest = urls.url_hash(url)
    for _ in range(CODE_ATTEMPTS):
        row = await tx.fetch_one(queries.LINK_BY_URL_HASH, [account_id, digest])
        if row is not None:
            found = StoredLink(*row)
            if found.url != url:  # two URLs with the same 64-bit hash: never seen
                raise LinkError(f"url hash collision between {url!r} and {found.url!r}")
            return found
        # Nothing inserted: the code was taken, or the same URL was added meanwhile (the
        # next look finds it; PostgreSQL waits for that other transaction first).
        await tx.execute(queries.INSERT, [account_id, urls.new_code(), url, digest, now])
    raise LinkError("no free link code")


async def list_links(db: Reads, account_id: int) -> list[StoredLink]:
    """The account's links, oldest first, with their clicks ever."""
    rows = await db.fetch_all(queries.LINKS_OF_ACCOUNT, [account_id])
    return [StoredLink(*row) for row in rows]


@dataclass(frozen=True)
class NewLink:
    """A link with its click history, for the demo: clicks per local day (YYYYMMDD)."""

    account_id: int
    code: str
    url: str
    created_ts: int
    days: Mapping[int, int]


async def insert_links(tx: Transaction, new: Iterable[NewLink]) -> int:
    """Insert links with their day counters, and totals that are the sum of the days."""
    count = 0
    for link in new:
        row = await tx.fetch_one(
            queries.INSERT_RETURNING_ID,
            [link.account_id, link.code, link.url, urls.url_hash(link.url), link.created_ts],
        )
        assert row is not None
        counters = {day: clicks for day, clicks in link.days.items() if clicks}
        counters[queries.TOTAL_DAY] = sum(counters.values())
        days = [(row[0], day, clicks) for day, clicks in sorted(counters.items())]
        await tx.execute_many(queries.INSERT_DAY, days)
        count += 1
    return count


@dataclass(frozen=True, slots=True)
class MessageLink:
    """A short link of one message: its code is chosen before the message is written (the
    text carries it), its ``int_id`` known once the message has one."""

    code: str
    url: str


async def add_message_links(
    tx: Transaction, account_id: int, links: Sequence[tuple[int, MessageLink]], now: int
) -> None:
    """Store the links of messages (int_id, link): each its own link, so that a click
    tells which message it came from. A taken code fails the unit of work (one chance in
    about 62^8 / links: not retried)."""
    rows = [(account_id, link.code, link.url, urls.url_hash(link.url), now, int_id)
            for int_id, link in links]  # fmt: skip
    if rows:
        await tx.execute_many(queries.INSERT_FOR_MESSAGE, rows)
