"""The limits a worker runs with, chosen from the settings (the app's lifespan opens them)."""

from __future__ import annotations

from collections.abc import Callable

from smscd.db.gateway import Database
from smscd.limits.backend import Backend, BlockPolicy
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


def make_guard(settings: Settings, db: Database, clock: Callable[[], float]) -> Guard:
    """Redis when ``SMSCD_REDIS_URL`` is set, else this process's memory; nothing at all
    with ``SMSCD_RATE_LIMITS=off``."""
    if not settings.rate_limits:
        return Unguarded()
    backend: Backend
    if settings.redis_url:
        backend = RedisBackend(settings, block_policy(settings), clock)
    else:
        backend = MemoryBackend(db, block_policy(settings))
    return Guarded(backend, Limits(settings), settings.ip_block_ipv6_prefix)


def per_process_warning(settings: Settings) -> str | None:
    """What ``smscd serve`` says when each worker would count on its own."""
    if settings.rate_limits and settings.workers > 1 and not settings.redis_url:
        return (
            f"rate limits and IP blocks are per process: each of the {settings.workers} "
            "workers counts on its own, so a client gets up to that many times its limits. "
            "Set SMSCD_REDIS_URL to share them (docs/protection.md)."
        )
    return None
