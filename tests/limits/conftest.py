"""Fixtures of the limits tests: the app with limits on, in memory and (when
``SMSCD_TEST_REDIS_URL`` is set, as ``.ci/run`` sets it) in Redis, on every database backend.
A configured Redis that cannot be reached fails these tests; it never skips them."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from typing import Any

import pytest
import redis

from smscd.settings import Settings, load_settings
from tests.conftest import TEST_SETTINGS
from tests.limits.harness import LiveApp

REDIS_URL = os.environ.get("SMSCD_TEST_REDIS_URL", "")
LIMITERS = ["memory", "redis"] if REDIS_URL else ["memory"]


def limited_settings(
    database_url: str, redis_prefix: str | None = None, **overrides: Any
) -> Settings:
    """The suite's settings with limits on; in Redis under ``redis_prefix`` when given."""
    values: dict[str, Any] = {**TEST_SETTINGS, "rate_limits": True, "database_url": database_url}
    if redis_prefix is not None:
        values |= {"redis_url": REDIS_URL, "redis_prefix": redis_prefix}
    return load_settings(**(values | overrides))


def forget(prefix: str) -> None:
    """Delete every Redis key under ``prefix``."""
    with redis.Redis.from_url(REDIS_URL) as conn:
        keys = list(conn.scan_iter(match=f"{prefix}*", count=1000))
        if keys:
            conn.delete(*keys)


@pytest.fixture(scope="session")
def redis_prefix() -> Iterator[str]:
    """A key prefix of this test run's own; its keys are deleted at the end."""
    prefix = f"smscd-test-{secrets.token_hex(4)}:"
    yield prefix
    if REDIS_URL:
        forget(prefix)


@pytest.fixture(scope="session", params=LIMITERS)
def limiter(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def settings_limited(backend, limiter, redis_prefix) -> Settings:
    prefix = f"{redis_prefix}{backend.name}:" if limiter == "redis" else None
    if prefix is not None:
        with redis.Redis.from_url(REDIS_URL) as conn:
            conn.ping()  # unreachable: the run fails here, loudly
    return limited_settings(backend.url, prefix)


@pytest.fixture(scope="session")
def api(settings_limited, clock) -> Iterator[LiveApp]:
    """The app with every limit at its default, shared by the tests (each makes its own
    accounts and uses its own client addresses)."""
    with LiveApp(settings_limited, clock) as live:
        yield live
