"""What a message costs an account: its plan's zone for the network, or its individual
price (docs/tariffs.md, "Plans, zones and prices"; docs/sending.md, "Pricing").

A network is priced by its operator zone, else its country's zone, else the world zone. An
individual price (``account_prices``, by mccmnc) overrides the plan for SMS sent through the
API (the ``api`` channel) **[ours]**. With no plan at all (a new server before the first
import), every price is 0.00 **[ours]**, as get_price shows it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field

from smscd.db.gateway import Reads
from smscd.tariffs import queries

CHANNELS = ("api", "mass", "mms", "hlr", "call")


@dataclass(frozen=True, slots=True)
class ZonePrices:
    mcc: str  # '' the world
    mnc: frozenset[str]  # empty: the whole country (or the world)
    prices: Mapping[str, int]  # channel -> hundredths


@dataclass(frozen=True)
class PriceList:
    """One account's prices, read once per request."""

    zones: tuple[ZonePrices, ...] = ()
    individual: Mapping[str, int] = field(default_factory=dict)  # mccmnc -> hundredths
    mail: int = 0

    def price(self, mcc: str, mnc: str, channel: str) -> int:
        """Hundredths for one part on ``channel`` to the network ``mcc``+``mnc`` (both ''
        when the network is unknown: the world zone's price)."""
        if channel == "api" and mcc and (mcc + mnc) in self.individual:
            return self.individual[mcc + mnc]
        operator = country = world = None
        for zone in self.zones:
            if zone.mcc == "":
                world = world or zone
            elif zone.mcc == mcc and not zone.mnc:
                country = country or zone
            elif zone.mcc == mcc and mnc in zone.mnc:
                operator = operator or zone
        found = operator or country or world
        return found.prices[channel] if found is not None else 0


async def price_list(db: Reads, account_id: int) -> PriceList:
    """The prices of ``account_id``: its plan (or the default plan) and its own prices."""
    plan, individual = await asyncio.gather(
        db.fetch_one(*queries.plan(account_id)),
        db.fetch_all(*queries.codes(account_id)),
    )
    if plan is None:
        return PriceList(individual={str(m): int(c) for m, c in individual})
    plan_id, mail = plan
    rows = await db.fetch_all(*queries.pricing_zones(int(plan_id)))
    zones = tuple(
        ZonePrices(str(mcc), frozenset(str(mnc).split()), dict(zip(CHANNELS, prices, strict=True)))
        for mcc, mnc, *prices in rows
    )
    return PriceList(zones, {str(m): int(c) for m, c in individual}, int(mail))
