"""The hostile-input campaign's two halves: requests generated from the actions' own parameter
declarations (http/contract.py), and the oracle that judges any reply.

A request is raw bytes: a method, a query string and perhaps a body, with random and boundary
values for every declared parameter, unknown and repeated parameters, invalid dates, bytes that
are invalid in the declared charset, SQL and XML metacharacters, NUL bytes, long values, odd
content types. The oracle accepts exactly: HTTP 200, and in the requested format and charset
either a documented error or a reply of the action's shape; never "service unavailable"
(what an unexpected exception becomes) and never a traceback.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_from_bytes

import jsonschema
from hypothesis import strategies as st

from smscd import errors
from smscd.app import API
from smscd.http import charsets, params
from smscd.http.contract import Parameter
from smscd.http.endpoint import Action
from smscd.http.replies import CONTENT_TYPES

DOCUMENTED = {
    (cls.code, cls.text)
    for cls in (
        errors.ParametersError,
        errors.AuthorisationError,
        errors.IpBlockedError,
        errors.DuplicateRequestError,
        errors.TooManyConcurrentError,
        errors.NoMoneyError,
        errors.InvalidTimeError,
        errors.DeleteError,
        errors.MessageDeniedError,
        errors.InvalidNumberError,
        errors.CannotDeliverError,
    )
} | {(3, f"{what} not found") for what in ("message", "operator", "link")}
UNEXPECTED = errors.ServiceUnavailableError.text

# The outermost XML element and the start of a fmt 0 record of each action's replies.
XML_ROOTS = {
    "get_messages": {"list"},
    "get_answers": {"sms_answers"},
    "get_stat": {"list"},
    "get_price": {"price"},
    "get_operator": {"info", "list"},
    "tinyurls get": {"result"},
    "tinyurls add": {"result"},
    "send": {"result"},
    "send_cost": {"result"},
    "status": {"sms", "result"},
    "status_list": {"list", "result"},
    "balance": {"result"},
}
TEXT_STARTS = {
    "get_messages": ("Status = ",),
    "get_answers": ("id = ",),
    "get_stat": ("login = ",),
    "get_price": ("zone = ", "mccmnc = ", "mail = "),
    "get_operator": ("country = ", "phone = "),
    "tinyurls get": ("id = ",),
    "tinyurls add": ("id = ",),
    "send": ("OK - ",),
    "send_cost": tuple("0123456789"),
    "status": ("Status = ", "OK"),
    "status_list": ("Status = ", "OK"),
    "balance": (*"0123456789", "-"),
}
EMPTY_ALLOWED = {"get_answers", "get_price"}  # an empty list is a reply (fmt 0/1: no lines)

HOSTILE_TEXT = [
    "' OR '1'='1",
    "1; DROP TABLE messages; --",
    "1 UNION SELECT password_hash FROM accounts",
    '"><script>alert(1)</script>',
    "<![CDATA[x]]>",
    "&amp;&#0;&#x1F600;",
    "a\x00b",
    "\x00",
    "%00",
    "\u202e\ufeff",
    "😀" * 20,
    "Привет, мир",
    "\r\n\r\nHTTP/1.1 200 OK",
    "${jndi:ldap://x/a}",
    "../../../etc/passwd",
    "A" * 3000,
    " ",
    "",
]
ODD_NUMBERS = ["", " ", "1.5", "1e3", "0x10", "+5", " 7 ", "٣", "1,2", "NaN", "-0", "00001"]
BAD_DATES = [
    "31.02.2026", "29.02.2025", "00.01.2026", "01.13.2026", "32.01.2026", "1.1.1",
    "2026-01-01", "01/01/2026", "99.99.9999", "01.01.0000", "01.01.10000", "01.01.1969",
    "01.01.2300", ".", "..", "01..2026",
]  # fmt: skip
CHARSET_NAMES = ["windows-1251", "utf-8", "koi8-r", "UTF8", "Cp1251", "koi8_r", "latin-1", ""]
FMTS = ["0", "1", "2", "3", "3", "3", "", "4", "-1", "json", "03"]
METHODS = ["GET", "GET", "GET", "POST", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "FOO"]
CONTENT_TYPES_SENT = [
    "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded; charset=utf-8",
    "multipart/form-data",
    "application/json",
    "text/plain",
    "text/xml",
    "",
]


def _integers(parameter: Parameter) -> st.SearchStrategy[str]:
    lo, hi = parameter.minimum or 0, parameter.maximum or 0
    edges = [lo - 1, lo, lo + 1, hi - 1, hi, hi + 1, -1, 0, 2**63, -(2**63) - 1, 10**30]
    return st.one_of(
        st.integers(lo, hi).map(str),
        st.sampled_from(edges).map(str),
        st.sampled_from(ODD_NUMBERS),
    )


def _dates() -> st.SearchStrategy[str]:
    return st.one_of(
        st.dates().map(lambda d: f"{d.day:02d}.{d.month:02d}.{d.year:04d}"),
        st.sampled_from(BAD_DATES),
    )


PHONES = st.one_of(
    st.from_regex(r"7[0-9]{10}", fullmatch=True),
    st.from_regex(r"\+?[1-9][0-9]{6,14}", fullmatch=True),
    st.sampled_from(["+7 (916) 123-45-67", "8 916 123 45 67", "12", "abc", "7" * 40, "+", "-"]),
)
EMAILS = st.one_of(st.emails().map(str), st.sampled_from(["@", "a@", "@b", "a@b@c"]))


def _lists(parameter: Parameter) -> st.SearchStrategy[str]:
    item = EMAILS if parameter.name == "email" else PHONES
    most = parameter.maximum or 10
    return st.one_of(
        st.lists(item, min_size=1, max_size=4).map(",".join),
        st.lists(item, min_size=1, max_size=3).map(";".join),
        st.builds(lambda p: ",".join([p] * (most + 1)), item),
        st.sampled_from([",", ",,,", " , ;"]),
    )


def value_of(parameter: Parameter) -> st.SearchStrategy[str]:
    """Values for one declared parameter: typical, boundary and hostile."""
    by_kind: dict[str, st.SearchStrategy[str]] = {
        "integer": _integers(parameter),
        "date": _dates(),
        "flag": st.sampled_from(["0", "1", "", "2", "yes", "-1"]),
        "choice": st.sampled_from([*parameter.choices, "9", "", "x"]),
        "list": _lists(parameter),
        "string": st.one_of(st.text(max_size=60), st.from_regex(r"https?://[a-z.]{1,20}/\S{0,20}")),
    }
    return st.one_of(by_kind[parameter.kind], st.sampled_from(HOSTILE_TEXT))


# A parameter value as the client sends it: text in some charset, or raw bytes.
RawValue = bytes


def encoded(text: st.SearchStrategy[str]) -> st.SearchStrategy[RawValue]:
    """Text as the bytes of one of the charsets (characters it lacks become ?), or raw
    bytes: invalid UTF-8, bytes undefined in windows-1251 (0x98), NUL."""
    return st.one_of(
        st.tuples(text, st.sampled_from(["utf-8", "cp1251", "koi8_r"])).map(
            lambda pair: pair[0].encode(pair[1], "replace")
        ),
        st.binary(max_size=24),
        st.sampled_from([b"\xff\xfe", b"\x98", b"\xc3\x28", b"\xed\xa0\x80", b"\x00"]),
    )


@dataclass(frozen=True)
class Hostile:
    """One generated request."""

    path: str
    method: str
    query: list[tuple[bytes, bytes]]
    body: list[tuple[bytes, bytes]]
    content_type: str
    multipart: bool

    def query_string(self) -> str:
        return urlencode_bytes(self.query)

    def body_bytes(self) -> bytes:
        if self.multipart:
            return multipart(self.body)
        return urlencode_bytes(self.body).encode("ascii")

    def headers(self) -> dict[str, str]:
        if self.multipart:
            return {"content-type": f"multipart/form-data; boundary={BOUNDARY}"}
        return {"content-type": self.content_type} if self.content_type else {}

    def sent_body(self) -> bool:
        return self.method == "POST" and bool(self.body)


BOUNDARY = "smscd-campaign-boundary"


def urlencode_bytes(pairs: list[tuple[bytes, bytes]]) -> str:
    return "&".join(f"{quote_from_bytes(n)}={quote_from_bytes(v)}" for n, v in pairs)


def multipart(pairs: list[tuple[bytes, bytes]]) -> bytes:
    parts = []
    for name, value in pairs:
        safe = name.replace(b'"', b"").replace(b"\r", b"").replace(b"\n", b"")
        parts.append(
            b"--" + BOUNDARY.encode() + b'\r\nContent-Disposition: form-data; name="' + safe
            + b'"\r\n\r\n' + value + b"\r\n"
        )  # fmt: skip
    return b"".join(parts) + b"--" + BOUNDARY.encode() + b"--\r\n"


def credentials(login: str, password: str, key: str) -> st.SearchStrategy[list[tuple[str, str]]]:
    return st.sampled_from(
        [
            [("login", login), ("psw", password)],
            [("login", login), ("psw", password)],
            [("apikey", key)],
            [("login", ""), ("psw", key)],
            [("login", login), ("psw", "wrong")],
            [],
        ]
    )


@st.composite
def requests(
    draw: st.DrawFn, path: str, action: Action, login: str, password: str, key: str
) -> Hostile:
    """A request to ``action`` at ``path``: mostly well-aimed, always a little hostile."""
    pairs: list[tuple[bytes, bytes]] = []
    for name, value in draw(credentials(login, password, key)):
        pairs.append((name.encode(), value.encode()))
    flag_value = draw(st.sampled_from([b"1", b"1", b"1", b"yes", b"0", b""]))
    pairs.append((action.flag.encode(), flag_value))
    chosen = (
        draw(st.lists(st.sampled_from(action.parameters), unique=True)) if action.parameters else []
    )
    for parameter in chosen:
        pairs.append((parameter.name.encode(), draw(encoded(value_of(parameter)))))
    pairs.append((b"fmt", draw(st.sampled_from(FMTS)).encode()))
    if draw(st.booleans()):
        pairs.append((b"charset", draw(st.sampled_from(CHARSET_NAMES)).encode()))
    for _ in range(draw(st.integers(0, 2))):  # unknown parameters
        name = draw(st.sampled_from([b"x", b"get_messages", b"login[]", b"", b"a b", b"\xff"]))
        pairs.append((name, draw(encoded(st.sampled_from(HOSTILE_TEXT)))))
    if pairs and draw(st.booleans()):  # a parameter repeated with another value
        name, _ = draw(st.sampled_from(pairs))
        pairs.append((name, draw(encoded(st.sampled_from(HOSTILE_TEXT)))))
    pairs = draw(st.permutations(pairs))
    method = draw(st.sampled_from(METHODS))
    split = draw(st.integers(0, len(pairs))) if method == "POST" else len(pairs)
    return Hostile(
        path=path,
        method=method,
        query=pairs[:split],
        body=pairs[split:],
        content_type=draw(st.sampled_from(CONTENT_TYPES_SENT)),
        multipart=draw(st.booleans()),
    )


# --- the oracle --------------------------------------------------------------------------------


def expected_formats(request: Hostile) -> set[tuple[int, str]]:
    """(fmt, charset name) the reply may be written in, as http/endpoint.py decides: what the
    query asks for (when the body cannot be read), else what query and body together ask for
    (the last value of each wins; an unknown fmt is written as 0, an unknown charset as
    windows-1251)."""

    def fmt(pairs: list[tuple[bytes, bytes]]) -> int:
        return params.fmt_of(pairs) or 0

    def charset(pairs: list[tuple[bytes, bytes]]) -> str:
        return (params.charset_of(pairs) or charsets.DEFAULT).name

    query, merged = request.query, request.query + (request.body if request.sent_body() else [])
    return {(fmt(query), charset(query)), (fmt(merged), charset(merged))}


def chosen_action(request: Hostile) -> str | None:
    """The action the request selects (the first flag set, in the path's order)."""
    pairs = request.query + (request.body if request.sent_body() else [])
    values: dict[bytes, bytes] = {}
    for name, value in pairs:
        values[name] = value
    chosen = params.Params(
        {name.decode("latin-1"): value.decode("latin-1") for name, value in values.items()},
        0,
        charsets.DEFAULT,
    )
    for action in API[request.path]:
        if action.chosen_by(chosen):
            return action.name
    return None


# send.php's errors about one send carry its id (sending.md).
ERROR_TEXT = re.compile(r"ERROR = (\d) \((.*?)\)(?:, ID - [^\n]+)?")
CSV_ERROR = re.compile(r"[^\n]*,-(\d)")


class Verdict(AssertionError):
    pass


def judge(request: Hostile, status: int, content_type: str, body: bytes) -> None:
    """Raise :class:`Verdict` unless the reply is one the API may give to ``request``."""
    if status != 200:
        raise Verdict(f"HTTP {status}")
    media, _, charset = content_type.partition("; charset=")
    formats = expected_formats(request)
    # fmt 0 and 1 are both text/plain: the body must be right for one of them.
    fmts = [f for f, name in sorted(formats) if name == charset and CONTENT_TYPES[f] == media]
    if not fmts:
        raise Verdict(f"content type {content_type!r}, expected one of {sorted(formats)}")
    text = body.decode(charsets.lookup(charset).codec)  # type: ignore[union-attr]
    if "Traceback" in text or UNEXPECTED in text:
        raise Verdict(f"an unexpected failure: {text[:300]!r}")
    action = chosen_action(request)
    verdicts = []
    for fmt in fmts:
        try:
            JUDGES[fmt](text, action)
            return
        except Verdict as verdict:
            verdicts.append(verdict)
    raise verdicts[0]


def _judge_csv(text: str, action: str | None) -> None:
    if (error := CSV_ERROR.fullmatch(text)) is not None:
        if int(error[1]) not in {c for c, _ in DOCUMENTED}:
            raise Verdict(f"undocumented error {text!r}")
    elif action is None or (not text and action not in EMPTY_ALLOWED):
        raise Verdict(f"a reply for no action: {text[:200]!r}")


def _judge_text(text: str, action: str | None) -> None:
    if text.startswith("ERROR"):
        match = ERROR_TEXT.fullmatch(text)
        if match is None or (int(match[1]), match[2]) not in DOCUMENTED:
            raise Verdict(f"undocumented error {text!r}")
    elif action is None or (not text and action not in EMPTY_ALLOWED):
        raise Verdict(f"a reply for no action: {text[:200]!r}")
    elif text and not text.startswith(TEXT_STARTS[action]):
        raise Verdict(f"not a {action} reply: {text[:200]!r}")


def _schema(action: str) -> dict[str, Any]:
    return dict(next(a.reply for actions in API.values() for a in actions if a.name == action))


def _judge_json(text: str, action: str | None) -> None:
    try:
        reply = json.loads(text)
    except ValueError as error:
        raise Verdict(f"not JSON: {text[:200]!r}") from error
    if isinstance(reply, dict) and "error" in reply:
        if (reply.get("error_code"), reply.get("error")) not in DOCUMENTED or len(
            {k: v for k, v in reply.items() if k != "id"}
        ) != 2:
            raise Verdict(f"undocumented error {reply!r}")
        return
    if action is None:
        raise Verdict(f"a reply for no action: {text[:200]!r}")
    try:
        jsonschema.validate(reply, _schema(action))
    except jsonschema.ValidationError as error:
        raise Verdict(f"not a {action} reply: {error.message}") from error


def _judge_xml(text: str, action: str | None) -> None:
    try:
        root = ET.fromstring(text)  # noqa: S314 -- our own server's reply, in a test
    except ET.ParseError as error:
        raise Verdict(f"not XML: {text[:200]!r}") from error
    if root.tag == "result" and root.find("error_code") is not None:
        pair = (int(root.findtext("error_code", "0")), root.findtext("error"))
        if pair not in DOCUMENTED:
            raise Verdict(f"undocumented error {text!r}")
        return
    if action is None or root.tag not in XML_ROOTS[action]:
        raise Verdict(f"not a {action} reply: {text[:200]!r}")


JUDGES = {0: _judge_text, 1: _judge_csv, 2: _judge_xml, 3: _judge_json}
