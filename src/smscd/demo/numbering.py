"""Demo data of the numbering domain: a synthetic Russian numbering plan.

The plan is written as a Rossvyaz DEF file (8-column layout, UTF-8 with a BOM) and imported
through the same reader and store as ``smscd numbering import``. It covers every DEF code of
the catalogue's Russian networks (catalogue.NETWORKS) in blocks of a million numbers spread
over the catalogue's regions, so that the phones of the demo history resolve to their
network's operator. A code that two networks share (999: МегаФон and Yota) has its block of
demo numbers divided between them.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from smscd.demo import catalogue as cat
from smscd.numbering import plan, store

if TYPE_CHECKING:
    from smscd.demo.seed import DemoContext

HEADER = "АВС/ DEF;От;До;Емкость;Оператор;Регион;Территория ГАР;ИНН"
BLOCK = 1_000_000
DEMO_BLOCK = 1  # demo history numbers are <prefix>1000000 to <prefix>1003999 (seed.py)
DEMO_NUMBERS = 4000

# The operators of the catalogue's Russian networks: legal name and INN.
LEGAL = {
    "МТС": ('ПАО "МТС"', "7740000076"),
    "МегаФон": ('ПАО "МегаФон"', "7812014560"),
    "Билайн": ('ПАО "ВымпелКом"', "7713076301"),
    "Tele2": ('ООО "Т2 Мобайл"', "7743895280"),
    "Yota": ('ООО "Скартел"', "7701725181"),
    "МОТИВ": ('ООО "Екатеринбург-2000"', "6661079603"),
    "СберМобайл": ('ООО "Сбербанк-Телеком"', "7736264044"),
}
REGIONS = {"МОТИВ": ("Свердловская обл.", "Ханты-Мансийский - Югра АО")}
TERRITORY = {
    "г. Москва * Московская область": "Город Москва, Московская область",
    "г. Санкт-Петербург * Ленинградская область": "Город Санкт-Петербург, Ленинградская область",
}


def _owners() -> dict[str, list[cat.Network]]:
    """DEF code -> the Russian networks that use it, in catalogue order."""
    owners: dict[str, list[cat.Network]] = {}
    for network in cat.NETWORKS:
        if network.country != "Россия":
            continue
        for prefix in network.prefixes:
            owners.setdefault(prefix[1:4], []).append(network)
    return owners


def _row(code: str, first: int, last: int, network: cat.Network, region: str) -> str:
    name, inn = LEGAL[network.operator]
    territory = TERRITORY.get(region, region.replace("обл.", "область"))
    return f"{code};{first:07d};{last:07d};{last - first + 1};{name};{region};{territory};{inn}"


def plan_file(seed: int) -> bytes:
    """The demo's DEF file: the same seed, the same file."""
    rng = random.Random(f"numbering-{seed}")
    lines = [HEADER]
    for code, networks in sorted(_owners().items()):
        main = networks[0]
        for block in range(10):
            first, last = block * BLOCK, (block + 1) * BLOCK - 1
            if block == DEMO_BLOCK and len(networks) > 1:
                share = DEMO_NUMBERS // len(networks)
                for i, network in enumerate(networks):
                    region = rng.choice(REGIONS.get(network.operator, cat.RUSSIAN_REGIONS))
                    end = last if i == len(networks) - 1 else first + (i + 1) * share - 1
                    lines.append(_row(code, first + i * share, end, network, region))
                continue
            region = rng.choice(REGIONS.get(main.operator, cat.RUSSIAN_REGIONS))
            lines.append(_row(code, first, last, main, region))
    return "\ufeff".encode() + "\r\n".join(lines).encode() + b"\r\n"


async def seed(context: DemoContext) -> None:
    """Import the demo plan, as ``smscd numbering import`` would."""
    ranges = plan.read_files([("DEF-9xx-demo.csv", plan_file(context.seed))])
    store.import_plan(context.engine, ranges, ["DEF-9xx-demo.csv"], context.now)
