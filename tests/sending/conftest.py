"""An account ready to send: a plan of its own (every network 2.50 a part, HLR 0.30,
e-mail 0.15), 100.00 on its main balance, the sender names ``SMSC.RU`` (its default) and
``Shop``; and the simulated network (tests/sending/network.py)."""

from __future__ import annotations

from typing import Any

import pytest

from smscd.sending import senders
from tests.billing.helpers import NOW, add_payment
from tests.sending import network
from tests.tariffs.helpers import add_plan, assign, zone

PART = 250
HLR = 30
START_BALANCE = 10_000


@pytest.fixture(scope="session")
def simulated(backend: Any) -> None:
    network.install(backend.engine)


@pytest.fixture
def sender(backend: Any, client: Any, make_account: Any, simulated: None) -> Any:
    account = make_account()
    plan = add_plan(backend.engine, zone("WORLD", mcc="", api=PART, hlr=HLR), mail=15)
    assign(backend.engine, account, plan)
    add_payment(backend.engine, account.id, START_BALANCE, NOW - 3600)
    with backend.engine.begin() as conn:
        senders.add(conn, account.id, "SMSC.RU", make_default=True)
        senders.add(conn, account.id, "Shop")
    return account
