"""The get_price reply (reference, "Request for rates"): zones, individual prices, e-mail.

Not a list of one kind of record, so it is written by :func:`render` (``Reply.custom``)
from two layouts. Decisions **[ours]** (docs/tariffs.md): in fmt 0 and 1 the three
sections (zones, individual prices, the e-mail price) are separated by one blank line and a
section with nothing in it is left out with its blank line; in fmt 2 and 3 the structure is
fixed: ``<zones></zones>``, ``<codes></codes>`` and ``[]`` when empty.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from smscd import money
from smscd.http.replies import (
    Layout,
    Record,
    json_text,
    one_line,
    render_records,
    xml_attr,
    xml_text,
)
from smscd.tariffs.model import CHANNELS

ZONES = Layout(
    text=(("zone", "zone"), ("name", "name"), *((channel, channel) for channel in CHANNELS)),
    csv=("zone", "name", *CHANNELS),
    fields=("zone", "name", *CHANNELS),
    numbers=frozenset(),
    xml_list="zones",
    xml_item="zone",
)

CODES = Layout(
    text=(("mccmnc", "mccmnc"), ("cost", "cost")),
    csv=("mccmnc", "cost"),
    fields=("mccmnc", "cost"),
    numbers=frozenset(),
    xml_list="codes",
    xml_item="mccmnc",
)

SECTION_BREAK = "\n\n"


def zone_record(row: Sequence[Any]) -> Record:
    """A row of ``queries.ZONE_COLUMNS`` as a zone record."""
    zone, name, *prices = row
    return {
        "zone": zone,
        "name": name,
        **{channel: money.to_text(price) for channel, price in zip(CHANNELS, prices, strict=True)},
    }


def code_record(row: Sequence[Any]) -> Record:
    mccmnc, cost = row
    return {"mccmnc": mccmnc, "cost": money.to_text(cost)}


def render(zones: Sequence[Record], codes: Sequence[Record], mail: str, fmt: int) -> str:
    """The whole get_price body in ``fmt``."""
    if fmt in (0, 1):
        sections = [
            render_records(ZONES, zones, fmt),
            render_records(CODES, codes, fmt),
            f"mail = {one_line(mail)}" if fmt == 0 else one_line(mail),
        ]
        return SECTION_BREAK.join(section for section in sections if section)
    if fmt == 2:
        return (
            f"<price>\n{_xml_zones(zones)}\n{_xml_codes(codes)}\n"
            f"<mail>{xml_text(mail)}</mail>\n</price>"
        )
    return json_text(
        {
            "zones": [{key: zone[key] for key in ZONES.fields} for zone in zones],
            "codes": [{key: code[key] for key in CODES.fields} for code in codes],
            "mail": mail,
        }
    )


def _xml_zones(zones: Sequence[Record]) -> str:
    if not zones:
        return ZONES.xml_empty
    items = "".join(
        "<zone "
        + " ".join(f'{key}="{xml_attr(zone[key])}"' for key in ("name", *CHANNELS))
        + f">{xml_text(zone['zone'])}</zone>\n"
        for zone in zones
    )
    return f"<zones>\n{items}</zones>"


def _xml_codes(codes: Sequence[Record]) -> str:
    if not codes:
        return CODES.xml_empty
    items = "".join(
        f'<mccmnc cost="{xml_attr(code["cost"])}">{xml_text(code["mccmnc"])}</mccmnc>\n'
        for code in codes
    )
    return f"<codes>\n{items}</codes>"
