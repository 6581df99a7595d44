"""Fixtures: the real databases, the app in-process, accounts and data to query.

Every test that touches storage runs on SQLite and, when ``SMSCD_TEST_POSTGRES_URL`` is set
(``.ci/run`` sets it), on PostgreSQL as well; a configured server that cannot be reached
fails the run rather than skipping. Each backend is migrated once per session in a fresh
database; tests isolate themselves by creating their own accounts.
"""

from __future__ import annotations

import itertools
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import psycopg
import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from starlette.testclient import TestClient

from smscd.accounts.passwords import Passwords
from smscd.accounts.service import NewAccount, create_account, create_api_key
from smscd.app import create_app
from smscd.db import migrate
from smscd.db.engine import sync_engine
from smscd.settings import load_settings

# `pytest --hypothesis-profile=release`: the hostile-input campaign at release size (its
# tests take their example count from the profile; docs/protection.md, "Hostile input").
hypothesis_settings.register_profile("release", max_examples=2000, deadline=None)

POSTGRES_URL = os.environ.get("SMSCD_TEST_POSTGRES_URL", "")
BACKENDS = ["sqlite", "postgres"] if POSTGRES_URL else ["sqlite"]
# The suite's settings: a cheap argon2 (the cost parameters are settings, the code path is
# the same) and no rate limits, so that a test may repeat a request; tests/limits switch
# them on.
# Delivery is driven by the tests themselves (tests/sending/delivery.py): the worker's own
# loop never polls on its own.
TEST_SETTINGS = {
    "argon2_time_cost": 1,
    "argon2_memory_kib": 64,
    "rate_limits": False,
    "delivery_poll_seconds": 3600.0,
    "delivery_maintenance_seconds": 1e9,
    # Changes to an account reach a worker's account cache by a notice, a moment after the
    # commit; tests that change an account and ask at once run without it, and
    # tests/accounts/test_account_notices.py tests it.
    "account_cache_seconds": 0,
}
TEST_PASSWORDS = Passwords(time_cost=1, memory_kib=64)
START = 1_790_000_000  # 2026-09-21 14:13:20 UTC: tests' "now" unless they set another


class FakeClock:
    """The app's clock in tests: time stands still until a test moves it."""

    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@dataclass
class Backend:
    name: str
    url: str
    engine: Engine


def postgres_database() -> Iterator[str]:
    admin = make_url(POSTGRES_URL)
    name = f"smscd_test_{secrets.token_hex(4)}"
    admin_dsn = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session", params=BACKENDS)
def backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Backend]:
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("db") / "smscd.db"
        urls: Iterator[str] = iter([f"sqlite:///{path}"])
    else:
        urls = postgres_database()
    url = next(urls)
    engine = sync_engine(url)
    migrate.upgrade(engine)
    yield Backend(request.param, url, engine)
    engine.dispose()
    for _ in urls:  # runs the PostgreSQL clean-up
        pass


@pytest.fixture(scope="session")
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(autouse=True)
def _reset_clock(clock: FakeClock) -> None:
    clock.now = START


@pytest.fixture(scope="session")
def client(backend: Backend, clock: FakeClock) -> Iterator[TestClient]:
    settings = load_settings(database_url=backend.url, **TEST_SETTINGS)
    with TestClient(create_app(settings, clock=clock), client=("127.0.0.1", 50000)) as test_client:
        yield test_client


_logins = itertools.count(1)


@dataclass
class TestAccount:
    id: int
    login: str
    password: str
    key: str


@pytest.fixture
def make_account(backend: Backend) -> Any:
    """Create an account with a unique login, a password and an API key."""

    def make(**fields: Any) -> TestAccount:
        login = f"{fields.pop('prefix', 'user')}{next(_logins)}_{secrets.token_hex(3)}"
        password = fields.pop("password", f"pw-{secrets.token_hex(4)}")
        with backend.engine.begin() as conn:
            account_id = create_account(conn, NewAccount(login, password, **fields), TEST_PASSWORDS)
            key = create_api_key(conn, login)
        return TestAccount(account_id, login, password, key)

    return make


@pytest.fixture(scope="session")
def make_account_once(backend: Backend) -> TestAccount:
    """One account for tests that only need someone to log in as (hypothesis examples)."""
    login = f"shared_{secrets.token_hex(4)}"
    with backend.engine.begin() as conn:
        account_id = create_account(conn, NewAccount(login, "shared-pw"), TEST_PASSWORDS)
        key = create_api_key(conn, login)
    return TestAccount(account_id, login, "shared-pw", key)
