"""The three charsets of the API (compat.md, "Transport").

``charset`` decides how request parameters are decoded and how the reply is encoded.
Characters a charset cannot hold are written in the reply format's own escape where it has
one (XML character references, JSON ``\\uXXXX``) and as ``?`` in the text formats.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Charset:
    name: str  # as announced in Content-Type
    codec: str  # Python codec


WINDOWS_1251 = Charset("windows-1251", "cp1251")
UTF_8 = Charset("utf-8", "utf-8")
KOI8_R = Charset("koi8-r", "koi8_r")

DEFAULT = WINDOWS_1251

_BY_NAME = {
    "windows-1251": WINDOWS_1251,
    "cp1251": WINDOWS_1251,
    "utf-8": UTF_8,
    "utf8": UTF_8,
    "koi8-r": KOI8_R,
    "koi8_r": KOI8_R,
}


# Every name a request may give ``charset``: the three, then their aliases (the published
# description lists them in this order).
_CANONICAL = tuple(charset.name for charset in (WINDOWS_1251, UTF_8, KOI8_R))
NAMES = _CANONICAL + tuple(name for name in _BY_NAME if name not in _CANONICAL)


def lookup(name: str) -> Charset | None:
    """The charset a request names, case-insensitively, or None if it is not one of ours."""
    return _BY_NAME.get(name.strip().lower())


def _json_escape(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: write unencodable characters as JSON ``\\uXXXX`` escapes."""
    assert isinstance(error, UnicodeEncodeError)
    out = []
    for ch in error.object[error.start : error.end]:
        cp = ord(ch)
        if cp > 0xFFFF:
            cp -= 0x10000
            out.append(f"\\u{0xD800 + (cp >> 10):04x}\\u{0xDC00 + (cp & 0x3FF):04x}")
        else:
            out.append(f"\\u{cp:04x}")
    return "".join(out), error.end


codecs.register_error("smscd-json", _json_escape)

# Error handler per reply format: 0/1 text, 2 XML, 3 JSON.
ENCODE_ERRORS = {0: "replace", 1: "replace", 2: "xmlcharrefreplace", 3: "smscd-json"}
