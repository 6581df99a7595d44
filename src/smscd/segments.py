"""How many SMS parts a text takes: GSM 03.38 (160/153) or UCS-2 (70/67)."""

from __future__ import annotations

import zlib

_GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENDED = set("^{}\\[~]|€\f")


def parts(text: str) -> int:
    """The number of SMS parts ``text`` is sent in (at least 1)."""
    if all(ch in _GSM_BASIC or ch in _GSM_EXTENDED for ch in text):
        units = len(text) + sum(1 for ch in text if ch in _GSM_EXTENDED)
        single, multi = 160, 153
    else:
        units = sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)  # UTF-16 code units
        single, multi = 70, 67
    if units <= single:
        return 1
    return -(-units // multi)


def crc(text: str) -> int:
    """The message checksum of the history reply: CRC-32 of the UTF-8 text [ours]."""
    return zlib.crc32(text.encode("utf-8"))
