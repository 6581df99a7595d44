"""End to end: the real `smscd serve` (granian, two workers) answering over TCP."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from smscd.demo import seed
from tests.servers import ServerProcess, demo_server


@pytest.fixture(scope="module")
def started(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    with demo_server(tmp_path_factory.mktemp("e2e"), messages=2000, seed_value=5) as process:
        yield process


@pytest.fixture(scope="module")
def server(started: ServerProcess) -> str:
    return started.url


def test_two_workers_without_redis_say_that_limits_are_per_process(started):
    assert any("limits and IP blocks are per process" in line for line in started.output)


def test_history_over_http_with_the_demo_key(server):
    key = seed.demo_api_key(5)
    reply = httpx.get(
        f"{server}/sys/get.php",
        params={"get_messages": 1, "apikey": key, "cnt": 7, "fmt": 3, "charset": "utf-8"},
    )
    records = reply.json()
    assert reply.status_code == 200 and len(records) == 7
    assert [int(r["int_id"]) for r in records] == sorted(
        (int(r["int_id"]) for r in records), reverse=True
    )


def test_incoming_over_http_by_post(server):
    reply = httpx.post(
        f"{server}/sys/get.php",
        data={"get_answers": 1, "login": "demo", "psw": "demo", "after_id": 0, "cnt": 5, "fmt": 1},
    )
    lines = reply.content.decode("cp1251").splitlines()
    assert reply.status_code == 200 and len(lines) == 5


def test_bad_input_over_http_is_an_error_reply(server):
    reply = httpx.get(f"{server}/sys/get.php?get_messages=1&fmt=2&login=demo&psw=demo&cnt=%FF")
    assert reply.status_code == 200
    assert b"<error_code>1</error_code>" in reply.content
