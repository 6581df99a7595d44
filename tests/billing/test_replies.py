"""Golden replies of get_stat: the exact bytes of each format in each charset.

Layouts from the reference ("Getting statistics"): fmt 3 writes every value as a string.
"""

from __future__ import annotations

import pytest

from tests.api import call
from tests.billing.helpers import NOW, add_charges, add_payment, charge

CONTENT_TYPES = {0: "text/plain", 1: "text/plain", 2: "application/xml", 3: "application/json"}


@pytest.fixture
def golden(backend, make_account):
    """A parent with a month's activity and a quiet sub-client with a Cyrillic login."""
    parent = make_account()
    child = make_account(prefix="клиент", parent=parent.login)
    add_charges(
        backend.engine,
        [
            charge(parent.id, NOW - 7200, amount=288, sms_cnt=2),
            charge(parent.id, NOW - 3600, amount=144),
            charge(parent.id, NOW - 60, amount=56, mail=True),
        ],
    )
    add_payment(backend.engine, parent.id, 100_000, NOW - 86400)
    return parent, child


def expected(fmt: int, parent: str, child: str) -> str:
    if fmt == 0:
        return (
            f"login = {parent}, sms = 3, credit = 4.88, debit = 1000.00, currency = RUB\n"
            f"login = {child}, sms = 0, credit = 0.00, debit = 0.00, currency = RUB"
        )
    if fmt == 1:
        return f"{parent},3,4.88,1000.00,RUB\n{child},0,0.00,0.00,RUB"
    if fmt == 2:
        return (
            f"<list>\n<stat>\n<login>{parent}</login>\n<sms>3</sms>\n<credit>4.88</credit>\n"
            "<debit>1000.00</debit>\n<currency>RUB</currency>\n</stat>\n"
            f"<stat>\n<login>{child}</login>\n<sms>0</sms>\n<credit>0.00</credit>\n"
            "<debit>0.00</debit>\n<currency>RUB</currency>\n</stat>\n</list>"
        )
    return (
        f'[{{"login": "{parent}", "sms": "3", "credit": "4.88", "debit": "1000.00", '
        f'"currency": "RUB"}}, {{"login": "{child}", "sms": "0", "credit": "0.00", '
        '"debit": "0.00", "currency": "RUB"}]'
    )


@pytest.mark.parametrize(
    "charset,codec", [("windows-1251", "cp1251"), ("utf-8", "utf-8"), ("koi8-r", "koi8_r")]
)
@pytest.mark.parametrize("fmt", [0, 1, 2, 3])
def test_stat_reply_bytes(client, golden, fmt, charset, codec):
    parent, child = golden
    reply = client.get(
        "/sys/get.php",
        params={
            "get_stat": 1,
            "login": parent.login,
            "psw": parent.password,
            "fmt": fmt,
            "charset": charset,
        },
    )
    assert reply.status_code == 200
    assert reply.headers["content-type"] == f"{CONTENT_TYPES[fmt]}; charset={charset}"
    assert reply.content == expected(fmt, parent.login, child.login).encode(codec)


def test_windows_1251_is_the_default_charset(client, golden):
    parent, child = golden
    reply = client.get(
        "/sys/get.php", params={"get_stat": 1, "login": parent.login, "psw": parent.password}
    )
    assert reply.content == expected(0, parent.login, child.login).encode("cp1251")


def test_the_api_key_sees_the_same_statistics(client, golden):
    parent, child = golden
    body = call(client, None, get_stat=1, apikey=parent.key, fmt=1)
    assert body == expected(1, parent.login, child.login)


@pytest.mark.parametrize(
    "fmt,error",
    [
        (0, "ERROR = 1 (parameters error)"),
        (1, "0,-1"),
        (2, "<result>\n<error>parameters error</error>\n<error_code>1</error_code>\n</result>"),
        (3, '{"error": "parameters error", "error_code": 1}'),
    ],
)
def test_a_bad_period_is_error_1_in_every_format(client, golden, fmt, error):
    parent, _child = golden
    assert call(client, parent, get_stat=1, fmt=fmt, start="31.02.2026") == error
