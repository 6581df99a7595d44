"""Mobile network codes (ITU E.212) for numbers outside the imported plan.

``data/mcc.csv`` gives each country's MCC (the first one the ITU assigned it, for the
countries that have several); ``data/networks.csv`` maps a carrier, named as the
``phonenumbers`` library reports it in English, to its MCC and MNC, and optionally to the
brand the API answers with. Only networks we are sure of are listed: a carrier that is not
gets the country's MCC and an empty MNC. Sources and licences: docs/numbering.md.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class Network:
    country: str  # ISO 3166 alpha-2, as phonenumbers writes it
    carrier: str  # phonenumbers' English carrier name
    mcc: str
    mnc: str
    brand: str  # the name answered in Russian; empty: phonenumbers' own name
    brand_en: str  # ... in English


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("smscd.numbering").joinpath(f"data/{name}").read_text("utf-8")
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))


@cache
def country_mccs() -> dict[str, str]:
    """ISO country code -> MCC."""
    return {row["country"]: row["mcc"] for row in _rows("mcc.csv")}


@cache
def networks() -> dict[tuple[str, str], Network]:
    """(ISO country code, phonenumbers carrier name) -> the network."""
    return {
        (row["country"], row["carrier"]): Network(
            row["country"], row["carrier"], row["mcc"], row["mnc"], row["brand"], row["brand_en"]
        )
        for row in _rows("networks.csv")
    }
