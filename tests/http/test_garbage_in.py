"""Whatever the bytes, the reply is HTTP 200 with a valid reply or a documented error.

The full hostile-input campaign over every endpoint comes with the protection work; this
is its first line: generated query strings and bodies against get.php.
"""

from __future__ import annotations

import re
from urllib.parse import quote_from_bytes

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

DOCUMENTED_ERROR = re.compile(
    rb"ERROR = [12349] \([a-z ,]+\)|0,-[12349]|"
    rb"<result>\n<error>[a-z ,]+</error>\n<error_code>[12349]</error_code>\n</result>|"
    rb'\{"error": "[a-z ,]+", "error_code": [12349]\}'
)
NAMES = st.sampled_from(
    [
        "get_messages",
        "get_answers",
        "fmt",
        "charset",
        "cnt",
        "prev_id",
        "phone",
        "email",
        "format",
        "start",
        "end",
        "hour",
        "after_id",
        "to_phone",
        "login",
        "psw",
        "apikey",
        "x",
    ]
)
VALUES = st.one_of(
    st.binary(max_size=40),
    st.sampled_from(
        [
            b"1",
            b"0",
            b"3",
            b"-1",
            b"1000",
            b"10001",
            b"31.12.2026",
            b"99.99.9999",
            b"utf-8",
            b"koi8-r",
            b"%FF",
            b"\x00",
            b"' OR 1=1 --",
            b"<x>&amp;",
        ]
    ),
)
PAIRS = st.lists(st.tuples(NAMES, VALUES), max_size=8)


def _query(pairs: list[tuple[str, bytes]]) -> bytes:
    return b"&".join(
        name.encode() + b"=" + quote_from_bytes(value).encode() for name, value in pairs
    )


def _acceptable(body: bytes) -> bool:
    return (
        DOCUMENTED_ERROR.fullmatch(body) is not None
        or body in (b"", b"[]")
        or (
            body.startswith((b"<sms_answers>", b"<list>", b"[{", b"id = ", b"Status = "))
            or re.match(rb"[0-9]+,", body) is not None
        )
    )


GARBAGE = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@GARBAGE
@given(pairs=PAIRS, login=st.booleans())
def test_any_query_string_gets_a_reply_not_a_crash(client, make_account_once, pairs, login):
    account = make_account_once
    credentials = [("login", account.login.encode()), ("psw", account.password.encode())]
    query = _query((credentials if login else []) + pairs)
    reply = client.get("/sys/get.php?" + query.decode("ascii"))
    assert reply.status_code == 200
    assert _acceptable(reply.content), reply.content[:300]


@GARBAGE
@given(
    body=st.binary(max_size=300),
    content_type=st.sampled_from(
        [
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=xyz",
            "multipart/form-data",
            "application/json",
            "text/plain; charset=koi8-r",
            "",
        ]
    ),
)
def test_any_body_gets_a_reply_not_a_crash(client, body, content_type):
    reply = client.post("/sys/get.php", content=body, headers={"content-type": content_type})
    assert reply.status_code == 200
    assert _acceptable(reply.content), reply.content[:300]
