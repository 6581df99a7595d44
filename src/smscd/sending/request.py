"""A send.php request read into what to send: the type, the recipients with their texts,
the id, the sender, when, and what the reply must say (sending.md, "send.php").

Everything here is validation of the request alone (no database): a malformed parameter is
error 1, an unreadable ``time`` error 5. Whether the numbers are valid and routable, the
sender registered and the money there is decided later (endpoint.py).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from smscd import segments
from smscd.errors import ParametersError
from smscd.formats import MessageFormat
from smscd.http.params import Params
from smscd.sending import recipients
from smscd.sending.translit import transliterate

MAX_TEXT = 1000  # characters of ``mes`` (sending.md)
MAX_INT_ID = 2_147_483_647
MAX_SUBJECT = 255  # characters of ``subj`` [ours]
_LINE_BREAKS = re.compile(r"[\x00-\x1f\x7f]+")
COMMENT_LINE = "~~~"  # a line of its own: what follows is a comment, never sent

# The message-type flags, in the order they are looked at, and the format each gives.
TYPE_FLAGS = (
    ("flash", MessageFormat.FLASH),
    ("push", MessageFormat.WAP_PUSH),
    ("hlr", MessageFormat.HLR),
    ("bin", MessageFormat.BINARY),
    ("ping", MessageFormat.PING),
    ("mms", MessageFormat.MMS),
    ("mail", MessageFormat.EMAIL),
    ("call", MessageFormat.CALL),
    ("viber", MessageFormat.VIBER),
    ("soc", MessageFormat.SOCIAL),
)
NO_TEXT = frozenset({MessageFormat.HLR, MessageFormat.PING})  # need no ``mes``
# The tariff channel (tariffs/pricing.py) a format is priced on; e-mail has its own price.
CHANNELS = {MessageFormat.HLR: "hlr", MessageFormat.MMS: "mms", MessageFormat.CALL: "call"}

_TEXT_ID = re.compile(r"[A-Za-z0-9._\-]{1,40}")
_HEX = re.compile(r"(?:[0-9A-Fa-f]{2})*")


@dataclass(frozen=True, slots=True)
class Item:
    """One recipient as written, and the text it gets."""

    written: str
    text: str
    comment: str


@dataclass(frozen=True)
class SendRequest:
    format: int
    items: list[Item]
    send_id: int | None  # the client's numeric id; None: the server gives one
    ref: str  # the client's textual id, or ''
    sender: str | None  # None: the account's default
    translit: int
    maxsms: int  # 0: no limit
    time: str
    tz: str
    valid: str
    period: str
    freq: str
    cost: int  # 0 send; 1 only the cost; 2 send + cost; 3 send + cost + balance
    op: bool  # every number in the reply
    err: bool  # the failed numbers in the reply
    tinyurl: bool  # links in the text replaced by short links that report a click
    subject: str = ""  # mail=1: the e-mail's subject (``subj``)

    @property
    def mail(self) -> bool:
        return self.format == MessageFormat.EMAIL

    @property
    def channel(self) -> str:
        return CHANNELS.get(MessageFormat(self.format), "api")

    def client_id(self) -> int | str | None:
        """The id the client gave (a number or a text), or None."""
        return self.ref or self.send_id


def message_format(flags: dict[str, str]) -> int:
    """The format the type flags (name -> value) ask for; SMS when none is set."""
    chosen = [(name, fmt) for name, fmt in TYPE_FLAGS if flags[name] not in ("", "0")]
    if len(chosen) > 1:
        raise ParametersError("more than one message type")
    if not chosen:
        return MessageFormat.SMS
    name, fmt = chosen[0]
    if name == "bin" and flags["bin"] == "2":
        return MessageFormat.BINARY_HEX
    if name == "bin" and flags["bin"] != "1":
        raise ParametersError("bin is 1 or 2")
    return fmt


def split_comment(text: str) -> tuple[str, str]:
    """``mes`` into the text to send and the comment after a ``~~~`` line [ours]."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.strip() == COMMENT_LINE:
            return "\n".join(lines[:i]).rstrip("\r\n"), "\n".join(lines[i + 1 :])
    return text, ""


