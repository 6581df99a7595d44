"""The one rendering layer: records or an error into fmt 0, 1, 2 or 3, in a charset.

A :class:`Layout` names a record's fields in the four formats (each endpoint's ``layout.py``
defines one). :func:`render_records` and :func:`render_error` produce the body text;
:func:`encode` turns it into bytes in the request's charset. Decisions (compat.md,
"Transport"): records are ``\\n``-separated with no trailing newline; a line break inside a
value becomes a space in fmt 0/1; XML has no declaration line; JSON uses ``", "`` and
``": "`` separators and writes text unescaped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from smscd.errors import ApiError
from smscd.http.charsets import ENCODE_ERRORS, Charset

Value = str | int
Record = Mapping[str, Value]

CONTENT_TYPES = {0: "text/plain", 1: "text/plain", 2: "application/xml", 3: "application/json"}


@dataclass(frozen=True)
class Layout:
    """How one kind of record is written in each format.

    ``text``: (label, key) pairs of fmt 0; ``csv``: keys of fmt 1; ``fields``: keys of fmt 2
    and 3, in order; ``numbers``: keys written as JSON numbers; ``xml_list``/``xml_item``:
    the XML element around the list and around each record; ``xml_empty``: the whole XML body
    when there is no record.
    """

    text: tuple[tuple[str, str], ...]
    csv: tuple[str, ...]
    fields: tuple[str, ...]
    numbers: frozenset[str]
    xml_list: str
    xml_item: str
    csv_separators: Mapping[str, str] = field(default_factory=dict)

    @property
    def xml_empty(self) -> str:
        return f"<{self.xml_list}></{self.xml_list}>"


@dataclass(frozen=True, slots=True)
class Reply:
    """What a handler returns: records in a layout.

    ``single``: exactly one record, written without the list around it (fmt 2 the
    ``xml_item`` element alone, fmt 3 an object). ``custom``: a reply whose shape is not a
    list of records (get_price): a function of ``fmt`` that writes the body with this
    module's helpers (``one_line``, ``xml_text``, ``xml_attr``, ``json_text``).
    """

    layout: Layout
    records: Sequence[Record]
    single: bool = False
    custom: Callable[[int], str] | None = None


_LINE_BREAK = re.compile(r"\r\n|[\r\n]")
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def one_line(value: Value) -> str:
    """A value for fmt 0/1: line breaks become spaces (a record is one line)."""
    text = str(value)
    return _LINE_BREAK.sub(" ", text) if ("\n" in text or "\r" in text) else text


def xml_text(value: Value) -> str:
    """A value as XML character data."""
    text = str(value)
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return _XML_INVALID.sub("\ufffd", text)


def xml_attr(value: Value) -> str:
    """A value for a double-quoted XML attribute."""
    return xml_text(value).replace('"', "&quot;")


def json_text(value: Any) -> str:
    """JSON in the API's style: ``", "`` and ``": "`` separators, text unescaped."""
    return json.dumps(value, ensure_ascii=False)


def render(reply: Reply, fmt: int) -> str:
    """The body of a handler's reply in ``fmt``."""
    if reply.custom is not None:
        return reply.custom(fmt)
    if reply.single and fmt in (2, 3):
        [record] = reply.records
        layout = reply.layout
        if fmt == 3:
            return json_text({key: record[key] for key in layout.fields})
        item = layout.xml_item
        fields = "".join(f"<{key}>{xml_text(record[key])}</{key}>\n" for key in layout.fields)
        return f"<{item}>\n{fields}</{item}>"
    return render_records(reply.layout, reply.records, fmt)


def render_records(layout: Layout, records: Sequence[Record], fmt: int) -> str:
    """The body listing ``records`` in ``fmt``."""
    if fmt == 0:
        return "\n".join(
            ", ".join(f"{label} = {one_line(record[key])}" for label, key in layout.text)
            for record in records
        )
    if fmt == 1:
        seps = layout.csv_separators
        return "\n".join(
            "".join(
                (seps.get(key, ",") if i else "") + one_line(record[key])
                for i, key in enumerate(layout.csv)
            )
            for record in records
        )
    if fmt == 2:
        if not records:
            return layout.xml_empty
        item = layout.xml_item
        body = "\n".join(
            f"<{item}>\n"
            + "".join(f"<{key}>{xml_text(record[key])}</{key}>\n" for key in layout.fields)
            + f"</{item}>"
            for record in records
        )
        return f"<{layout.xml_list}>\n{body}\n</{layout.xml_list}>"
    if records and tuple(records[0]) == layout.fields:
        # Records built in the layout's order (history's are) go to the encoder as they are:
        # copying 100 dicts was about 8 % of a history request (docs/performance.md).
        return json_text(records)
    return json_text([{key: record[key] for key in layout.fields} for record in records])


def render_error(error: ApiError, fmt: int) -> str:
    """The body of ``error`` in ``fmt`` (the reference's error layouts); an error about one
    send carries its id (sending.md): ``ERROR = 7 (invalid number), ID - 541``,
    ``541,-7``, ``<id>541</id>``, ``"id": 541``."""
    send_id = error.send_id
    if fmt == 1:
        return f"{0 if send_id is None else one_line(send_id)},-{error.code}"
    if fmt == 2:
        sent = "" if send_id is None else f"<id>{xml_text(send_id)}</id>\n"
        return (
            f"<result>\n<error>{xml_text(error.text)}</error>\n"
            f"<error_code>{error.code}</error_code>\n{sent}</result>"
        )
    if fmt == 3:
        body: dict[str, Value] = {"error": error.text, "error_code": error.code}
        if send_id is not None:
            body["id"] = send_id
        return json_text(body)
    if send_id is not None:
        return f"ERROR = {error.code} ({error.text}), ID - {one_line(send_id)}"
    return f"ERROR = {error.code} ({error.text})"


def encode(body: str, fmt: int, charset: Charset) -> bytes:
    """``body`` in ``charset``, unencodable characters escaped as the format allows."""
    return body.encode(charset.codec, ENCODE_ERRORS[fmt])


def content_type(fmt: int, charset: Charset) -> str:
    return f"{CONTENT_TYPES[fmt]}; charset={charset.name}"
