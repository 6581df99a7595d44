"""Demo data of the tariffs domain: the default plan and two individual prices of ``demo``.

The plan ships as a CSV file in the package (``smscd/tariffs/data/default-plan.csv``) and is
loaded through the import code an operator uses (``smscd tariffs import``). Its per-SMS
prices are the catalogue's (``catalogue.NETWORKS``: the demo history was charged at them)
and its e-mail price is ``catalogue.EMAIL_PRICE``; tests keep them in step.
"""

from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING

from smscd.tariffs import csvfile, service
from smscd.tariffs.model import Plan

if TYPE_CHECKING:
    from smscd.demo.seed import DemoContext

PLAN_FILE = resources.files("smscd.tariffs").joinpath("data/default-plan.csv")
# ``demo`` has negotiated lower prices on the two largest networks (hundredths of RUB).
DEMO_PRICES = (("25001", 420), ("25002", 435))


def default_plan() -> Plan:
    return csvfile.read(PLAN_FILE.read_bytes())


async def seed(context: DemoContext) -> None:
    """Import the default plan (unless the database already has one) and demo's prices."""
    with context.engine.begin() as conn:
        if service.default_plan_name(conn) is None:
            service.import_plan(conn, service.DEFAULT_PLAN_NAME, default_plan(), make_default=True)
        for mccmnc, cost in DEMO_PRICES:
            service.set_price(conn, "demo", mccmnc, cost)
