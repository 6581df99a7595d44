"""Everything a worker answers ``get_operator`` from: one version of the imported plan, and
``phonenumbers`` for the numbers the plan does not hold.

A :class:`Directory` never changes; the service (service.py) replaces it with a new one when
the data's version changes, so a request sees one consistent version from start to end.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from smscd.numbering import foreign, regions
from smscd.numbering.index import Entry, RangeIndex
from smscd.numbering.offsets import offset_text

RUSSIA = "RU"
RUSSIA_MCC = "250"
PLAN_DIGITS = 11  # 7 + a three-digit ABC/DEF code + seven digits
NO_REGION = ("", "-")

Record = dict[str, str]


@lru_cache(maxsize=16384)  # phonenumbers takes tens of microseconds a number
def _foreign(phone: str, language: str) -> foreign.Foreign | None:
    return foreign.describe(phone, language)


class Directory:
    """The numbering data of one version (None: nothing loaded yet)."""

    def __init__(self, index: RangeIndex, version: int | None) -> None:
        self.index = index
        self.version = version
        # (entry position, language) -> the record's fields but tz
        self._plan_fields: dict[tuple[int, str], Record] = {}

    @classmethod
    def empty(cls) -> Directory:
        return cls(RangeIndex.empty(), None)

    def record(self, phone: str, language: str, now: float) -> Record | None:
        """``country, operator, region, mcc, mnc, tz`` of ``phone`` (digits, country code
        first) at Unix time ``now``; None when no operator is known for it."""
        if len(phone) == PLAN_DIGITS and phone[0] == "7":
            entry = self.index.find(int(phone))
            if entry is not None:
                return {**self._fields(entry, language), "tz": offset_text(entry.zone, now)}
        found = _foreign(phone, language)
        if found is None:
            return None
        return {
            "country": found.country,
            "operator": found.operator,
            "region": found.region,
            "mcc": found.mcc,
            "mnc": found.mnc,
            "tz": found.tz(now),
        }

    def _fields(self, entry: Entry, language: str) -> Record:
        key = (id(entry), language)
        fields = self._plan_fields.get(key)
        if fields is None:
            fields = self._plan_fields[key] = {
                "country": foreign.country_name(RUSSIA, language),
                "operator": entry.operator_en if language == "en" else entry.operator,
                "region": entry.region,
                "mcc": RUSSIA_MCC,
                "mnc": entry.mnc,
            }
        return fields


def entry_of(
    operator: str,
    region: str,
    territory: str,
    brand: str | None,
    brand_en: str | None,
    mnc: str | None,
) -> Entry:
    """A plan range's entry: the brand of its operator when the operators table has one
    (else the name the plan gives), its region (the ГАР territory when the plan's region is
    empty or ``-``) and the region's zone."""
    shown_region = territory if region.strip() in NO_REGION else region
    return Entry(
        operator=brand or operator,
        operator_en=brand_en or brand or operator,
        mnc=mnc or "",
        region=shown_region.strip(),
        zone=regions.zone_of(region, territory),
    )


def build(rows: Iterable[Sequence[Any]], version: int) -> Directory:
    """A directory from rows of ``queries.RANGES`` (in order of the first number)."""
    entries: dict[tuple[Any, ...], Entry] = {}

    def ranges() -> Iterable[tuple[int, int, Entry]]:
        for first, last, operator, region, territory, brand, brand_en, mnc in rows:
            key = (operator, region, territory, brand, brand_en, mnc)
            entry = entries.get(key)
            if entry is None:
                entry = entries[key] = entry_of(operator, region, territory, brand, brand_en, mnc)
            yield int(first), int(last), entry

    return Directory(RangeIndex.build(ranges()), version)
