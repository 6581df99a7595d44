"""Tariff plans and prices for tests."""

from __future__ import annotations

import itertools
import secrets
from typing import Any

from hypothesis import strategies as st
from sqlalchemy import Engine

from smscd.tariffs import service
from smscd.tariffs.model import Plan, Zone

_countries = itertools.cycle(range(100, 1000))


def zone(
    code: str, name: str | None = None, mcc: str | None = None, mnc: str = "", **prices: int
) -> Zone:
    """A zone priced 1.00 on every channel unless told; a country of its own unless told
    (``mcc=""`` is the world zone)."""
    defaults = dict.fromkeys(("api", "mass", "mms", "hlr", "call"), 100)
    return Zone(
        zone=code,
        name=name if name is not None else f"Зона {code}",
        country="",
        mcc=str(next(_countries)) if mcc is None else mcc,
        mnc=tuple(mnc.split()),
        **{**defaults, **prices},
    )


def add_plan(
    engine: Engine, *zones: Zone, mail: int = 15, default: bool = False, name: str | None = None
) -> str:
    """Import a plan (a fresh name unless told); its name."""
    name = name or f"plan-{secrets.token_hex(4)}"
    with engine.begin() as conn:
        service.import_plan(conn, name, Plan(tuple(zones), mail), make_default=default)
    return name


def assign(engine: Engine, account: Any, plan: str) -> None:
    with engine.begin() as conn:
        service.assign_plan(conn, account.login, plan)


def set_prices(engine: Engine, account: Any, *prices: tuple[str, int]) -> None:
    with engine.begin() as conn:
        for mccmnc, cost in prices:
            service.set_price(conn, account.login, mccmnc, cost)


# -- generated plans (property tests) ------------------------------------------------------------

prices = st.integers(0, 99_999_999)
# One line, no surrounding spaces (cells are trimmed), with what CSV and XML must escape.
names = (
    st.text(
        st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp", "Zs"))
        | st.sampled_from(' ,;"<&>'),
        min_size=1,
        max_size=40,
    )
    .map(str.strip)
    .filter(bool)
)
codes = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,31}", fullmatch=True).filter(
    lambda code: code.upper() != "MAIL"
)
mncs = st.lists(st.from_regex(r"[0-9]{2,3}", fullmatch=True), max_size=3, unique=True)


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    """A valid plan: unique codes, a country of its own per zone, at most one world zone."""
    count = draw(st.integers(1, 8))
    zone_codes = draw(st.lists(codes, min_size=count, max_size=count, unique=True))
    countries = draw(st.lists(st.integers(100, 999), min_size=count, max_size=count, unique=True))
    world = draw(st.one_of(st.none(), st.integers(0, count - 1)))
    zones = tuple(
        Zone(
            zone=code,
            name=draw(names),
            country=draw(st.sampled_from(["", "Россия", "Côte d'Ivoire, Republic"])),
            mcc="" if index == world else str(mcc),
            mnc=() if index == world else tuple(draw(mncs)),
            api=draw(prices),
            mass=draw(prices),
            mms=draw(prices),
            hlr=draw(prices),
            call=draw(prices),
        )
        for index, (code, mcc) in enumerate(zip(zone_codes, countries, strict=True))
    )
    return Plan(zones, draw(prices))
