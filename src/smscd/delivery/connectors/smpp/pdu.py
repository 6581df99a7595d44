"""The SMPP 3.4 wire format: a PDU is a 16-octet header (length, command id, status,
sequence number), then its mandatory fields, then optional TLVs.

Only the operations an ESME needs: binds, unbind, enquire_link, submit_sm, deliver_sm,
generic_nack and their responses. :func:`encode` and :func:`decode` are inverses
(tests/delivery/test_smpp_codec.py checks it with hypothesis); :func:`decode` raises
:class:`PduError` for octets that are not a PDU, and a caller answers ``generic_nack``.
"""

from __future__ import annotations

import enum
import struct
from dataclasses import dataclass, field

HEADER = struct.Struct(">IIII")
MAX_PDU = 64 * 1024  # larger than any PDU an ESME is sent; a longer length is garbage


class PduError(ValueError):
    """Octets that are not a PDU this codec reads."""


class Command(enum.IntEnum):
    GENERIC_NACK = 0x80000000
    BIND_RECEIVER = 0x00000001
    BIND_RECEIVER_RESP = 0x80000001
    BIND_TRANSMITTER = 0x00000002
    BIND_TRANSMITTER_RESP = 0x80000002
    SUBMIT_SM = 0x00000004
    SUBMIT_SM_RESP = 0x80000004
    DELIVER_SM = 0x00000005
    DELIVER_SM_RESP = 0x80000005
    UNBIND = 0x00000006
    UNBIND_RESP = 0x80000006
    BIND_TRANSCEIVER = 0x00000009
    BIND_TRANSCEIVER_RESP = 0x80000009
    ENQUIRE_LINK = 0x00000015
    ENQUIRE_LINK_RESP = 0x80000015


BINDS = (Command.BIND_RECEIVER, Command.BIND_TRANSMITTER, Command.BIND_TRANSCEIVER)
BIND_FIELDS = ("system_id", "password", "system_type", "interface_version", "addr_ton",
               "addr_npi", "address_range")  # fmt: skip
# submit_sm and deliver_sm share their mandatory fields (SMPP 3.4 4.4.1, 4.6.1).
SM_FIELDS = (
    "service_type", "source_addr_ton", "source_addr_npi", "source_addr", "dest_addr_ton",
    "dest_addr_npi", "destination_addr", "esm_class", "protocol_id", "priority_flag",
    "schedule_delivery_time", "validity_period", "registered_delivery",
    "replace_if_present_flag", "data_coding", "sm_default_msg_id", "short_message",
)  # fmt: skip
INTEGER_FIELDS = frozenset({
    "interface_version", "addr_ton", "addr_npi", "source_addr_ton", "source_addr_npi",
    "dest_addr_ton", "dest_addr_npi", "esm_class", "protocol_id", "priority_flag",
    "registered_delivery", "replace_if_present_flag", "data_coding", "sm_default_msg_id",
})  # fmt: skip
# The longest C-octet string of each field, NUL included (SMPP 3.4 section 4).
C_STRING_MAX = {
    "system_id": 16, "password": 9, "system_type": 13, "address_range": 41,
    "service_type": 6, "source_addr": 21, "destination_addr": 21,
    "schedule_delivery_time": 17, "validity_period": 17, "message_id": 65,
}  # fmt: skip


class Tag(enum.IntEnum):
    """The optional parameters smscd reads or writes."""

    SAR_MSG_REF_NUM = 0x020C
    SAR_TOTAL_SEGMENTS = 0x020E
    SAR_SEGMENT_SEQNUM = 0x020F
    MESSAGE_PAYLOAD = 0x0424
    MESSAGE_STATE = 0x0427
    RECEIPTED_MESSAGE_ID = 0x001E


def _fields(command: int) -> tuple[str, ...]:
    base = command & 0x7FFFFFFF
    response = bool(command & 0x80000000)
    if base in (c & 0x7FFFFFFF for c in BINDS):
        return ("system_id",) if response else BIND_FIELDS
    if base in (Command.SUBMIT_SM, Command.DELIVER_SM):
        return ("message_id",) if response else SM_FIELDS
    return ()


