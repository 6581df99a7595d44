"""The incoming-message record in the four formats (reference, "Receiving incoming messages")."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from smscd.dates import ZoneClock
from smscd.http.replies import Layout, Record

INCOMING = Layout(
    text=(
        ("id", "id"),
        ("received", "received"),
        ("phone", "phone"),
        ("message", "message"),
        ("to_phone", "to_phone"),
        ("sent", "sent"),
    ),
    csv=("id", "received", "phone", "to_phone", "sent", "message"),
    fields=("id", "received", "phone", "message", "to_phone", "sent"),
    numbers=frozenset({"id"}),
    xml_list="sms_answers",
    xml_item="sms",
)


def record(row: Sequence[Any], clock: ZoneClock) -> Record:
    """A row of ``queries.INCOMING_COLUMNS`` as an incoming record."""
    id_, received_ts, phone, message, to_phone, sent_ts = row
    return {
        "id": id_,
        "received": clock.format(received_ts),
        "phone": phone,
        "message": message,
        "to_phone": to_phone,
        "sent": clock.format(sent_ts),
    }
