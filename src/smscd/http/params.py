"""Request parameters: query string and body merged, decoded in the request's charset.

compat.md, "Transport": GET query and POST body (urlencoded or multipart) take the same
parameters and are merged, the body winning; empty pairs are tolerated; ``charset`` decides
how the bytes are decoded. Repeated names: the last one wins, as PHP does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

from smscd.errors import ParametersError
from smscd.http import charsets
from smscd.http.charsets import Charset

Pairs = list[tuple[bytes, bytes]]


# A body is read before authentication, so anyone can make the server parse one: the work
# is bounded by the body's size (SMSCD_MAX_BODY_BYTES) and its number of parameters
# (SMSCD_MAX_PARAMS), and each step is a scan in C (bytes.find, a regex), never a parser
# that builds objects per line. email.parser took 6 s for 110,000 empty parts (770 KB).
_PAIR = re.compile(rb"[^&]+")


def too_many(limit: int) -> ParametersError:
    return ParametersError(f"more than {limit} parameters")


def urlencoded_pairs(raw: bytes, limit: int) -> Pairs:
    """Split ``a=1&b=2`` into undecoded (name, value) byte pairs, at most ``limit`` of them
    (error 1 past it). Empty pairs (``a=1&&b=2``) are skipped and do not count."""
    pairs: Pairs = []
    for match in _PAIR.finditer(raw):
        if len(pairs) == limit:
            raise too_many(limit)
        name, _, value = match[0].partition(b"=")
        pairs.append(
            (
                unquote_to_bytes(name.replace(b"+", b" ")),
                unquote_to_bytes(value.replace(b"+", b" ")),
            )
        )
    return pairs


_BOUNDARY = re.compile(r';\s*boundary\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))', re.IGNORECASE)
_NAME = re.compile(rb'(?:^|;)\s*name\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))', re.IGNORECASE)
_ESCAPED = re.compile(rb"\\(.)", re.DOTALL)
_HEADERS_END = re.compile(rb"\r?\n\r?\n")
_DISPOSITION = b"content-disposition:"


def multipart_pairs(body: bytes, content_type: str, limit: int) -> Pairs:
    """The form fields of a ``multipart/form-data`` body, undecoded: at most ``limit`` parts
    (error 1 past it; a part without a name counts and is skipped).

    RFC 2046/7578 as browsers and client libraries write it; lines may end in CRLF or LF;
    a preamble, an epilogue and a missing close delimiter are tolerated (as the standard
    library's email parser, used before, tolerated them). Content-Transfer-Encoding is not
    applied (RFC 7578 deprecates it; no client sends it).
    """
    found = _BOUNDARY.search(content_type)
    if found is None:
        raise ParametersError("multipart body without a boundary")
    quoted, plain = found.groups()
    boundary = _ESCAPED.sub(rb"\1", quoted.encode("latin-1")) if quoted else plain.encode("latin-1")
    delimiter = b"\n--" + boundary
    text = b"\n" + body  # the first delimiter may open the body: give it its line break
    pairs: Pairs = []
    count, start, search = 0, -1, 0
    while (at := text.find(delimiter, search)) >= 0:
        after = at + len(delimiter)
        closing = text.startswith(b"--", after)
        line_end = text.find(b"\n", after)
        rest = text[after + 2 * closing : line_end if line_end >= 0 else len(text)]
        if rest.strip(b" \t\r"):
            search = after  # "--b" followed by more: another string, not this boundary
            continue
        if start >= 0:
            count += 1
            if count > limit:
                raise too_many(limit)
            pair = _part(text[start:at])
            if pair is not None:
                pairs.append(pair)
        if closing or line_end < 0:
            return pairs
        start = search = line_end + 1
    if start < 0:
        raise ParametersError("multipart body without parts")
    if count == limit:
        raise too_many(limit)
    pair = _part(text[start:])  # no close delimiter: the last part runs to the end
    return [*pairs, pair] if pair is not None else pairs


def _part(raw: bytes) -> tuple[bytes, bytes] | None:
    """(name, content) of one part, or None when its headers name no field."""
    end = _HEADERS_END.search(raw)
    if end is None or raw.startswith((b"\r\n", b"\n")):
        return None  # no headers, or no line between them and the content
    content = raw[end.end() :]
    content = content.removesuffix(b"\r")  # the line break before the next delimiter
    for line in raw[: end.start()].split(b"\n"):
        if line[: len(_DISPOSITION)].lower() == _DISPOSITION:
            found = _NAME.search(line, len(_DISPOSITION))
            if found is None:
                return None
            quoted, plain = found.groups()
            name = _ESCAPED.sub(rb"\1", quoted) if quoted is not None else plain
            return name, content
    return None


@dataclass(frozen=True, slots=True)
class Params:
    """Decoded parameters of one request, and the reply format and charset they ask for."""

    values: Mapping[str, str]
    fmt: int
    charset: Charset

    def get(self, name: str) -> str:
        """The value of ``name``, stripped; empty when absent."""
        return self.values.get(name, "").strip()

    def flag(self, name: str) -> bool:
        """A PHP-style flag: present with a value other than empty or ``0``."""
        return self.get(name) not in ("", "0")

    def integer(self, name: str, default: int, lo: int, hi: int) -> int:
        """A whole number in [lo, hi]; ``default`` when absent or empty; error 1 otherwise."""
        raw = self.get(name)
        if raw == "":
            return default
        if not _INTEGER.fullmatch(raw):
            raise ParametersError(f"{name} is not a whole number")
        value = int(raw)
        if not lo <= value <= hi:
            raise ParametersError(f"{name} out of range")
        return value

    def listed(self, name: str, alias: str = "") -> list[str]:
        """A comma-separated list (also ``;``), without empty items. ``alias``: another name
        of the parameter, read only when ``name`` is empty or absent (``name`` wins)."""
        text = self.get(name) or (self.get(alias) if alias else "")
        return [item.strip() for item in _LIST_SEP.split(text) if item.strip()]


_INTEGER = re.compile(r"-?[0-9]{1,18}")
_LIST_SEP = re.compile(r"[,;]")
FORMATS = (0, 1, 2, 3)  # fmt: 0 text, 1 comma-separated, 2 XML, 3 JSON
_FMT = {"": 0, **{str(fmt): fmt for fmt in FORMATS}}


def _last(pairs: Iterable[tuple[bytes, bytes]], name: bytes) -> bytes | None:
    """The value of the last pair named ``name`` (the one that wins), or None."""
    found = None
    for pair_name, value in pairs:
        if pair_name == name:
            found = value
    return found


def charset_of(pairs: Iterable[tuple[bytes, bytes]]) -> Charset | None:
    """The charset the request names (the last ``charset`` wins, docs/api.md); None when
    that one is unknown."""
    value = _last(pairs, b"charset")
    return charsets.DEFAULT if value is None else charsets.lookup(value.decode("latin-1"))


def fmt_of(pairs: Iterable[tuple[bytes, bytes]]) -> int | None:
    """The reply format the request asks for (the last ``fmt`` wins); None when that one is
    not 0-3."""
    value = _last(pairs, b"fmt")
    return 0 if value is None else _FMT.get(value.decode("latin-1").strip())


def decode(pairs: Pairs, charset: Charset) -> dict[str, str]:
    """Decode every pair in ``charset``; invalid bytes or NUL characters are error 1.

    compat.md, "Transport" [ours]: in windows-1251 (declared, or by default), a name or value
    whose bytes are valid UTF-8 with a multi-byte sequence is read as UTF-8, since clients
    send UTF-8 without saying so (Python's ``quote()`` always does). Russian text in
    windows-1251 is practically never valid UTF-8: its letters (0xC0-0xFF) are UTF-8 lead
    bytes, or no valid byte at all, and a lead byte needs 0x80-0xBF next, which only ё, Ё
    and punctuation such as « » № — are. So "Рё" in windows-1251 (D0 B8) reads as "и"; text
    with a lowercase letter other than ё never does (tests/http/test_params.py).
    """
    guess = charset == charsets.WINDOWS_1251
    values: dict[str, str] = {}
    for raw_name, raw_value in pairs:
        try:
            name = _text(raw_name, charset, guess)
            value = _text(raw_value, charset, guess)
        except UnicodeDecodeError as exc:
            raise ParametersError(f"bytes invalid in {charset.name}") from exc
        if "\x00" in name or "\x00" in value:
            raise ParametersError("NUL in a parameter")
        values[name] = value
    return values


def _text(raw: bytes, charset: Charset, guess_utf_8: bool) -> str:
    if guess_utf_8 and not raw.isascii():
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            pass
    return raw.decode(charset.codec)
