"""The limits a worker runs with, chosen from the settings, and the components they need."""

from __future__ import annotations

from collections.abc import Callable

from smscd.components import Component, Periodic
from smscd.db.gateway import Reads
from smscd.limits.backend import BlockPolicy
from smscd.limits.guard import Guard, Guarded, Unguarded
from smscd.limits.in_memory import MemoryBackend
from smscd.limits.in_redis import RedisBackend
from smscd.limits.policy import Limits
from smscd.settings import Settings


def block_policy(settings: Settings) -> BlockPolicy:
    return BlockPolicy(
        failures=settings.ip_block_failures,
        window=float(settings.ip_block_window_seconds),
        seconds=float(settings.ip_block_seconds),
    )


def make_guard(
    settings: Settings, db: Reads, clock: Callable[[], float]
) -> tuple[Guard, list[Component]]:
    """Redis when ``SMSCD_REDIS_URL`` is set, else this process's memory; nothing at all
    with ``SMSCD_RATE_LIMITS=off``. With the guard (itself a component, first in the list),
    the background jobs it needs: with Redis, the renewal of in-flight leases."""
    guard: Guard
    if not settings.rate_limits:
        guard = Unguarded()
        return guard, [guard]
    if settings.redis_url:
        redis = RedisBackend(settings, block_policy(settings), clock)
        guard = Guarded(redis, Limits(settings), settings.ip_block_ipv6_prefix)
        return guard, [guard, Periodic("limits-lease-renewal", redis.renew_every, redis.renew)]
    memory = MemoryBackend(db, block_policy(settings))
    guard = Guarded(memory, Limits(settings), settings.ip_block_ipv6_prefix)
    return guard, [guard]


def per_process_warning(settings: Settings) -> str | None:
    """What ``smscd serve`` says when each worker would count on its own."""
    if settings.rate_limits and settings.workers > 1 and not settings.redis_url:
        return (
            f"rate limits and IP blocks are per process: each of the {settings.workers} "
            "workers counts on its own, so a client gets up to that many times its limits. "
            "Set SMSCD_REDIS_URL to share them (docs/protection.md)."
        )
    return None
