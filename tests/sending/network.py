"""The simulated network the sending tests send through, and delivery driven by the test.

One connector ``sim`` per database, routed for Russian (``7``) and German (``49``)
numbers; other countries have no route (error 8). Its rules make every message delivered
at once, except the numbers of :data:`OUTCOMES`, whose prefixes choose another fate.
Delivery runs on the app's own worker (the ``delivery`` component), one round at a time,
on the test's clock: :func:`deliver`.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine, select
from starlette.testclient import TestClient

from smscd.delivery import routing
from smscd.delivery.connectors import registry
from smscd.delivery.connectors.simulator import Simulator
from smscd.delivery.queue import Delivery
from smscd.delivery.tables import connectors

CONNECTOR = "sim"
# Valid numbers (phonenumbers) whose prefix picks the simulated network's answer.
DELIVERED = "4915112345678"  # a German mobile number: T-Mobile, 262 01
OUTCOMES = {
    "undeliverable": "79000000001",
    "rejected": "79000010001",
    "temporary": "79000020001",
    "expired": "79000030001",
}
NO_ROUTE = "12025550123"  # the United States: no route
RULES: dict[str, Any] = {
    "seed": 7,
    "tps": 1000,
    "delay": [0, 0],
    "mix": {"delivered": 1},
    "err": 1,
    "numbers": [
        {"prefix": "7900000", "outcome": "undeliverable", "err": 6},
        {"prefix": "7900001", "outcome": "rejected", "err": 254},
        {"prefix": "7900002", "outcome": "temporary"},
        {"prefix": "7900003", "outcome": "expired"},
    ],
}


def install(engine: Engine) -> None:
    """The connector and its routes, once per database."""
    with engine.begin() as conn:
        if conn.execute(select(connectors.c.name).where(connectors.c.name == CONNECTOR)).first():
            return
        registry.add(conn, CONNECTOR, "simulator", json.dumps(RULES))
        routing.add_route(conn, CONNECTOR, prefix="7")
        routing.add_route(conn, CONNECTOR, prefix="49")


def worker(client: TestClient) -> Delivery:
    found = client.app.state.components["delivery"]  # type: ignore[attr-defined]
    assert isinstance(found, Delivery)
    return found


def deliver(client: TestClient) -> int:
    """Run the app's delivery worker until nothing is due, then let the simulated network
    send what is due; how many messages were claimed."""
    delivery = worker(client)
    portal = client.portal
    assert portal is not None
    portal.call(delivery.refresh_connectors)
    claimed = 0
    while moved := portal.call(delivery.dispatch_once):
        claimed += moved
    for connector in list(delivery.connectors.values()):
        if isinstance(connector, Simulator):
            portal.call(connector.flush)
    return claimed


def maintain(client: TestClient) -> None:
    portal = client.portal
    assert portal is not None
    portal.call(worker(client).maintain)
