"""Request parameters: query string and body merged, decoded in the request's charset.

compat.md, "Transport": GET query and POST body (urlencoded or multipart) take the same
parameters and are merged, the body winning; empty pairs are tolerated; ``charset`` decides
how the bytes are decoded. Repeated names: the last one wins, as PHP does.
"""

from __future__ import annotations

import email.parser
import email.policy
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

from smscd.errors import ParametersError
from smscd.http import charsets
from smscd.http.charsets import Charset

Pairs = list[tuple[bytes, bytes]]


def urlencoded_pairs(raw: bytes) -> Pairs:
    """Split ``a=1&b=2`` into undecoded (name, value) byte pairs."""
    pairs = []
    for chunk in raw.split(b"&"):
        if not chunk:
            continue
        name, _, value = chunk.partition(b"=")
        pairs.append(
            (
                unquote_to_bytes(name.replace(b"+", b" ")),
                unquote_to_bytes(value.replace(b"+", b" ")),
            )
        )
    return pairs


def multipart_pairs(body: bytes, content_type: str) -> Pairs:
    """The form fields of a ``multipart/form-data`` body, undecoded."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    if not message.is_multipart():
        raise ParametersError("multipart body without parts")
    pairs = []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        pairs.append(
            (
                name.encode("utf-8", "surrogateescape"),
                payload if isinstance(payload, bytes) else b"",
            )
        )
    return pairs


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
    """Decode every pair in ``charset``; invalid bytes or NUL characters are error 1."""
    values: dict[str, str] = {}
    for raw_name, raw_value in pairs:
        try:
            name = raw_name.decode(charset.codec)
            value = raw_value.decode(charset.codec)
        except UnicodeDecodeError as exc:
            raise ParametersError(f"bytes invalid in {charset.name}") from exc
        if "\x00" in name or "\x00" in value:
            raise ParametersError("NUL in a parameter")
        values[name] = value
    return values
