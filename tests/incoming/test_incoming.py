"""get_answers: reply layouts, windows, after_id polling and to_phone (compat.md)."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api import call, call_json
from tests.factories import add_incoming, incoming

NOW = 1_790_000_000  # 21.09.2026 17:13:20 in Moscow; midnight there is NOW - 62000
MIDNIGHT = NOW - 62_000
TEXT = 'Привет, "мир" <&>\nстрока 2'
RECEIVED = NOW - 600  # 21.09.2026 17:03:20 in Moscow


@pytest.fixture
def golden(backend, make_account):
    account = make_account()
    [msg_id] = add_incoming(
        backend.engine, [incoming(account.id, RECEIVED, message=TEXT, phone="79161234567")]
    )
    return account, msg_id


def expected(fmt: int, msg_id: int) -> str:
    if fmt == 0:
        return (
            f"id = {msg_id}, received = 21.09.2026 17:03:20, phone = 79161234567, "
            'message = Привет, "мир" <&> строка 2, to_phone = 79990000001, '
            "sent = 21.09.2026 17:03:17"
        )
    if fmt == 1:
        return (
            f"{msg_id},21.09.2026 17:03:20,79161234567,79990000001,21.09.2026 17:03:17,"
            'Привет, "мир" <&> строка 2'
        )
    if fmt == 2:
        return (
            f"<sms_answers>\n<sms>\n<id>{msg_id}</id>\n<received>21.09.2026 17:03:20</received>\n"
            "<phone>79161234567</phone>\n"
            '<message>Привет, "мир" &lt;&amp;&gt;\nстрока 2</message>\n'
            "<to_phone>79990000001</to_phone>\n<sent>21.09.2026 17:03:17</sent>\n</sms>\n"
            "</sms_answers>"
        )
    return (
        f'[{{"id": {msg_id}, "received": "21.09.2026 17:03:20", "phone": "79161234567", '
        '"message": "Привет, \\"мир\\" <&>\\nстрока 2", "to_phone": "79990000001", '
        '"sent": "21.09.2026 17:03:17"}]'
    )


@pytest.mark.parametrize(
    "charset,codec", [("windows-1251", "cp1251"), ("utf-8", "utf-8"), ("koi8-r", "koi8_r")]
)
@pytest.mark.parametrize("fmt", [0, 1, 2, 3])
def test_incoming_reply_bytes(client, golden, fmt, charset, codec):
    account, msg_id = golden
    reply = client.get(
        "/sys/get.php",
        params={
            "get_answers": 1,
            "login": account.login,
            "psw": account.password,
            "fmt": fmt,
            "charset": charset,
        },
    )
    assert reply.content == expected(fmt, msg_id).encode(codec)


@pytest.mark.parametrize(
    "fmt,body", [(0, ""), (1, ""), (2, "<sms_answers></sms_answers>"), (3, "[]")]
)
def test_nothing_found_is_an_empty_list(client, make_account, fmt, body):
    assert call(client, make_account(), get_answers=1, fmt=fmt) == body


def ids_of(records) -> list[int]:
    return [r["id"] for r in records]


def test_without_hour_since_local_midnight(client, backend, make_account):
    account = make_account()
    ids = add_incoming(
        backend.engine, [incoming(account.id, ts) for ts in (MIDNIGHT - 1, MIDNIGHT, NOW - 1)]
    )
    assert ids_of(call_json(client, account, get_answers=1)) == ids[1:]


def test_hour_is_the_last_n_hours(client, backend, make_account):
    account = make_account()
    ids = add_incoming(
        backend.engine,
        [incoming(account.id, ts) for ts in (NOW - 48 * 3600 - 1, NOW - 48 * 3600, NOW - 5)],
    )
    assert ids_of(call_json(client, account, get_answers=1, hour=48)) == ids[1:]
    assert ids_of(call_json(client, account, get_answers=1, hour=1)) == ids[2:]


def test_after_id_looks_back_168_hours_unless_hour_is_given(client, backend, make_account):
    account = make_account()
    week = 168 * 3600
    ids = add_incoming(
        backend.engine,
        [incoming(account.id, ts) for ts in (NOW - week - 1, NOW - week, NOW - 7200, NOW - 5)],
    )
    assert ids_of(call_json(client, account, get_answers=1, after_id=ids[0] - 1)) == ids[1:]
    assert ids_of(call_json(client, account, get_answers=1, after_id=ids[1])) == ids[2:]
    assert ids_of(call_json(client, account, get_answers=1, after_id=ids[1], hour=1)) == ids[3:]


def test_to_phone_selects_one_of_the_accounts_numbers(client, backend, make_account):
    account = make_account()
    ids = add_incoming(
        backend.engine,
        [
            incoming(account.id, NOW - 30, to_phone="79990000001"),
            incoming(account.id, NOW - 20, to_phone="79990000002"),
        ],
    )
    records = call_json(client, account, get_answers=1, to_phone="+7 999 000-00-02")
    assert ids_of(records) == [ids[1]]


def test_cnt_limits_and_10000_is_the_most(client, backend, make_account):
    account = make_account()
    ids = add_incoming(backend.engine, [incoming(account.id, NOW - 100 + i) for i in range(5)])
    assert ids_of(call_json(client, account, get_answers=1, cnt=2)) == ids[:2]
    assert call(client, account, get_answers=1, cnt=10000, fmt=1) != "0,-1"


def test_one_account_never_sees_another_accounts_answers(client, backend, make_account):
    alice, bob = make_account(), make_account()
    add_incoming(backend.engine, [incoming(bob.id, NOW - 10, message="for bob")])
    assert call_json(client, alice, get_answers=1, after_id=0, hour=168) == []


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    arrivals=st.lists(st.integers(0, 160 * 3600), min_size=1, max_size=40),
    cnt=st.integers(1, 9),
)
def test_after_id_polling_returns_every_message_once_oldest_first(
    client, backend, make_account, arrivals, cnt
):
    account = make_account()
    ids = add_incoming(
        backend.engine, [incoming(account.id, NOW - ago) for ago in sorted(arrivals, reverse=True)]
    )
    seen: list[int] = []
    after = 0
    while True:
        page = json.loads(call(client, account, get_answers=1, fmt=3, cnt=cnt, after_id=after))
        if not page:
            break
        assert len(page) <= cnt
        seen += ids_of(page)
        after = page[-1]["id"]
    assert seen == ids
