"""Blocked addresses: what is blocked (an address, or an IPv6 network), and lifting a block.

IPv6 clients are judged by network, ``SMSCD_IP_BLOCK_IPV6_PREFIX`` (/64) by default: one
subscriber is usually given a whole /64 and can pick a new address in it for every attempt
**[ours]**. IPv4 addresses (and IPv4-mapped IPv6 ones) stand alone.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import time

from sqlalchemy import Engine, insert

from smscd.addresses import parse_address
from smscd.db.gateway import Database
from smscd.errors import AdminError
from smscd.limits import in_redis, queries
from smscd.limits.tables import ip_unblocks
from smscd.settings import Settings


def subject(address: str | None, ipv6_prefix: int) -> str | None:
    """What failures are counted and blocks kept for; None for a peer that is no address."""
    parsed = parse_address(address) if address else None
    if parsed is None:
        return None
    if parsed.version == 6 and ipv6_prefix < 128:
        return str(ipaddress.ip_network(f"{parsed}/{ipv6_prefix}", strict=False))
    return str(parsed)


log = logging.getLogger("smscd.limits")


class UnblockError(AdminError):
    """An unblock request that cannot be carried out; the message says why."""


async def prune_unblocks(db: Database, now: float, block_seconds: float) -> int:
    """Forget unblock requests that no block can be waiting for any more (a block lasts
    ``block_seconds`` and is lifted only by a request made after it began: one twice as
    old leaves room for hosts whose clocks differ); how many. A maintenance job
    (smscd/runtime.py)."""
    async with db.transaction() as tx:
        pruned = await tx.execute(queries.PRUNE_UNBLOCKS, [int(now - 2 * block_seconds)])
    if pruned:
        log.info("forgot %d unblock request(s) older than any block", pruned)
    return pruned


def unblock(settings: Settings, engine: Engine, address: str) -> str:
    """Lift the block of ``address`` (and forget its failures) on every worker: the
    request is written to the database, where workers that keep limits in memory find it,
    and the block is deleted from Redis when one is configured. Returns what was unblocked
    (the address, or its IPv6 network)."""
    found = subject(address, settings.ip_block_ipv6_prefix)
    if found is None:
        raise UnblockError(f"not an IP address: {address!r}")
    with engine.begin() as conn:
        conn.execute(insert(ip_unblocks).values(subject=found, created_at=int(time.time())))
    if settings.redis_url:
        in_redis.unblock(settings, found)
    return found


async def unblock_async(settings: Settings, db: Database, address: str) -> str:
    """:func:`unblock` from a running server (the console's operator pages): the same
    request row, written through the server's database gateway; Redis's block deleted in a
    thread (its client here is the CLI's, synchronous)."""
    found = subject(address, settings.ip_block_ipv6_prefix)
    if found is None:
        raise UnblockError(f"not an IP address: {address!r}")
    async with db.transaction() as tx:
        await tx.execute(queries.REQUEST_UNBLOCK, [found, int(time.time())])
    if settings.redis_url:
        await asyncio.to_thread(in_redis.unblock, settings, found)
    return found
