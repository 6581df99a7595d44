"""Blocked addresses: what is blocked (an address, or an IPv6 network), and lifting a block.

IPv6 clients are judged by network, ``SMSCD_IP_BLOCK_IPV6_PREFIX`` (/64) by default: one
subscriber is usually given a whole /64 and can pick a new address in it for every attempt
**[ours]**. IPv4 addresses (and IPv4-mapped IPv6 ones) stand alone.
"""

from __future__ import annotations

import ipaddress
import time

from sqlalchemy import Engine, insert

from smscd.http.client_ip import parse_address
from smscd.limits import in_redis
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


class UnblockError(ValueError):
    """An unblock request that cannot be carried out; the message says why."""


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
