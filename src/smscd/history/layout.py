"""The history record in the four formats (reference, "Getting the history of sent messages")."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from smscd import money
from smscd.dates import ZoneClock
from smscd.history.statuses import status_name
from smscd.http.replies import Layout, Record

HISTORY = Layout(
    text=(
        ("Status", "status"),
        ("check_time", "last_date"),
        ("err", "err"),
        ("send_date", "send_date"),
        ("phone", "phone"),
        ("mccmnc", "mccmnc"),
        ("country", "country"),
        ("operator", "operator"),
        ("region", "region"),
        ("cost", "cost"),
        ("sender_id", "sender_id"),
        ("status_name", "status_name"),
        ("message", "message"),
        ("type", "type"),
        ("ID", "id"),
        ("int_id", "int_id"),
        ("sms_cnt", "sms_cnt"),
        ("format", "format"),
        ("crc", "crc"),
    ),
    csv=(
        "status",
        "last_timestamp",
        "err",
        "send_timestamp",
        "phone",
        "mccmnc",
        "country",
        "operator",
        "region",
        "cost",
        "sender_id",
        "status_name",
        "message",
        "type",
        "id",
        "int_id",
        "sms_cnt",
        "format",
        "crc",
    ),
    # The reference writes "<status_name>, <message>": the one separator with a space.
    csv_separators={"message": ", "},
    fields=(
        "status",
        "last_date",
        "last_timestamp",
        "err",
        "send_date",
        "send_timestamp",
        "phone",
        "cost",
        "sender_id",
        "status_name",
        "message",
        "mccmnc",
        "country",
        "operator",
        "region",
        "type",
        "id",
        "int_id",
        "sms_cnt",
        "format",
        "crc",
    ),
    numbers=frozenset(
        {
            "status",
            "last_timestamp",
            "err",
            "send_timestamp",
            "type",
            "id",
            "sms_cnt",
            "format",
            "crc",
        }
    ),
    xml_list="list",
    xml_item="sms",
)


def record(row: Sequence[Any], clock: ZoneClock, language: str) -> Record:
    """A row of ``queries.HISTORY_COLUMNS`` as a history record."""
    (status, last_ts, err, send_ts, phone, mccmnc, country, operator, region, cost,
     sender_id, message, type_, id_, int_id, sms_cnt, format_, crc) = row  # fmt: skip
    return {
        "status": status,
        "last_date": clock.format(last_ts),
        "last_timestamp": last_ts,
        "err": err,
        "send_date": clock.format(send_ts),
        "send_timestamp": send_ts,
        "phone": phone,
        "cost": money.to_text(cost),
        "sender_id": sender_id,
        "status_name": status_name(status, language),
        "message": message,
        "mccmnc": mccmnc,
        "country": country,
        "operator": operator,
        "region": region,
        "type": type_,
        "id": id_,
        "int_id": str(int_id),
        "sms_cnt": sms_cnt,
        "format": format_,
        "crc": crc,
    }
