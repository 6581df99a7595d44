"""What a tariff plan is: zones with a price per channel, and the e-mail price.

A zone is a country (``mcc`` alone), an operator in a country (``mcc`` and one or more
``mnc``), or the world (neither): the rest of the world's networks. Rules every plan obeys,
whoever builds it (:func:`zone_problems`, :func:`conflicts`): zone codes are unique; a
network belongs to at most one operator zone; a country has at most one country zone;
there is at most one world zone. Prices are integer hundredths.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

CHANNELS = ("api", "mass", "mms", "hlr", "call")
MAIL_ZONE = "MAIL"  # the CSV row that carries the e-mail price (csvfile.py)
MAX_PRICE = 99_999_999  # hundredths: 999999.99
MAX_NAME = 128
MAX_COUNTRY = 64
MAX_PLAN_NAME = 64

_ZONE_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,31}")
_PRICE = re.compile(r"[0-9]{1,15}(?:[.,][0-9]{1,2})?")
_MCC = re.compile(r"[0-9]{3}")
_MNC = re.compile(r"[0-9]{2,3}")
_MCCMNC = re.compile(r"[0-9]{5,6}")
# Control characters, line and paragraph separators, lone surrogates: a name is one line.
_UNPRINTABLE = frozenset({"Cc", "Zl", "Zp", "Cs"})


@dataclass(frozen=True)
class Zone:
    zone: str  # the code get_price replies with, e.g. RU-MTS
    name: str
    country: str
    mcc: str  # '' for the world zone
    mnc: tuple[str, ...]  # () for a whole country or the world
    api: int
    mass: int
    mms: int
    hlr: int
    call: int

    def prices(self) -> tuple[int, ...]:
        return (self.api, self.mass, self.mms, self.hlr, self.call)

    def networks(self) -> list[str]:
        """The mccmnc codes this zone names (none for a country or the world zone)."""
        return [self.mcc + mnc for mnc in self.mnc]


@dataclass(frozen=True)
class Plan:
    """A plan's contents: zones in order, and the price of one e-mail message."""

    zones: tuple[Zone, ...]
    mail: int


def parse_price(text: str) -> int:
    """``"4.50"``, ``"4,5"`` or ``"4"`` → hundredths; ValueError for anything else.

    Exact: a third decimal is refused, never rounded (a price is what the operator typed).
    """
    text = text.strip()
    if not _PRICE.fullmatch(text):
        raise ValueError(f"not a price with at most two decimals: {text!r}")
    price = int(Decimal(text.replace(",", ".")) * 100)
    if (problem := check_price(price)) is not None:
        raise ValueError(problem)
    return price


def check_zone_code(code: str) -> str | None:
    if not _ZONE_CODE.fullmatch(code):
        return (
            f"zone code {code!r}: 1-32 letters A-Z, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    if code.upper() == MAIL_ZONE:
        return f"zone code {code!r} is reserved for the e-mail price"
    return None


def check_text(what: str, value: str, limit: int, required: bool) -> str | None:
    if required and not value:
        return f"{what} is empty"
    if len(value) > limit:
        return f"{what} is longer than {limit} characters"
    if any(unicodedata.category(char) in _UNPRINTABLE for char in value):
        return f"{what} has a line break or a control character"
    return None


def check_network(mcc: str, mnc: tuple[str, ...]) -> str | None:
    if mcc and not _MCC.fullmatch(mcc):
        return f"mcc {mcc!r} is not three digits"
    if mnc and not mcc:
        return "mnc without mcc"
    bad = [code for code in mnc if not _MNC.fullmatch(code)]
    if bad:
        return f"mnc {bad[0]!r} is not two or three digits"
    if len(set(mnc)) != len(mnc):
        return "an mnc is listed twice"
    return None


def check_price(price: int) -> str | None:
    if not 0 <= price <= MAX_PRICE:
        return "a price is between 0.00 and 999999.99"
    return None


def zone_problems(zone: Zone) -> list[str]:
    """What is wrong with one zone on its own."""
    found = [
        check_zone_code(zone.zone),
        check_text("name", zone.name, MAX_NAME, required=True),
        check_text("country", zone.country, MAX_COUNTRY, required=False),
        check_network(zone.mcc, zone.mnc),
        *(check_price(price) for price in zone.prices()),
    ]
    return [problem for problem in dict.fromkeys(found) if problem]


def conflicts(zones: list[Zone]) -> list[tuple[int, str]]:
    """(index, problem) for zones that clash with an earlier one of the same plan."""
    found: list[tuple[int, str]] = []
    codes: dict[str, int] = {}
    networks: dict[str, int] = {}
    countries: dict[str, int] = {}
    world: int | None = None
    for index, zone in enumerate(zones):
        if zone.zone in codes:
            found.append((index, f"zone code {zone.zone!r} is used twice"))
        codes.setdefault(zone.zone, index)
        if not zone.mcc:
            if world is not None:
                found.append((index, "a second world zone (no mcc)"))
            world = index if world is None else world
        elif not zone.mnc:
            if zone.mcc in countries:
                found.append((index, f"a second zone for the whole of mcc {zone.mcc}"))
            countries.setdefault(zone.mcc, index)
        for network in dict.fromkeys(zone.networks()):
            if network in networks:
                found.append((index, f"network {network} is already in another zone"))
            networks.setdefault(network, index)
    return found


def check_mccmnc(mccmnc: str) -> str | None:
    if not _MCCMNC.fullmatch(mccmnc):
        return f"mccmnc {mccmnc!r} is not 5 or 6 digits"
    return None


def check_plan_name(name: str) -> str | None:
    if name != name.strip() or not name:
        return "a plan name is not empty and has no spaces around it"
    return check_text("plan name", name, MAX_PLAN_NAME, required=True)


def zone_for(plan: Plan, mccmnc: str) -> Zone | None:
    """The zone that prices a network: its operator zone, else its country's, else the world."""
    mcc = mccmnc[:3]
    country = world = None
    for zone in plan.zones:
        if mccmnc in zone.networks():
            return zone
        if zone.mcc == mcc and not zone.mnc:
            country = zone
        if not zone.mcc:
            world = zone
    return country or world