@dataclass
class Pdu:
    command: int
    sequence: int
    status: int = 0
    fields: dict[str, int | str | bytes] = field(default_factory=dict)
    tlvs: dict[int, bytes] = field(default_factory=dict)

    def get(self, name: str, default: int | str | bytes = "") -> int | str | bytes:
        return self.fields.get(name, default)

    def text(self, name: str) -> str:
        value = self.fields.get(name, "")
        return value if isinstance(value, str) else ""

    def number(self, name: str) -> int:
        value = self.fields.get(name, 0)
        return value if isinstance(value, int) else 0

    def octets(self, name: str) -> bytes:
        value = self.fields.get(name, b"")
        return value if isinstance(value, bytes) else b""

    def response(self, status: int = 0, **fields: int | str | bytes) -> Pdu:
        return Pdu(self.command | 0x80000000, self.sequence, status, dict(fields))


def encode(pdu: Pdu) -> bytes:
    """The PDU's octets. A response with an error status has no body (SMPP 3.4 3.3: the
    SMSC may omit it; we always do)."""
    body = bytearray()
    response = bool(pdu.command & 0x80000000)
    if not (response and pdu.status):
        for name in _fields(pdu.command):
            value = pdu.fields.get(name, 0 if name in INTEGER_FIELDS else "")
            if name == "short_message":
                data = value if isinstance(value, bytes) else str(value).encode("latin-1")
                if len(data) > 254:
                    raise PduError("short_message is at most 254 octets (use message_payload)")
                body.append(len(data))
                body += data
            elif name in INTEGER_FIELDS:
                body.append(int(value) & 0xFF)
            else:
                data = str(value).encode("latin-1")
                if b"\0" in data or len(data) >= C_STRING_MAX.get(name, 256):
                    raise PduError(f"{name} too long or holds NUL")
                body += data + b"\0"
        for tag, value in pdu.tlvs.items():
            body += struct.pack(">HH", tag, len(value)) + value
    return HEADER.pack(HEADER.size + len(body), pdu.command, pdu.status, pdu.sequence) + body


def header(data: bytes) -> tuple[int, int, int, int]:
    """(length, command, status, sequence) of the 16 octets that start a PDU."""
    length, command, status, sequence = HEADER.unpack(data)
    if not HEADER.size <= length <= MAX_PDU:
        raise PduError(f"a PDU of {length} octets")
    return length, command, status, sequence


def decode(data: bytes) -> Pdu:
    """The PDU in ``data`` (exactly one, header included)."""
    if len(data) < HEADER.size:
        raise PduError("shorter than a PDU header")
    length, command, status, sequence = header(data[: HEADER.size])
    if length != len(data):
        raise PduError(f"length {length} but {len(data)} octets")
    pdu = Pdu(command, sequence, status)
    at = HEADER.size
    response = bool(command & 0x80000000)
    if response and status:
        # SMPP 3.4 3.3/4.4.2: a refusal has no body, but some SMSCs send one anyway
        # (message_id ""). The status is all a submitter needs: the body is not read.
        return pdu
    names = () if at == length else _fields(command)
    try:
        for name in names:
            if name == "short_message":
                size = data[at]
                pdu.fields[name] = bytes(data[at + 1 : at + 1 + size])
                if at + 1 + size > length:
                    raise PduError("short_message runs past the PDU")
                at += 1 + size
            elif name in INTEGER_FIELDS:
                pdu.fields[name] = data[at]
                at += 1
            else:
                end = data.index(b"\0", at)
                pdu.fields[name] = data[at:end].decode("latin-1")
                at = end + 1
    except (IndexError, ValueError) as exc:
        if isinstance(exc, PduError):
            raise
        raise PduError(f"{hex(command)}: truncated") from exc
    while at < length:
        if at + 4 > length:
            raise PduError("a truncated TLV")
        tag, size = struct.unpack_from(">HH", data, at)
        if at + 4 + size > length:
            raise PduError("a TLV runs past the PDU")
        pdu.tlvs[tag] = bytes(data[at + 4 : at + 4 + size])
        at += 4 + size
    return pdu


def c_string(value: bytes) -> str:
    """A TLV holding a C-octet string (receipted_message_id)."""
    return value.split(b"\0", 1)[0].decode("latin-1")
