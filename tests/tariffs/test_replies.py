"""Golden replies of get_price: the exact bytes of each format in each charset.

Layouts from the reference ("Request for rates"); the section separators and the empty
sections are our decisions (docs/tariffs.md): fmt 0/1 put one blank line between the
sections and leave an empty one out; fmt 2/3 always carry ``<codes>`` / ``"codes"``.
"""

from __future__ import annotations

import pytest

from tests.api import call
from tests.tariffs.helpers import add_plan, assign, set_prices, zone

CHARSETS = [("windows-1251", "cp1251"), ("utf-8", "utf-8"), ("koi8-r", "koi8_r")]
CONTENT_TYPES = {0: "text/plain", 1: "text/plain", 2: "application/xml", 3: "application/json"}
TRICKY = 'Зона "Север", <&> ёж'  # a comma, quotes, XML specials and Cyrillic in one name
ZONES = (
    zone("RU-MTS", "МТС", mcc="250", mnc="01", api=450, mass=450, mms=990, hlr=20, call=260),
    zone("X.1", TRICKY, mcc="250", api=5, mass=1200, mms=0, hlr=7, call=100000),
    zone("WORLD", "Остальной мир", api=1200, mass=1200, mms=3500, hlr=80, call=2500),
)
PRICES = (("25002", 435), ("25001", 420))  # given out of order: replied in mccmnc order

EXPECTED = {
    0: (
        "zone = RU-MTS, name = МТС, api = 4.50, mass = 4.50, mms = 9.90, hlr = 0.20, call = 2.60\n"
        f"zone = X.1, name = {TRICKY}, api = 0.05, mass = 12.00, mms = 0.00, hlr = 0.07, "
        "call = 1000.00\n"
        "zone = WORLD, name = Остальной мир, api = 12.00, mass = 12.00, mms = 35.00, "
        "hlr = 0.80, call = 25.00",
        "mccmnc = 25001, cost = 4.20\nmccmnc = 25002, cost = 4.35",
        "mail = 0.15",
    ),
    1: (
        "RU-MTS,МТС,4.50,4.50,9.90,0.20,2.60\n"
        f"X.1,{TRICKY},0.05,12.00,0.00,0.07,1000.00\n"
        "WORLD,Остальной мир,12.00,12.00,35.00,0.80,25.00",
        "25001,4.20\n25002,4.35",
        "0.15",
    ),
}
XML_ZONES = (
    "<zones>\n"
    '<zone name="МТС" api="4.50" mass="4.50" mms="9.90" hlr="0.20" call="2.60">RU-MTS</zone>\n'
    '<zone name="Зона &quot;Север&quot;, &lt;&amp;&gt; ёж" api="0.05" mass="12.00" mms="0.00"'
    ' hlr="0.07" call="1000.00">X.1</zone>\n'
    '<zone name="Остальной мир" api="12.00" mass="12.00" mms="35.00" hlr="0.80"'
    ' call="25.00">WORLD</zone>\n'
    "</zones>\n"
)
XML_CODES = (
    '<codes>\n<mccmnc cost="4.20">25001</mccmnc>\n<mccmnc cost="4.35">25002</mccmnc>\n</codes>\n'
)
JSON_ZONES = (
    '{"zones": [{"zone": "RU-MTS", "name": "МТС", "api": "4.50", "mass": "4.50", '
    '"mms": "9.90", "hlr": "0.20", "call": "2.60"}, '
    '{"zone": "X.1", "name": "Зона \\"Север\\", <&> ёж", "api": "0.05", "mass": "12.00", '
    '"mms": "0.00", "hlr": "0.07", "call": "1000.00"}, '
    '{"zone": "WORLD", "name": "Остальной мир", "api": "12.00", "mass": "12.00", '
    '"mms": "35.00", "hlr": "0.80", "call": "25.00"}], '
)
JSON_CODES = '"codes": [{"mccmnc": "25001", "cost": "4.20"}, {"mccmnc": "25002", "cost": "4.35"}], '


def expected(fmt: int, with_codes: bool) -> str:
    if fmt in (0, 1):
        zones, codes, mail = EXPECTED[fmt]
        return "\n\n".join([zones, codes, mail] if with_codes else [zones, mail])
    if fmt == 2:
        codes = XML_CODES if with_codes else "<codes></codes>\n"
        return f"<price>\n{XML_ZONES}{codes}<mail>0.15</mail>\n</price>"
    codes = JSON_CODES if with_codes else '"codes": [], '
    return f'{JSON_ZONES}{codes}"mail": "0.15"}}'


