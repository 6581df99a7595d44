"""PostgreSQL tells every worker which account changed (migration 0018), and a worker's
account cache drops it: a change made by any process reaches the next request once the
notice is heard, and nothing is answered from memory while notices cannot be heard."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import psycopg
import pytest
from sqlalchemy import update
from starlette.testclient import TestClient

from smscd.accounts.service import revoke_api_keys, set_allowed_ips, set_password
from smscd.accounts.tables import accounts
from smscd.app import create_app
from smscd.settings import load_settings
from tests.api import call
from tests.conftest import POSTGRES_URL, TEST_PASSWORDS, TEST_SETTINGS

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="PostgreSQL only (LISTEN/NOTIFY)")

HEAR_TIMEOUT = 10.0


def eventually(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + HEAR_TIMEOUT
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)  # polling a condition, bounded: not a wait for a fixed time


@pytest.fixture
def postgres(backend: Any) -> Any:
    if backend.name != "postgres":
        pytest.skip("PostgreSQL only (LISTEN/NOTIFY)")
    return backend


@pytest.fixture
def server(postgres: Any, clock: Any) -> Iterator[TestClient]:
    settings = load_settings(
        database_url=postgres.url, **{**TEST_SETTINGS, "account_cache_seconds": 60}
    )
    with TestClient(create_app(settings, clock=clock), client=("127.0.0.1", 50000)) as client:
        yield client


def cache_of(server: TestClient) -> Any:
    return server.app.state.components["account-cache"]  # type: ignore[attr-defined]


def balance(server: TestClient, **credentials: str) -> str:
    return call(server, path="/sys/balance.php", **credentials)


def a_change_is_heard(server: TestClient, change: Callable[[], None]) -> None:
    cache = cache_of(server)
    before = cache.generation
    change()
    eventually(lambda: cache.generation != before, "the account notice")


def test_the_second_request_is_answered_from_memory(server, make_account):
    account = make_account()
    assert "ERROR" not in balance(server, login=account.login, psw=account.password)
    assert len(cache_of(server)) == 1
    assert "ERROR" not in balance(server, login=account.login, psw=account.password)


def test_a_password_changed_by_another_process_is_refused_once_heard(
    server, postgres, make_account
):
    account = make_account()
    balance(server, login=account.login, psw=account.password)

    def change() -> None:
        with postgres.engine.begin() as conn:
            set_password(conn, account.login, "new-password", TEST_PASSWORDS)

    a_change_is_heard(server, change)
    assert "ERROR = 2" in balance(server, login=account.login, psw=account.password)
    assert "ERROR" not in balance(server, login=account.login, psw="new-password")


def test_a_revoked_key_is_refused_once_heard(server, postgres, make_account):
    account = make_account()
    assert "ERROR" not in balance(server, apikey=account.key)

    def revoke() -> None:
        with postgres.engine.begin() as conn:
            revoke_api_keys(conn, account.login)

    a_change_is_heard(server, revoke)
    assert "ERROR = 2" in balance(server, apikey=account.key)


def test_a_narrowed_address_list_is_applied_once_heard(server, postgres, make_account):
    account = make_account()
    balance(server, apikey=account.key)

    def narrow() -> None:
        with postgres.engine.begin() as conn:
            set_allowed_ips(conn, account.login, "192.0.2.0/24")

    a_change_is_heard(server, narrow)
    assert "ERROR = 2" in balance(server, apikey=account.key)


def test_sending_does_not_announce_a_change(postgres, make_account):
    """Only what authentication reads is announced: ``last_send_id`` moves on every send."""
    account = make_account()
    dsn = postgres.url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as listener:
        listener.execute("LISTEN smscd_accounts")
        with postgres.engine.begin() as conn:
            conn.execute(
                update(accounts).where(accounts.c.id == account.id)
                .values(last_send_id=accounts.c.last_send_id + 1)
            )  # fmt: skip
            conn.execute(update(accounts).where(accounts.c.id == account.id).values(language="en"))
        heard = [notice.payload for notice in listener.notifies(timeout=5, stop_after=1)]
        more = [notice.payload for notice in listener.notifies(timeout=0.2)]
    assert heard + more == [str(account.id)]


def test_nothing_is_kept_while_the_listener_is_down_and_it_comes_back(
    server, postgres, make_account
):
    account = make_account()
    cache = cache_of(server)
    listener = cache.listener
    balance(server, apikey=account.key)
    assert len(cache) == 1
    old_pid = listener._conn.get_server_pid()
    with postgres.engine.begin() as conn:
        conn.exec_driver_sql(f"SELECT pg_terminate_backend({int(old_pid)})")
    eventually(lambda: not listener.live or listener._conn.get_server_pid() != old_pid, "the loss")
    # Whatever was kept before the loss is gone: a change made meanwhile is seen at once.
    with postgres.engine.begin() as conn:
        set_allowed_ips(conn, account.login, "192.0.2.0/24")
    assert "ERROR = 2" in balance(server, apikey=account.key)
    eventually(lambda: listener.live, "the listener to come back")
    assert listener._conn.get_server_pid() != old_pid
