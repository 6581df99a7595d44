"""Reading a request body costs bounded work, and a body that ends early is error 1
(docs/protection.md, "Request size limits"): the body is read before authentication, so
anyone can send one."""

from __future__ import annotations

import logging

import pytest

from smscd.errors import ParametersError
from smscd.http import params

MULTIPART = "multipart/form-data; boundary=b"
LIMIT = 1000  # the default of SMSCD_MAX_PARAMS


def header_less_parts(count: int) -> bytes:
    """The outside probe's body: ``count`` parts without headers, 9 bytes each."""
    return b"--b\r\n\r\n\r\n" * count + b"--b--\r\n"


def form(count: int) -> bytes:
    return (
        b"".join(
            b'--b\r\nContent-Disposition: form-data; name="p%d"\r\n\r\nv\r\n' % n
            for n in range(count)
        )
        + b"--b--\r\n"
    )


def test_a_body_of_many_tiny_parts_is_error_1(client):
    reply = client.post(
        "/sys/get.php?fmt=1",
        content=header_less_parts(110_000),
        headers={"content-type": MULTIPART},
    )
    assert (reply.status_code, reply.text) == (200, "0,-1")


def test_the_multipart_parser_stops_at_the_limit(monkeypatch):
    seen = []
    part = params._part

    def counting(raw: bytes) -> tuple[bytes, bytes] | None:
        seen.append(raw)
        return part(raw)

    monkeypatch.setattr(params, "_part", counting)
    with pytest.raises(ParametersError):
        params.multipart_pairs(header_less_parts(110_000), MULTIPART, LIMIT)
    assert len(seen) == LIMIT  # the part past the limit is refused before it is parsed


def test_urlencoded_pairs_stop_at_the_limit():
    assert len(params.urlencoded_pairs(b"&".join([b"a=1"] * LIMIT), LIMIT)) == LIMIT
    with pytest.raises(ParametersError):
        params.urlencoded_pairs(b"&".join([b"a=1"] * (LIMIT + 1)), LIMIT)
    # Empty pairs are tolerated and cost nothing to skip: they do not count.
    assert params.urlencoded_pairs(b"&" * 100_000 + b"a=1", LIMIT) == [(b"a", b"1")]


@pytest.mark.parametrize("count,reply", [(LIMIT - 3, "0,-2"), (LIMIT - 2, "0,-1")])
def test_query_and_body_together_are_bounded(client, count, reply):
    # fmt and charset in the query are two pairs: the body may bring the rest.
    answer = client.post(
        "/sys/get.php?fmt=1&charset=utf-8",
        content=form(count + 1),
        headers={"content-type": MULTIPART},
    )
    assert answer.text == reply


def test_multipart_fields_are_read_like_the_email_parser_read_them():
    body = (
        b"preamble\r\n--b\r\n"
        b'Content-Disposition: form-data; name="login"\r\n\r\nalex\r\n'
        b"--b\r\n"
        b'content-disposition: form-data; filename="x.txt"; name=psw\r\n'
        b"Content-Type: text/plain\r\n\r\nline one\r\nline two\r\n"
        b"--b\r\n"
        b"Content-Type: text/plain\r\n\r\nno name: skipped\r\n"
        b"--b\r\n"
        b'Content-Disposition: form-data; name="q\\"uote"\r\n\r\n\xff\xfe\r\n'
        b"--b--\r\nepilogue"
    )
    assert params.multipart_pairs(body, MULTIPART, LIMIT) == [
        (b"login", b"alex"),
        (b"psw", b"line one\r\nline two"),
        (b'q"uote', b"\xff\xfe"),
    ]


def test_multipart_with_bare_line_feeds_and_a_quoted_boundary():
    body = b'--a b\nContent-Disposition: form-data; name="x"\n\n1\n--a b--\n'
    assert params.multipart_pairs(body, 'multipart/form-data; boundary="a b"', LIMIT) == [
        (b"x", b"1")
    ]


def test_a_client_that_hangs_up_mid_body_is_no_error_in_the_log(client, caplog):
    """Starlette raises ClientDisconnect; the server reports a malformed chunked body the
    same way (tests/test_hostile_server.py): error 1, logged without a traceback."""
    messages = iter(
        [
            {"type": "http.request", "body": b"get_messages=1&log", "more_body": True},
            {"type": "http.disconnect"},
        ]
    )
    sent: list[dict] = []

    async def receive() -> dict:
        return next(messages)

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/sys/get.php",
        "raw_path": b"/sys/get.php",
        "root_path": "",
        "query_string": b"fmt=1",
        "headers": [(b"content-type", b"application/x-www-form-urlencoded")],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    with caplog.at_level(logging.DEBUG):
        client.portal.call(client.app, scope, receive, send)
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert sent[-1]["body"] == b"0,-1"
