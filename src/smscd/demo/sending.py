"""Demo data of sending: a simulated network to send through, sender names, and send ids
that continue after the demo history's, so that a new user can send from the demo and
watch the statuses change (docs/simulator.md).

The simulator delivers most messages within a few seconds, fails a few (numbers starting
``7999000`` are always undeliverable, ``7999001`` always refused), and has a fifth of the
delivered ones answered, to the demo's own number 79991110001 (get_answers shows them).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from smscd.delivery import routing
from smscd.delivery.connectors import registry
from smscd.demo import catalogue as cat
from smscd.history.store import continue_send_ids
from smscd.sending import senders

if TYPE_CHECKING:
    from smscd.demo.seed import DemoContext

CONNECTOR = "simulator"


def rules(seed: int) -> str:
    return json.dumps(
        {
            "seed": seed,
            "tps": 200,
            "delay": [2, 8],
            "mix": {"delivered": 92, "undeliverable": 5, "expired": 1, "rejected": 1,
                    "temporary": 1},
            "err": 1,
            "reply_share": 20,
            "reply_after": [5, 30],
            "replies": list(cat.ANSWERS),
            "reply_to": "79991110001",
            "numbers": [
                {"prefix": "7999000", "outcome": "undeliverable", "err": 6},
                {"prefix": "7999001", "outcome": "rejected", "err": 254},
            ],
        },
        ensure_ascii=False,
    )  # fmt: skip


async def seed(context: DemoContext) -> None:
    with context.engine.begin() as conn:
        registry.add(conn, CONNECTOR, "simulator", rules(context.seed))
        routing.add_route(conn, CONNECTOR)
        for account_id in context.accounts.values():
            for name in cat.SENDERS:
                if senders.valid_name(name):
                    senders.add(conn, account_id, name, make_default=name == "SMSC.RU")
    async with context.db.transaction() as tx:
        await continue_send_ids(tx, list(context.accounts.values()))
