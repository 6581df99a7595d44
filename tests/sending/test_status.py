"""status.php and balance.php: the layouts real clients parse (sending.md)."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from smscd.accounts.tables import accounts
from tests.api import call, call_json
from tests.sending import network

STATUS = "/sys/status.php"
BALANCE = "/sys/balance.php"
DE = network.DELIVERED
TEXT = 'Счёт, "оплачен" <&>'


@pytest.fixture
def delivered(client, sender, clock):
    """One message (id 63) sent at START and delivered 2 s later."""
    call(client, sender, "/sys/send.php", phones=DE, mes=TEXT, id=63)
    clock.now += 2
    network.deliver(client)
    return sender


# START = 21.09.2026 17:13:20 Moscow time (1790000000)
SINGLE = {
    (0, 0): "Status = 1, check_time = 21.09.2026 17:13:22, err = 0",
    (1, 0): "1,1790000002,0",
    (2, 0): "<sms>\n<status>1</status>\n<last_date>21.09.2026 17:13:22</last_date>\n"
    "<last_timestamp>1790000002</last_timestamp>\n<flag>0</flag>\n<err>0</err>\n</sms>",
    (3, 0): '{"status": 1, "last_date": "21.09.2026 17:13:22", "last_timestamp": 1790000002, '
    '"flag": 0, "err": 0}',
    (0, 1): "Status = 1, check_time = 21.09.2026 17:13:22, err = 0, send_date = 21.09.2026 "
    "17:13:20, phone = 4915112345678, cost = 2.50, sender_id = SMSC.RU, status_name = "
    'Доставлено, message = Счёт, "оплачен" <&>, comment = , type = 0',
    (1, 1): '1,1790000002,0,1790000000,4915112345678,2.50,SMSC.RU,Доставлено,Счёт, "оплачен" '
    "<&>,,0",
    (3, 1): '{"status": 1, "last_date": "21.09.2026 17:13:22", "last_timestamp": 1790000002, '
    '"flag": 0, "err": 0, "send_date": "21.09.2026 17:13:20", "send_timestamp": 1790000000, '
    '"phone": "4915112345678", "cost": "2.50", "sender_id": "SMSC.RU", "status_name": '
    '"Доставлено", "message": "Счёт, \\"оплачен\\" <&>", "comment": "", "type": 0, '
    '"mccmnc": "26201", "sms_cnt": 1}',
    (1, 2): "1,1790000002,0,Германия,T-Mobile,,1790000000,4915112345678,2.50,SMSC.RU,"
    'Доставлено,Счёт, "оплачен" <&>,,0',
}


@pytest.mark.parametrize(("fmt", "all_"), sorted(SINGLE))
def test_status_of_one_message(client, delivered, fmt, all_):
    assert call(client, delivered, STATUS, phone=DE, id=63, fmt=fmt, all=all_) == SINGLE[fmt, all_]


def test_the_phone_may_be_written_as_the_client_likes(client, delivered):
    assert call(client, delivered, STATUS, phone="+49 (151) 123-456-78", id=63, fmt=1) == (
        "1,1790000002,0"
    )


@pytest.mark.parametrize("fmt", range(4))
def test_an_unknown_message_is_status_minus_3(client, delivered, fmt):
    reply = call(client, delivered, STATUS, phone=DE, id=64, fmt=fmt)
    assert (
        reply
        == {
            0: "Status = -3, check_time = , err = 0",
            1: "-3,0,0",
            2: "<sms>\n<status>-3</status>\n<last_date></last_date>\n"
            "<last_timestamp>0</last_timestamp>\n<flag>0</flag>\n<err>0</err>\n</sms>",
            3: '{"status": -3, "last_date": "", "last_timestamp": 0, "flag": 0, "err": 0}',
        }[fmt]
    )


LIST = {
    0: "Status = 1, check_time = 21.09.2026 17:13:22, err = 0, id = 63, phone = 4915112345678\n"
    "Status = -3, id = 9, phone = +4915112345678",
    1: "1,1790000002,0,63,4915112345678\n-3,9,+4915112345678",
    2: "<list>\n<sms>\n<status>1</status>\n<last_date>21.09.2026 17:13:22</last_date>\n"
    "<last_timestamp>1790000002</last_timestamp>\n<flag>0</flag>\n<err>0</err>\n"
    "<id>63</id>\n<phone>4915112345678</phone>\n</sms>\n<sms>\n<status>-3</status>\n"
    "<id>9</id>\n<phone>+4915112345678</phone>\n</sms>\n</list>",
    3: '[{"status": 1, "last_date": "21.09.2026 17:13:22", "last_timestamp": 1790000002, '
    '"flag": 0, "err": 0, "id": 63, "phone": "4915112345678"}, '
    '{"status": -3, "id": 9, "phone": "+4915112345678"}]',
}


@pytest.mark.parametrize("fmt", range(4))
def test_status_of_a_list_pairs_ids_and_phones_by_position(client, delivered, fmt):
    reply = call(client, delivered, STATUS, phone=f"{DE},+{DE}", id="63,9", fmt=fmt)
    assert reply == LIST[fmt]


def test_a_trailing_comma_asks_for_the_list_layout(client, delivered):
    assert call(client, delivered, STATUS, phone=f"{DE},", id="63,", fmt=1) == (
        "1,1790000002,0,63,4915112345678"
    )


@pytest.mark.parametrize(
    "params",
    [{"phone": DE}, {"id": 63}, {"phone": f"{DE},{DE}", "id": "63"}, {"phone": "x", "id": 1}],
)
def test_malformed_status_requests_are_error_1(client, delivered, params):
    assert call(client, delivered, STATUS, **params) == "ERROR = 1 (parameters error)"


def test_another_account_never_sees_the_message(client, delivered, make_account):
    other = make_account()
    assert call_json(client, other, path=STATUS, phone=DE, id=63)["status"] == -3


def test_deleting_hides_a_finished_message_from_history_and_status(client, delivered):
    assert call(client, delivered, STATUS, phone=DE, id=63, **{"del": 1}) == "OK"
    assert call_json(client, delivered, path=STATUS, phone=DE, id=63)["status"] == -3
    assert call(client, delivered, get_messages=1) == "ERROR = 3 (message not found)"
    assert call(client, delivered, STATUS, phone=DE, id=63, **{"del": 1}) == (
        "ERROR = 5 (error deleting message)"
    )


def test_a_waiting_message_cannot_be_deleted(client, sender):
    call(client, sender, "/sys/send.php", phones=DE, mes="Hi", id=5)
    assert call(client, sender, STATUS, phone=DE, id=5, **{"del": 1}, fmt=3) == (
        '{"error": "error deleting message", "error_code": 5}'
    )


BALANCES = {
    (0, 0): "100.00",
    (0, 1): "100.00, RUB",
    (1, 0): "100.00",
    (1, 1): "100.00,RUB",
    (2, 0): "<result>\n<balance>100.00</balance>\n</result>",
    (2, 1): "<result>\n<balance>100.00</balance>\n<currency>RUB</currency>\n</result>",
    (3, 0): '{"balance": "100.00"}',
    (3, 1): '{"balance": "100.00", "currency": "RUB"}',
}


@pytest.mark.parametrize(("fmt", "cur"), sorted(BALANCES))
def test_balance_replies(client, sender, fmt, cur):
    assert call(client, sender, BALANCE, fmt=fmt, cur=cur) == BALANCES[fmt, cur]


def test_balance_shows_the_credit_limit_in_json(backend, client, sender):
    with backend.engine.begin() as conn:
        conn.execute(update(accounts).where(accounts.c.id == sender.id).values(credit=50000))
    assert call_json(client, sender, path=BALANCE, cur=1) == {
        "balance": "100.00", "currency": "RUB", "credit": "500.00",
    }  # fmt: skip


def test_balance_needs_authorisation(client, sender):
    assert (
        call(client, None, BALANCE, login=sender.login, psw="wrong")
        == "ERROR = 2 (authorise error)"
    )


@pytest.mark.parametrize(
    ("charset", "codec"), [("windows-1251", "cp1251"), ("koi8-r", "koi8_r"), ("utf-8", "utf-8")]
)
@pytest.mark.parametrize("fmt", range(4))
def test_replies_are_written_in_the_requested_charset(client, delivered, charset, codec, fmt):
    reply = client.get(
        STATUS,
        params={"login": delivered.login, "psw": delivered.password, "phone": DE, "id": 63,
                "all": 1, "fmt": fmt, "charset": charset},
    )  # fmt: skip
    assert reply.headers["content-type"].endswith(f"charset={charset}")
    expected = {0: SINGLE[0, 1], 1: SINGLE[1, 1], 3: SINGLE[3, 1]}.get(fmt)
    text = reply.content.decode(codec)
    if expected is not None:
        assert text == expected
    assert "Доставлено" in text and "Счёт" in text
