"""The demo can send: a simulated network, sender names and money are there, and a send
from the demo account ends delivered, with its id after the demo history's ids."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from smscd.app import create_app
from smscd.db.engine import sync_engine
from smscd.demo import seed
from smscd.settings import load_settings
from tests.api import call, call_json
from tests.conftest import TEST_PASSWORDS, TEST_SETTINGS, FakeClock, postgres_database
from tests.sending import network

NOW = 1_790_000_000


class Demo:
    login = "demo"
    password = "demo"


@pytest.fixture
def demo_client(backend, tmp_path) -> Iterator[TestClient]:
    urls: Iterator[str] = (
        iter([f"sqlite:///{tmp_path / 'demo.db'}"]) if backend.name == "sqlite"
        else postgres_database()
    )  # fmt: skip
    url = next(urls)
    engine = sync_engine(url)
    seed.seed(engine, TEST_PASSWORDS, messages=200, seed=3, now=NOW)
    engine.dispose()
    clock = FakeClock(NOW + 60)
    settings = load_settings(database_url=url, **TEST_SETTINGS)
    with TestClient(create_app(settings, clock=clock)) as client:
        client.clock = clock  # type: ignore[attr-defined]
        yield client
    for _ in urls:
        pass


def test_a_send_from_the_demo_is_delivered_within_seconds(demo_client):
    last_id = max(m["id"] for m in call_json(demo_client, Demo, get_messages=1, cnt=1000))
    reply = call_json(demo_client, Demo, path="/sys/send.php", phones="79161234567",
                      mes="Привет", cost=3)  # fmt: skip
    assert reply["id"] == last_id + 1
    assert float(reply["balance"]) > 0
    send_id = reply["id"]
    status = call_json(demo_client, Demo, path="/sys/status.php", phone="79161234567", id=send_id)
    assert status["status"] == -1
    network.deliver(demo_client)  # handed to the simulated network
    assert call_json(demo_client, Demo, path="/sys/status.php", phone="79161234567",
                     id=send_id)["status"] == 0  # fmt: skip
    demo_client.clock.now += 10  # the demo network answers within 2-8 seconds
    network.deliver(demo_client)
    status = call_json(demo_client, Demo, path="/sys/status.php", phone="79161234567", id=send_id)
    assert status["status"] in (1, 3, 20)  # as the seed's mix decides; never still waiting
    assert call(demo_client, Demo, "/sys/send.php", phones="79990001234", mes="x", cost=1) == (
        "4.35 (1 SMS)"
    )
