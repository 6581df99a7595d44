"""How many SMS parts a text takes: GSM 03.38 (160/153) or UCS-2 (70/67).

A text that fits one part is sent whole. A longer one is split into concatenated parts of
153 septets (GSM) or 67 UTF-16 code units (UCS-2), and a character is never split between
two parts: a GSM extension character (an escape and its septet, ``€``, ``[``, ...) or a
UCS-2 surrogate pair that would straddle a boundary moves to the next part whole. So
``'a' * 152 + '€' + 'a' * 152`` is three parts, not two (tests/test_segments.py checks this
against an independent GSM 03.38 encoder).
"""

from __future__ import annotations

import zlib

_GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENDED = set("^{}\\[~]|€\f")

_GSM = frozenset(_GSM_BASIC | _GSM_EXTENDED)

GSM_SINGLE, GSM_PART = 160, 153  # septets
UCS2_SINGLE, UCS2_PART = 70, 67  # UTF-16 code units


def is_gsm(text: str) -> bool:
    """Can ``text`` be sent in the GSM 03.38 alphabet (basic table and extension)?"""
    return _GSM.issuperset(text)


def parts(text: str) -> int:
    """The number of SMS parts ``text`` is sent in (at least 1)."""
    if is_gsm(text):
        widths = [2 if ch in _GSM_EXTENDED else 1 for ch in text]
        single, part = GSM_SINGLE, GSM_PART
    else:
        widths = [2 if ord(ch) > 0xFFFF else 1 for ch in text]
        single, part = UCS2_SINGLE, UCS2_PART
    if sum(widths) <= single:
        return 1
    count, used = 1, 0
    for width in widths:
        if used + width > part:
            count, used = count + 1, 0
        used += width
    return count


def crc(text: str) -> int:
    """The message checksum of the history reply: CRC-32 of the UTF-8 text [ours]."""
    return zlib.crc32(text.encode("utf-8"))


BINARY_SINGLE, BINARY_PART = 140, 134  # octets: a whole SMS; a part after its 6-octet UDH


def binary_parts(octets: int) -> int:
    """The parts of a binary message of ``octets`` octets (at least 1)."""
    if octets <= BINARY_SINGLE:
        return 1
    return -(-octets // BINARY_PART)