@pytest.fixture(scope="module")
def golden_plan(backend):
    return add_plan(backend.engine, *ZONES, mail=15)


@pytest.fixture
def priced(backend, make_account, golden_plan):
    """Two accounts on the golden plan: one with individual prices, one without."""
    with_codes, without = make_account(), make_account()
    for account in (with_codes, without):
        assign(backend.engine, account, golden_plan)
    set_prices(backend.engine, with_codes, *PRICES)
    return {True: with_codes, False: without}


@pytest.mark.parametrize("with_codes", [True, False], ids=["codes", "no-codes"])
@pytest.mark.parametrize("charset,codec", CHARSETS)
@pytest.mark.parametrize("fmt", [0, 1, 2, 3])
def test_price_reply_bytes(client, priced, fmt, charset, codec, with_codes):
    account = priced[with_codes]
    reply = client.get(
        "/sys/get.php",
        params={
            "get_price": 1,
            "login": account.login,
            "psw": account.password,
            "fmt": fmt,
            "charset": charset,
        },
    )
    assert reply.status_code == 200
    assert reply.headers["content-type"] == f"{CONTENT_TYPES[fmt]}; charset={charset}"
    assert reply.content == expected(fmt, with_codes).encode(codec)


def test_windows_1251_is_the_default_charset(client, priced):
    account = priced[True]
    reply = client.get(
        "/sys/get.php", params={"get_price": 1, "login": account.login, "psw": account.password}
    )
    assert reply.content == expected(0, True).encode("cp1251")


def test_an_api_key_gets_the_same_reply(client, priced):
    account = priced[True]
    assert call(client, get_price=1, apikey=account.key, fmt=3) == expected(3, True)


@pytest.mark.parametrize(
    "charset,fmt,expected_part",
    [
        ("windows-1251", 0, "name = smile ? ok,"),
        ("koi8-r", 1, "Z,smile ? ok,"),
        ("windows-1251", 2, 'name="smile &#128512; ok"'),
        ("koi8-r", 3, '"name": "smile \\ud83d\\ude00 ok"'),
        ("utf-8", 3, '"name": "smile 😀 ok"'),
    ],
)
def test_characters_outside_the_charset_are_escaped_per_format(
    client, backend, make_account, charset, fmt, expected_part
):
    account = make_account()
    assign(backend.engine, account, add_plan(backend.engine, zone("Z", "smile 😀 ok")))
    reply = client.get(
        "/sys/get.php",
        params={
            "get_price": 1,
            "login": account.login,
            "psw": account.password,
            "fmt": fmt,
            "charset": charset,
        },
    )
    codec = "utf-8" if charset == "utf-8" else "ascii"
    assert expected_part in reply.content.decode(codec, "replace")


@pytest.fixture
def no_plan_at_all(backend):
    """No default plan for the length of a test (a new server before its first import)."""
    with backend.engine.begin() as conn:
        defaults = (
            conn.exec_driver_sql("SELECT id FROM tariff_plans WHERE is_default = 1").scalars().all()
        )
        conn.exec_driver_sql("UPDATE tariff_plans SET is_default = 0")
    yield
    with backend.engine.begin() as conn:
        for plan_id in defaults:
            conn.exec_driver_sql(f"UPDATE tariff_plans SET is_default = 1 WHERE id = {plan_id}")


@pytest.mark.parametrize(
    "fmt,body",
    [
        (0, "mail = 0.00"),
        (1, "0.00"),
        (2, "<price>\n<zones></zones>\n<codes></codes>\n<mail>0.00</mail>\n</price>"),
        (3, '{"zones": [], "codes": [], "mail": "0.00"}'),
    ],
)
def test_without_any_plan_the_reply_has_no_zones(client, make_account, no_plan_at_all, fmt, body):
    assert call(client, make_account(), get_price=1, fmt=fmt) == body


def test_without_a_plan_individual_prices_still_show(client, backend, make_account, no_plan_at_all):
    account = make_account()
    set_prices(backend.engine, account, ("25001", 420))
    assert call(client, account, get_price=1) == "mccmnc = 25001, cost = 4.20\n\nmail = 0.00"
