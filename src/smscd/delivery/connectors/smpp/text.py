"""Message text on the wire: GSM 03.38 (``data_coding`` 0, one septet per octet, as SMPP
carries it unpacked) or UCS-2 (8, UTF-16BE), long texts split into parts under a
concatenation UDH (``05 00 03 ref total seq``), and incoming parts decoded and joined.

The split follows smscd/segments.py (what the account was charged for): 153 septets or
67 UTF-16 units a part, a character never split between two parts.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from smscd import segments

GSM = 0
IA5 = 1
LATIN1 = 3
BINARY = 4
UCS2 = 8

# GSM 03.38 basic table, position = septet value; and the extension table after ESC (0x1B).
_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_EXTENDED = {"\f": 0x0A, "^": 0x14, "{": 0x28, "}": 0x29, "\\": 0x2F, "[": 0x3C, "~": 0x3D,
             "]": 0x3E, "|": 0x40, "€": 0x65}  # fmt: skip
_ENCODE = {ch: bytes([i]) for i, ch in enumerate(_BASIC) if i != 0x1B}
_ENCODE.update({ch: bytes([0x1B, code]) for ch, code in _EXTENDED.items()})
_DECODE_EXTENDED = {code: ch for ch, code in _EXTENDED.items()}


def gsm_encode(text: str) -> bytes:
    """``text`` in GSM 03.38 septets, one per octet; ValueError for a character outside it."""
    try:
        return b"".join(_ENCODE[ch] for ch in text)
    except KeyError as exc:
        raise ValueError(f"not in the GSM 03.38 alphabet: {exc.args[0]!r}") from None


def gsm_decode(data: bytes) -> str:
    out: list[str] = []
    escaped = False
    for octet in data:
        septet = octet & 0x7F
        if escaped:
            out.append(_DECODE_EXTENDED.get(septet, _BASIC[septet] if septet != 0x1B else " "))
            escaped = False
        elif septet == 0x1B:
            escaped = True
        else:
            out.append(_BASIC[septet])
    return "".join(out)


@dataclass(frozen=True, slots=True)
class Part:
    data_coding: int
    udh: bytes  # b"" for a single part
    payload: bytes  # the encoded text of this part

    @property
    def short_message(self) -> bytes:
        return self.udh + self.payload


def _chunks(units: list[bytes], single: int, part: int, width: int) -> list[bytes]:
    """Join encoded characters into parts of at most ``single`` (one part) or ``part``
    units of ``width`` octets each, never splitting a character."""
    if sum(len(u) for u in units) <= single * width:
        return [b"".join(units)]
    chunks: list[bytes] = []
    current = bytearray()
    for unit in units:
        if len(current) + len(unit) > part * width:
            chunks.append(bytes(current))
            current = bytearray()
        current += unit
    chunks.append(bytes(current))
    return chunks


def split(text: str, reference: int, force_ucs2: bool = False) -> list[Part]:
    """``text`` as the parts of one message: GSM 03.38 when it fits that alphabet, else
    UCS-2; concatenated under ``reference`` (0-255) when it takes more than one part."""
    coding, chunks = _encoded(text, force_ucs2)
    if len(chunks) == 1:
        return [Part(coding, b"", chunks[0])]
    if len(chunks) > 255:
        raise ValueError("a text of more than 255 parts")
    total = len(chunks)
    return [
        Part(coding, bytes([5, 0, 3, reference & 0xFF, total, seq]), chunk)
        for seq, chunk in enumerate(chunks, 1)
    ]


@functools.lru_cache(maxsize=256)
def _encoded(text: str, force_ucs2: bool) -> tuple[int, tuple[bytes, ...]]:
    """The data coding and the parts' octets of ``text``. Cached: a bulk send is one text
    to many numbers, and its parts are the same for each (only the UDH's reference is
    not)."""
    if segments.is_gsm(text) and not force_ucs2:
        coding, width = GSM, 1
        units = [_ENCODE[ch] for ch in text]
        single, part = segments.GSM_SINGLE, segments.GSM_PART
    else:
        coding, width = UCS2, 2
        units = [ch.encode("utf-16-be") for ch in text]
        single, part = segments.UCS2_SINGLE, segments.UCS2_PART
    return coding, tuple(_chunks(units, single, part, width))


@dataclass(frozen=True, slots=True)
class Concat:
    """Where a part belongs: message reference, total parts, this part's number (1-based)."""

    reference: int
    total: int
    seq: int


def parse_udh(short_message: bytes) -> tuple[Concat | None, bytes]:
    """The concatenation element of a UDH-prefixed short message (8- or 16-bit
    reference), and the octets after the UDH. ValueError if the UDH is cut short."""
    if not short_message:
        raise ValueError("an empty message with a UDH indicator")
    size = short_message[0]
    if size + 1 > len(short_message):
        raise ValueError("a UDH longer than its message")
    udh, rest = short_message[1 : size + 1], short_message[size + 1 :]
    concat = None
    at = 0
    while at + 2 <= len(udh):
        iei, length = udh[at], udh[at + 1]
        value = udh[at + 2 : at + 2 + length]
        if len(value) != length:
            raise ValueError("a UDH element cut short")
        if iei == 0x00 and length == 3:
            concat = Concat(value[0], value[1], value[2])
        elif iei == 0x08 and length == 4:
            concat = Concat(int.from_bytes(value[:2], "big"), value[2], value[3])
        at += 2 + length
    return concat, rest


def decode(data: bytes, data_coding: int) -> str:
    """The text of an incoming message's octets; binary ones as hex [ours]."""
    coding = data_coding & 0x0F if data_coding & 0xF0 in (0x00, 0xF0) else data_coding
    if data_coding & 0xF0 == 0xF0:  # message class coding group: bit 2 says 8-bit data
        coding = BINARY if data_coding & 0x04 else GSM
    if coding == GSM:
        return gsm_decode(data)
    if coding == IA5:
        return data.decode("ascii", "replace")
    if coding == LATIN1:
        return data.decode("latin-1")
    if coding == UCS2:
        return data[: len(data) // 2 * 2].decode("utf-16-be", "replace")
    return data.hex().upper()
