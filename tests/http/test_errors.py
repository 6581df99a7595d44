"""One error shape, every error, every format (reference: "If an error occurs")."""

from __future__ import annotations

import pytest

from smscd import errors
from smscd.db.postgres import PostgresDatabase
from smscd.db.sqlite import SqliteDatabase
from smscd.http.replies import render_error
from tests.api import call

EVERY_ERROR = [
    (errors.ParametersError(), 1, "parameters error"),
    (errors.AuthorisationError(), 2, "authorise error"),
    (errors.NotFoundError("message"), 3, "message not found"),
    (errors.NotFoundError("operator"), 3, "operator not found"),
    (errors.NotFoundError("link"), 3, "link not found"),
    (errors.IpBlockedError(), 4, "ip is blocked"),
    (errors.DuplicateRequestError(), 9, "duplicate request, wait a minute"),
    (errors.TooManyConcurrentError(), 9, "too many concurrent requests"),
    (errors.ServiceUnavailableError(), 9, "service unavailable, try again later"),
]


@pytest.mark.parametrize("error,code,text", EVERY_ERROR)
def test_every_error_in_every_format(error, code, text):
    assert render_error(error, 0) == f"ERROR = {code} ({text})"
    assert render_error(error, 1) == f"0,-{code}"
    assert render_error(error, 2) == (
        f"<result>\n<error>{text}</error>\n<error_code>{code}</error_code>\n</result>"
    )
    assert render_error(error, 3) == f'{{"error": "{text}", "error_code": {code}}}'


@pytest.mark.parametrize(
    "fmt,body",
    [
        (0, "ERROR = 3 (message not found)"),
        (1, "0,-3"),
        (2, "<result>\n<error>message not found</error>\n<error_code>3</error_code>\n</result>"),
        (3, '{"error": "message not found", "error_code": 3}'),
    ],
)
def test_empty_history_is_error_3_in_the_requested_format(client, make_account, fmt, body):
    assert call(client, make_account(), get_messages=1, fmt=fmt) == body


@pytest.mark.parametrize("fmt", [0, 1, 2, 3])
def test_wrong_password_is_error_2_in_the_requested_format(client, make_account, fmt):
    account = make_account()
    body = call(client, account, get_messages=1, psw="wrong", fmt=fmt)
    assert body == render_error(errors.AuthorisationError(), fmt)


def test_a_failing_database_is_error_9_not_a_500(client, backend, make_account, monkeypatch):
    account = make_account()

    async def unreachable(*_args):
        raise ConnectionError("database gone")

    gateway = SqliteDatabase if backend.name == "sqlite" else PostgresDatabase
    monkeypatch.setattr(gateway, "fetch_all", unreachable)
    body = call(client, account, get_messages=1, fmt=3)
    assert body == '{"error": "service unavailable, try again later", "error_code": 9}'
