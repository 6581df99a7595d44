"""What a delivery receipt says: the peer's message id, a final state and our err.

A receipt is a ``deliver_sm`` whose ``esm_class`` has the receipt bit (message type 1,
bits 2-5 = 0001). Its id and state come from the ``receipted_message_id`` and
``message_state`` TLVs when present, else from the text (SMPP 3.4 Appendix B:
``id:IIII sub:SSS dlvrd:DDD submit date:YYMMDDhhmm done date:YYMMDDhhmm stat:DDDDDDD
err:E text: ...``). The tables are documented in docs/carriers.md ("Receipts").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from smscd.delivery.connectors.base import Final

RECEIPT_TYPES = (0x04, 0x08, 0x20)  # delivery receipt, delivery ack, intermediate notification

# stat: of the text receipt -> our final state (None: not final, ignored).
STAT: dict[str, Final | None] = {
    "DELIVRD": Final.DELIVERED,
    "EXPIRED": Final.EXPIRED,
    "DELETED": Final.UNDELIVERABLE,
    "UNDELIV": Final.UNDELIVERABLE,
    "REJECTD": Final.UNDELIVERABLE,
    "UNKNOWN": Final.UNDELIVERABLE,
    "ACCEPTD": None,
    "ENROUTE": None,
}
# The message_state TLV (SMPP 3.4 5.2.28) -> the same.
STATE: dict[int, Final | None] = {
    1: None,  # ENROUTE
    2: Final.DELIVERED,
    3: Final.EXPIRED,
    4: Final.UNDELIVERABLE,  # DELETED
    5: Final.UNDELIVERABLE,  # UNDELIVERABLE
    6: None,  # ACCEPTED
    7: Final.UNDELIVERABLE,  # UNKNOWN
    8: Final.UNDELIVERABLE,  # REJECTED
}
# Our err (compat.md) of a final state when the carrier's err says nothing we can map.
DEFAULT_ERR = {Final.DELIVERED: 0, Final.EXPIRED: 0, Final.UNDELIVERABLE: 255}
STAT_ERR = {"REJECTD": 255, "DELETED": 255, "UNKNOWN": 255, "UNDELIV": 255}
# The err: field is network-specific; the common GSM MAP causes map onto compat.md codes.
NETWORK_ERR = {
    1: 1,  # unknown subscriber
    5: 1,  # unidentified subscriber
    6: 6,  # absent subscriber (SM)
    9: 13,  # illegal subscriber
    11: 11,  # teleservice not provisioned
    12: 12,  # illegal equipment
    13: 13,  # call barred
    21: 21,  # facility not supported
    27: 6,  # absent subscriber
    31: 240,  # subscriber busy for MT SMS
    32: 12,  # SM delivery failure
    34: 255,  # system failure
}

_FIELD = re.compile(r"(id|sub|dlvrd|submit date|done date|stat|err):(\S*)", re.IGNORECASE)


class NotAReceipt(ValueError):
    """A receipt this module cannot read (no id, or no state)."""


@dataclass(frozen=True, slots=True)
class Said:
    peer_id: str
    final: Final | None  # None: an intermediate state (no change)
    err: int


def is_receipt(esm_class: int) -> bool:
    return esm_class & 0x3C in RECEIPT_TYPES


def fields(text: str) -> dict[str, str]:
    """The ``key:value`` fields of a text receipt (keys lower-cased)."""
    return {k.lower(): v for k, v in _FIELD.findall(text.split(" text:", 1)[0])}


def read(text: str, receipted_id: str | None, state: int | None) -> Said:
    """What a receipt says, TLVs first."""
    found = fields(text)
    peer_id = receipted_id or found.get("id", "")
    if not peer_id:
        raise NotAReceipt("a receipt without a message id")
    stat = found.get("stat", "").upper()
    if state is not None:
        final = STATE.get(state, Final.UNDELIVERABLE)
    elif stat:
        final = STAT.get(stat, Final.UNDELIVERABLE)
    else:
        raise NotAReceipt("a receipt without a state")
    if final is None:
        return Said(peer_id, None, 0)
    if final == Final.DELIVERED:
        return Said(peer_id, final, 0)
    raw = found.get("err", "")
    try:
        network = int(raw, 10) if raw else None
    except ValueError:
        network = None
    err = NETWORK_ERR.get(network, 0) if network else 0
    return Said(peer_id, final, err or STAT_ERR.get(stat, DEFAULT_ERR[final]))
