"""Numbers outside the imported Russian plan: what the ``phonenumbers`` library knows.

``phonenumbers`` (Apache-2.0, the Python port of Google's libphonenumber) gives a number's
country, its carrier as allocated (ported numbers are not followed), a geographic
description and its time zones. MCC and MNC come from networks.py.

A number is *found* only when its operator is known: the API's error 3 is "operator not
found" (compat.md, "Endpoint decisions"). Decisions **[ours]**, documented in
docs/numbering.md: ``region`` is the library's description of the number when it is more
precise than the country (``New York, NY``), else empty; ``tz`` is the offset of the
number's zone, or, when its zones disagree at the request's time, of the country's main
zone (its capital's), and empty when we know no main zone.
"""

from __future__ import annotations

from dataclasses import dataclass

import phonenumbers
from phonenumbers import carrier, geocoder, timezone
from phonenumbers.geodata.locale import LOCALE_DATA

from smscd.numbering.networks import country_mccs, networks
from smscd.numbering.offsets import offset_text

# The zone of the capital, for the countries whose numbers can lie in zones with different
# offsets (and, for +7, because the library lists Russia's and Kazakhstan's zones together).
MAIN_ZONES = {
    "AU": "Australia/Sydney",
    "BR": "America/Sao_Paulo",
    "CA": "America/Toronto",
    "CD": "Africa/Kinshasa",
    "CL": "America/Santiago",
    "CN": "Asia/Shanghai",
    "EC": "America/Guayaquil",
    "ES": "Europe/Madrid",
    "FM": "Pacific/Pohnpei",
    "GL": "America/Nuuk",
    "ID": "Asia/Jakarta",
    "KI": "Pacific/Tarawa",
    "KZ": "Asia/Almaty",
    "MN": "Asia/Ulaanbaatar",
    "MX": "America/Mexico_City",
    "NZ": "Pacific/Auckland",
    "PF": "Pacific/Tahiti",
    "PG": "Pacific/Port_Moresby",
    "PT": "Europe/Lisbon",
    "RU": "Europe/Moscow",
    "US": "America/New_York",
}
_UNKNOWN_ZONE = "Etc/Unknown"


@dataclass(frozen=True, slots=True)
class Foreign:
    """A number as phonenumbers describes it, before the request's moment is known."""

    country: str
    operator: str
    region: str
    mcc: str
    mnc: str
    zones: tuple[str, ...]
    main_zone: str

    def tz(self, now: float) -> str:
        offsets = {offset_text(zone, now) for zone in self.zones}
        if len(offsets) == 1:
            return offsets.pop()
        return offset_text(self.main_zone, now)


def country_name(region_code: str, language: str) -> str:
    """The country's name in ``language`` (``ru`` or ``en``), as phonenumbers has it."""
    names = LOCALE_DATA.get(region_code, {})
    name = names.get(language, "")
    if name.startswith("*"):  # the library's pointer to another language's entry
        name = names.get(name[1:], "")
    return name


def describe(phone: str, language: str) -> Foreign | None:
    """What phonenumbers knows of ``phone`` (digits, country code first); None when it
    knows no operator for it."""
    try:
        number = phonenumbers.parse("+" + phone)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    region_code = phonenumbers.region_code_for_number(number)
    carrier_en = carrier.name_for_number(number, "en")
    if not region_code or not carrier_en:
        return None
    network = networks().get((region_code, carrier_en))
    if network is not None and network.brand:
        operator = network.brand_en if language == "en" else network.brand
    else:
        operator = carrier.name_for_number(number, language) or carrier_en
    country = country_name(region_code, language)
    description = geocoder.description_for_number(number, language)
    zones = tuple(z for z in timezone.time_zones_for_number(number) if z != _UNKNOWN_ZONE)
    return Foreign(
        country=country,
        operator=operator,
        region=description if description != country else "",
        mcc=network.mcc if network else country_mccs().get(region_code, ""),
        mnc=network.mnc if network else "",
        zones=zones,
        main_zone=MAIN_ZONES.get(region_code, ""),
    )
