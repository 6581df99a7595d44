"""Golden replies of get_messages: the exact bytes of each format in each charset.

Layouts from the reference ("Getting the history of sent messages"); separators, escaping
and charsets from compat.md ("Transport").
"""

from __future__ import annotations

import pytest

from tests.api import call_json
from tests.factories import add_sent, sent

TEXT = 'Привет, "мир" <&>\nстрока 2'
SEND_TS = 1_789_999_400  # 21.09.2026 17:03:20 in Moscow
CRC = 3551049080


@pytest.fixture
def golden(backend, make_account):
    account = make_account()
    [int_id] = add_sent(backend.engine, [sent(account.id, SEND_TS, id=42, message=TEXT)])
    return account, int_id


def expected(fmt: int, int_id: int) -> str:
    if fmt == 0:
        return (
            "Status = 1, check_time = 21.09.2026 17:03:25, err = 0, send_date = 21.09.2026 "
            "17:03:20, phone = 79991234567, mccmnc = 25001, country = Россия, operator = МТС, "
            "region = г. Москва * Московская область, cost = 1.44, sender_id = SMSC.RU, "
            'status_name = Доставлено, message = Привет, "мир" <&> строка 2, type = 0, '
            f"ID = 42, int_id = {int_id}, sms_cnt = 1, format = 0, crc = {CRC}"
        )
    if fmt == 1:
        return (
            "1,1789999405,0,1789999400,79991234567,25001,Россия,МТС,"
            "г. Москва * Московская область,1.44,SMSC.RU,Доставлено, "
            f'Привет, "мир" <&> строка 2,0,42,{int_id},1,0,{CRC}'
        )
    if fmt == 2:
        return (
            "<list>\n<sms>\n<status>1</status>\n<last_date>21.09.2026 17:03:25</last_date>\n"
            "<last_timestamp>1789999405</last_timestamp>\n<err>0</err>\n"
            "<send_date>21.09.2026 17:03:20</send_date>\n"
            "<send_timestamp>1789999400</send_timestamp>\n<phone>79991234567</phone>\n"
            "<cost>1.44</cost>\n<sender_id>SMSC.RU</sender_id>\n"
            "<status_name>Доставлено</status_name>\n"
            '<message>Привет, "мир" &lt;&amp;&gt;\nстрока 2</message>\n<mccmnc>25001</mccmnc>\n'
            "<country>Россия</country>\n<operator>МТС</operator>\n"
            "<region>г. Москва * Московская область</region>\n<type>0</type>\n<id>42</id>\n"
            f"<int_id>{int_id}</int_id>\n<sms_cnt>1</sms_cnt>\n<format>0</format>\n"
            f"<crc>{CRC}</crc>\n</sms>\n</list>"
        )
    return (
        '[{"status": 1, "last_date": "21.09.2026 17:03:25", "last_timestamp": 1789999405, '
        '"err": 0, "send_date": "21.09.2026 17:03:20", "send_timestamp": 1789999400, '
        '"phone": "79991234567", "cost": "1.44", "sender_id": "SMSC.RU", '
        '"status_name": "Доставлено", "message": "Привет, \\"мир\\" <&>\\nстрока 2", '
        '"mccmnc": "25001", "country": "Россия", "operator": "МТС", '
        '"region": "г. Москва * Московская область", "type": 0, "id": 42, '
        f'"int_id": "{int_id}", "sms_cnt": 1, "format": 0, "crc": {CRC}}}]'
    )


CONTENT_TYPES = {0: "text/plain", 1: "text/plain", 2: "application/xml", 3: "application/json"}


@pytest.mark.parametrize(
    "charset,codec", [("windows-1251", "cp1251"), ("utf-8", "utf-8"), ("koi8-r", "koi8_r")]
)
@pytest.mark.parametrize("fmt", [0, 1, 2, 3])
def test_history_reply_bytes(client, golden, fmt, charset, codec):
    account, int_id = golden
    reply = client.get(
        "/sys/get.php",
        params={
            "get_messages": 1,
            "login": account.login,
            "psw": account.password,
            "fmt": fmt,
            "charset": charset,
        },
    )
    assert reply.status_code == 200
    assert reply.headers["content-type"] == f"{CONTENT_TYPES[fmt]}; charset={charset}"
    assert reply.content == expected(fmt, int_id).encode(codec)


def test_windows_1251_is_the_default_charset(client, golden):
    account, int_id = golden
    reply = client.get(
        "/sys/get.php", params={"get_messages": 1, "login": account.login, "psw": account.password}
    )
    assert reply.content == expected(0, int_id).encode("cp1251")


def test_status_names_follow_the_account_language(client, backend, make_account):
    account = make_account(language="en")
    add_sent(backend.engine, [sent(account.id, SEND_TS, status=22, err=249)])
    [record] = call_json(client, account, get_messages=1)
    assert (record["status"], record["err"], record["status_name"]) == (22, 249, "Invalid number")


def test_dates_are_in_the_account_time_zone(client, backend, make_account):
    account = make_account(timezone="Asia/Novosibirsk")  # UTC+7
    add_sent(backend.engine, [sent(account.id, SEND_TS)])
    assert call_json(client, account, get_messages=1)[0]["send_date"] == "21.09.2026 21:03:20"


@pytest.mark.parametrize(
    "charset,fmt,expected",
    [
        ("windows-1251", 0, "message = smile ? ok"),
        ("koi8-r", 1, ", smile ? ok,"),
        ("windows-1251", 2, "<message>smile &#128512; ok</message>"),
        ("koi8-r", 3, '"message": "smile \\ud83d\\ude00 ok"'),
        ("utf-8", 3, '"message": "smile 😀 ok"'),
    ],
)
def test_characters_outside_the_charset_are_escaped_per_format(
    client, backend, make_account, charset, fmt, expected
):
    account = make_account()
    add_sent(backend.engine, [sent(account.id, SEND_TS, message="smile 😀 ok")])
    reply = client.get(
        "/sys/get.php",
        params={
            "get_messages": 1,
            "login": account.login,
            "psw": account.password,
            "fmt": fmt,
            "charset": charset,
        },
    )
    assert expected in reply.content.decode("utf-8" if charset == "utf-8" else "ascii", "replace")


def test_e_mail_records_carry_the_address_in_phone(client, backend, make_account):
    account = make_account()
    add_sent(
        backend.engine,
        [
            sent(
                account.id,
                SEND_TS,
                format=8,
                phone="ivan@example.org",
                mccmnc="",
                country="",
                operator="",
                region="",
                cost=15,
            )
        ],
    )
    [record] = call_json(client, account, get_messages=1, format=8)
    assert (record["phone"], record["format"], record["cost"], record["mccmnc"]) == (
        "ivan@example.org",
        8,
        "0.15",
        "",
    )
