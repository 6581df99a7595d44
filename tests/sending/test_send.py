"""send.php: what is accepted, what it costs, what the client reads back (sending.md)."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from sqlalchemy import update

from smscd.accounts.tables import accounts
from tests.api import CODECS, call, call_json
from tests.billing.helpers import balances
from tests.sending import network
from tests.sending.conftest import HLR, PART, START_BALANCE

SEND = "/sys/send.php"
DE = network.DELIVERED


def send(client, account, **params):
    return call(client, account, SEND, **params)


# -- golden replies ---------------------------------------------------------------------

GOLDEN = {
    # (fmt, cost): the reply to one two-part message to one number, the account's first send
    (0, 0): "OK - 2 SMS, ID - 1",
    (0, 1): "5.00 (2 SMS)",
    (0, 2): "OK - 2 SMS, ID - 1, COST - 5.00",
    (0, 3): "OK - 2 SMS, ID - 1, COST - 5.00, BALANCE - 95.00",
    (1, 0): "1,2",
    (1, 1): "5.00,2",
    (1, 2): "1,2,5.00",
    (1, 3): "1,2,5.00,95.00",
    (2, 0): "<result>\n<id>1</id>\n<cnt>2</cnt>\n</result>",
    (2, 1): "<result>\n<cost>5.00</cost>\n<cnt>2</cnt>\n</result>",
    (2, 2): "<result>\n<id>1</id>\n<cnt>2</cnt>\n<cost>5.00</cost>\n</result>",
    (2, 3): "<result>\n<id>1</id>\n<cnt>2</cnt>\n<cost>5.00</cost>\n<balance>95.00</balance>\n"
    "</result>",
    (3, 0): '{"id": 1, "cnt": 2}',
    (3, 1): '{"cost": "5.00", "cnt": 2}',
    (3, 2): '{"id": 1, "cnt": 2, "cost": "5.00"}',
    (3, 3): '{"id": 1, "cnt": 2, "cost": "5.00", "balance": "95.00"}',
}
TWO_PARTS = "Привет! " * 10  # 80 characters of UCS-2: two parts of 67


@pytest.mark.parametrize(("fmt", "cost"), sorted(GOLDEN))
def test_send_replies_are_exact_in_every_format_and_cost_variant(client, sender, fmt, cost):
    assert send(client, sender, phones=DE, mes=TWO_PARTS, fmt=fmt, cost=cost) == GOLDEN[fmt, cost]


@pytest.mark.parametrize("charset", ["windows-1251", "koi8-r", "utf-8"])
def test_the_text_is_read_in_the_request_charset(client, sender, charset):
    query = urlencode(
        {"login": sender.login, "psw": sender.password, "phones": DE, "mes": "Счёт оплачен",
         "charset": charset},
        encoding=CODECS[charset],
    )  # fmt: skip
    assert client.get(f"{SEND}?{query}").content == b"OK - 1 SMS, ID - 1"
    [message] = call_json(client, sender, get_messages=1)
    assert message["message"] == "Счёт оплачен"


NUMBERS = {
    0: "OK - 1 SMS, ID - 1\n"
    "phone = 4915112345678, mccmnc = 26201, cost = 2.50, status = -1, error = 0\n"
    "phone = 12345, mccmnc = , cost = 0.00, status = 22, error = 249\n"
    "phone = 12025550123, mccmnc = , cost = 0.00, status = 20, error = 248",
    1: "1,1\n4915112345678,26201,2.50,-1,0\n12345,,0.00,22,249\n12025550123,,0.00,20,248",
    2: "<result>\n<id>1</id>\n<cnt>1</cnt>\n<phones>\n"
    '<phone phone="4915112345678" mccmnc="26201" cost="2.50" status="-1" error="0"/>\n'
    '<phone phone="12345" mccmnc="" cost="0.00" status="22" error="249"/>\n'
    '<phone phone="12025550123" mccmnc="" cost="0.00" status="20" error="248"/>\n'
    "</phones>\n</result>",
    3: '{"id": 1, "cnt": 1, "phones": [{"phone": "4915112345678", "mccmnc": "26201", '
    '"cost": "2.50"}, {"phone": "12345", "mccmnc": "", "cost": "0.00", "status": 22, '
    '"error": 249}, {"phone": "12025550123", "mccmnc": "", "cost": "0.00", "status": 20, '
    '"error": 248}]}',
}


@pytest.mark.parametrize("fmt", range(4))
def test_op_lists_every_number_and_sends_the_valid_routable_ones(client, sender, fmt):
    reply = send(client, sender, phones=f"+{DE},12345,+1 (202) 555-0123", mes="Hi", op=1, fmt=fmt)
    assert reply == NUMBERS[fmt]
    assert len(call_json(client, sender, get_messages=1)) == 1


def test_err_lists_only_the_failed_numbers(client, sender):
    reply = call_json(client, sender, path=SEND, phones=f"{DE},12345", mes="Hi", err=1)
    assert reply["phones"] == [
        {"phone": "12345", "mccmnc": "", "cost": "0.00", "status": 22, "error": 249}
    ]


# -- errors ------------------------------------------------------------------------------

ERRORS = {
    # name: (parameters, code, text)
    "no valid number": ({"phones": "12345,abc", "mes": "Hi"}, 7, "invalid number"),
    "no route": ({"phones": network.NO_ROUTE, "mes": "Hi"}, 8, "can't to deliver"),
    "e-mail has no route": ({"phones": "a@example.org", "mes": "Hi", "mail": 1}, 8,
                            "can't to deliver"),
    "viber has no route": ({"phones": DE, "mes": "Hi", "viber": 1}, 8, "can't to deliver"),
    "unregistered sender": ({"phones": DE, "mes": "Hi", "sender": "Other"}, 6,
                            "message is denied"),
    "no money": ({"phones": ",".join(f"49151123456{i:02d}" for i in range(6)),
                  "mes": "x" * 1000}, 3, "no money"),  # 6 x 7 parts x 2.50 > 100.00
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(ERRORS))
@pytest.mark.parametrize("fmt", range(4))
def test_errors_about_a_send_carry_its_id(client, sender, name, fmt):
    params, code, text = ERRORS[name]
    reply = send(client, sender, id=541, fmt=fmt, **params)
    assert (
        reply
        == {
            0: f"ERROR = {code} ({text}), ID - 541",
            1: f"541,-{code}",
            2: f"<result>\n<error>{text}</error>\n<error_code>{code}</error_code>\n<id>541</id>\n"
            "</result>",
            3: json.dumps({"error": text, "error_code": code, "id": 541}, ensure_ascii=False),
        }[fmt]
    )


def test_a_send_without_id_reports_the_id_it_would_have_had(client, sender):
    assert send(client, sender, phones="12345", mes="Hi") == "ERROR = 7 (invalid number), ID - 1"
    assert send(client, sender, phones=DE, mes="Hi") == "OK - 1 SMS, ID - 1"
    assert send(client, sender, phones=DE, mes="Hi again") == "OK - 1 SMS, ID - 2"


@pytest.mark.parametrize(
    "params",
    [
        {"phones": DE},  # no text
        {"mes": "Hi"},  # no number
        {"phones": DE, "mes": "x" * 1001},
        {"phones": DE, "mes": "Hi", "flash": 1, "push": 1},
        {"phones": DE, "mes": "Hi", "id": "not an id!"},
        {"phones": DE, "mes": "Hi", "id": "2147483648"},
        {"phones": DE, "mes": "Hi", "valid": "25"},
        {"phones": DE, "mes": "Hi", "cost": "4"},
        {"phones": DE, "mes": "Hi", "translit": "3"},
        {"phones": DE, "mes": "zz", "bin": 2},
        {"phones": DE, "list": f"{DE}:Hi", "mes": "x"},
    ],
)
def test_malformed_sends_are_error_1_and_write_nothing(client, sender, params):
    assert send(client, sender, **params) == "ERROR = 1 (parameters error)"
    assert call(client, sender, get_messages=1) == "ERROR = 3 (message not found)"


def test_an_unreadable_time_is_error_5(client, sender):
    assert send(client, sender, phones=DE, mes="Hi", time="tomorrow") == "ERROR = 5 (invalid time)"


def test_a_send_the_money_does_not_cover_is_refused_whole(backend, client, sender):
    long = "x" * 1000  # 7 parts: 17.50 a number
    assert send(client, sender, phones=f"{DE},4915112345679", mes=long) == "OK - 14 SMS, ID - 1"
    three = "4915112345670,4915112345671,4915112345672"
    assert send(client, sender, phones=three, mes=long) == "OK - 21 SMS, ID - 2"
    assert balances(backend.engine, sender.id)[1] == START_BALANCE - 35 * PART  # 12.50
    assert send(client, sender, phones=DE, mes=long) == "ERROR = 3 (no money), ID - 3"
    assert balances(backend.engine, sender.id)[1] == START_BALANCE - 35 * PART
    assert len(call_json(client, sender, get_messages=1)) == 5
    # The refused send took no id: the next one gets it.
    assert send(client, sender, phones=DE, mes="short") == "OK - 1 SMS, ID - 3"


def test_the_credit_limit_lets_the_balance_go_below_zero_that_far(backend, client, sender):
    with backend.engine.begin() as conn:
        conn.execute(update(accounts).where(accounts.c.id == sender.id).values(credit=1500))
    reply = send(client, sender, phones=DE, mes="x" * 1000, cost=3)  # 7 parts: 17.50
    assert reply.endswith("BALANCE - 82.50")
    for n in range(4):  # 4 x 17.50 = 70.00: 12.50 left
        send(client, sender, phones=DE, mes="x" * 1000, id=n + 10)
    reply = send(client, sender, phones=DE, mes="x" * 1000, id=99, cost=3)
    assert reply == "OK - 7 SMS, ID - 99, COST - 17.50, BALANCE - -5.00"
    assert send(client, sender, phones=DE, mes="x" * 1000, id=100) == (
        "ERROR = 3 (no money), ID - 100"
    )


def test_hlr_and_ping_need_no_text_and_cost_one_unit(client, sender):
    assert send(client, sender, phones=DE, hlr=1, cost=2) == "OK - 1 SMS, ID - 1, COST - 0.30"
    assert send(client, sender, phones=DE, ping=1, cost=2) == "OK - 1 SMS, ID - 2, COST - 2.50"
    assert HLR == 30


def test_sender_names(client, sender):
    send(client, sender, phones=DE, mes="default")
    send(client, sender, phones=DE, mes="named", sender="Shop")
    send(client, sender, phones=DE, mes="none", sender="")
    send(client, sender, phones=DE, mes="dot", sender=".")
    sent = {m["message"]: m["sender_id"] for m in call_json(client, sender, get_messages=1)}
    assert sent == {"default": "SMSC.RU", "named": "Shop", "none": "", "dot": ""}


def test_a_list_sends_each_line_its_own_text(client, sender):
    reply = send(client, sender, list=f"{DE}:Первая: строка\n+4915112345679:Second\n")
    assert reply == "OK - 2 SMS, ID - 1"
    texts = sorted(m["message"] for m in call_json(client, sender, get_messages=1))
    assert texts == ["Second", "Первая: строка"]


def test_a_text_id_is_kept_as_text(client, sender):
    assert call_json(client, sender, path=SEND, phones=DE, mes="Hi", id="order-17.a") == {
        "id": "order-17.a", "cnt": 1,
    }  # fmt: skip


def test_translit_and_maxsms(client, sender):
    send(client, sender, phones=DE, mes="Щука и ёж", translit=1)
    send(client, sender, phones=DE, mes="транслит", translit=2)
    send(client, sender, phones=DE, mes="я" * 300, maxsms=2)
    messages = {m["message"]: m["sms_cnt"] for m in call_json(client, sender, get_messages=1)}
    assert messages == {"Schuka i yozh": 1, "mpaHc/Ium": 1, "я" * 134: 2}


def test_a_comment_after_a_tilde_line_is_kept_not_sent(client, sender):
    send(client, sender, phones=DE, mes="Your code 1234\n~~~\nlogin attempt #5", id=5)
    [message] = call_json(client, sender, get_messages=1)
    assert message["message"] == "Your code 1234"
    status = call_json(client, sender, path="/sys/status.php", phone=DE, id=5, all=1)
    assert status["comment"] == "login attempt #5"


def test_a_scheduled_send_is_history_at_its_time(client, sender, clock):
    send(client, sender, phones=DE, mes="later", time="+90")
    [message] = call_json(client, sender, get_messages=1)
    assert message["send_timestamp"] == int(clock.now) + 90 * 60
    assert message["status"] == -1


def test_tinyurl_replaces_links_and_a_click_sets_status_4(client, sender, clock):
    text = "Оплата: https://shop.example/pay?order=17. Спасибо!"
    send(client, sender, phones=f"{DE},4915112345679", mes=text, tinyurl=1, id=17)
    sent = {m["phone"]: m["message"] for m in call_json(client, sender, get_messages=1)}
    codes = {}
    for phone, message in sent.items():
        before, _, rest = message.partition("http://127.0.0.1:8000/")
        code, _, after = rest.partition(".")
        assert (before, after) == ("Оплата: ", " Спасибо!")
        codes[phone] = code
    assert codes[DE] != codes["4915112345679"]  # one link per message
    network.deliver(client)
    followed = client.get(f"/{codes[DE]}", follow_redirects=False)
    assert (followed.status_code, followed.headers["location"]) == (
        302, "https://shop.example/pay?order=17",
    )  # fmt: skip
    status = call_json(client, sender, path="/sys/status.php", phone=DE, id=17)
    assert status["status"] == 4
    other = call_json(client, sender, path="/sys/status.php", phone="4915112345679", id=17)
    assert other["status"] == 1