def _subject(raw: str) -> str:
    """``subj`` as a header can carry it: control characters (a line break would start
    another header) become one space [ours]; longer than :data:`MAX_SUBJECT`: error 1."""
    subject = _LINE_BREAKS.sub(" ", raw).strip()
    if len(subject) > MAX_SUBJECT:
        raise ParametersError(f"subj is at most {MAX_SUBJECT} characters")
    return subject


def _client_id(params: Params) -> tuple[int | None, str]:
    raw = params.get("id")
    if raw in ("", "0"):
        return None, ""
    if raw.isdigit():
        value = int(raw)
        if not 1 <= value <= MAX_INT_ID:
            raise ParametersError("id out of range")
        return value, ""
    if not _TEXT_ID.fullmatch(raw):
        raise ParametersError("id is a number or up to 40 of A-Z a-z 0-9 . _ -")
    return None, raw


def _items(listed: str, phones: str, mes: str) -> list[Item]:
    if listed.strip():
        if phones:
            raise ParametersError("phones and list together")
        items = []
        for line in listed.replace("\r\n", "\n").split("\n"):
            if not line.strip():
                continue
            written, colon, text = line.partition(":")
            if not colon:
                raise ParametersError("a list line is phone:text")
            text, comment = split_comment(text)
            items.append(Item(written.strip(), text, comment))
        recipients.check_count(len(items))
        return items
    numbers = recipients.split(phones)
    recipients.check_count(len(numbers))
    text, comment = split_comment(mes)
    unique = list(dict.fromkeys(numbers))  # a number given twice is sent once [ours]
    return [Item(number, text, comment) for number in unique]


def read(params: Params) -> SendRequest:
    # Every parameter is read before any is refused (the published description checks
    # that an action reads what it declares), then validated in order.
    sender = params.values.get("sender")
    texts = {name: params.get(name) for name in ("time", "tz", "valid", "period", "freq")}
    op, err = params.flag("op"), params.flag("err")
    tinyurl = params.flag("tinyurl")
    subject = _subject(params.get("subj"))
    listed, phones = params.values.get("list", ""), params.get("phones")
    mes = params.values.get("mes", "")
    flags = {name: params.get(name) for name, _ in TYPE_FLAGS}
    translit = params.integer("translit", 0, 0, 2)
    maxsms = params.integer("maxsms", 0, 0, 255)
    cost = params.integer("cost", 0, 0, 3)
    send_id, ref = _client_id(params)
    format_ = message_format(flags)
    items = _items(listed, phones, mes)
    for item in items:
        if len(item.text) > MAX_TEXT:
            raise ParametersError("message longer than 1000 characters")
        if not item.text.strip() and format_ not in NO_TEXT:
            raise ParametersError("no message text")
        if format_ == MessageFormat.BINARY_HEX and not _HEX.fullmatch(item.text.strip()):
            raise ParametersError("bin=2 takes hex digits in pairs")
    return SendRequest(
        format=format_,
        items=items,
        send_id=send_id,
        ref=ref,
        sender=None if sender is None else sender.strip(),
        translit=translit,
        maxsms=maxsms,
        cost=cost,
        op=op,
        err=err,
        tinyurl=tinyurl,
        subject=subject if format_ == MessageFormat.EMAIL else "",
        **texts,
    )


def prepared_text(text: str, format_: int, translit: int, maxsms: int) -> tuple[str, int]:
    """The text as it is sent (transliterated, cut to ``maxsms`` parts) and its parts."""
    if format_ in NO_TEXT:
        return "", 1
    if format_ == MessageFormat.BINARY_HEX:
        return text.strip(), segments.binary_parts(len(text.strip()) // 2)
    if format_ == MessageFormat.BINARY:
        return text, segments.binary_parts(len(text.encode("utf-8")))
    text = transliterate(text, translit)
    parts = segments.parts(text)
    if maxsms and parts > maxsms:
        text = _cut(text, maxsms)
        parts = segments.parts(text)
    return text, parts


def _cut(text: str, maxsms: int) -> str:
    """The longest beginning of ``text`` that fits ``maxsms`` parts."""
    lo, hi = 0, len(text)
    while lo < hi:
        mid = math.ceil((lo + hi) / 2)
        if segments.parts(text[:mid]) <= maxsms:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo]
