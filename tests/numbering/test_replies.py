"""Golden replies of get_operator: the exact bytes of each format in each charset, for one
number and for a list (reference "Getting information about the operator"; compat.md,
"Endpoint decisions" and "Transport")."""

from __future__ import annotations

import pytest

CHARSETS = [("windows-1251", "cp1251"), ("utf-8", "utf-8"), ("koi8-r", "koi8_r")]
CONTENT_TYPES = {0: "text/plain", 1: "text/plain", 2: "application/xml", 3: "application/json"}

SINGLE = "79001400000"  # Tele2 in Moscow, from the real sample
# A brand, an operator outside the operators table (its name has quotes), one whose name
# has « » (not in koi8-r), a foreign number, and one without an operator.
LIST = "79001400000,79002188000,+7 (949) 130-75-50,4915112345678,70000000000"

MOSCOW = "г. Москва * Московская область"
SIM = 'ООО "СИМ ТЕЛЕКОМ"'
SIM_REGION = "г. Москва и Московская область"
GUP = (
    "ГОСУДАРСТВЕННОЕ УНИТАРНОЕ ПРЕДПРИЯТИЕ ДОНЕЦКОЙ НАРОДНОЙ РЕСПУБЛИКИ "
    "«РЕСПУБЛИКАНСКИЙ ОПЕРАТОР СВЯЗИ»"
)
DNR = "Донецкая Народная Республика"

EXPECTED_SINGLE = {
    0: f"country = Россия, operator = Tele2, region = {MOSCOW}, mcc = 250, mnc = 20, tz = 3",
    1: f"Россия,Tele2,{MOSCOW},250,20,3",
    2: (
        "<info>\n<country>Россия</country>\n<operator>Tele2</operator>\n"
        f"<region>{MOSCOW}</region>\n<mcc>250</mcc>\n<mnc>20</mnc>\n<tz>3</tz>\n</info>"
    ),
    3: (
        '{"country": "Россия", "operator": "Tele2", '
        f'"region": "{MOSCOW}", "mcc": "250", "mnc": "20", "tz": "3"}}'
    ),
}


def _xml_info(phone: str, country: str, operator: str, region: str, mcc: str, mnc: str, tz: str):
    return (
        f"<info>\n<phone>{phone}</phone>\n<country>{country}</country>\n"
        f"<operator>{operator}</operator>\n<region>{region}</region>\n<mcc>{mcc}</mcc>\n"
        f"<mnc>{mnc}</mnc>\n<tz>{tz}</tz>\n</info>"
    )


EXPECTED_LIST = {
    0: "\n".join(
        (
            "phone = 79001400000, country = Россия, operator = Tele2, "
            f"region = {MOSCOW}, mcc = 250, mnc = 20, tz = 3",
            f"phone = 79002188000, country = Россия, operator = {SIM}, "
            f"region = {SIM_REGION}, mcc = 250, mnc = , tz = 3",
            f"phone = 79491307550, country = Россия, operator = {GUP}, "
            f"region = {DNR}, mcc = 250, mnc = , tz = 3",
            "phone = 4915112345678, country = Германия, operator = T-Mobile, "
            "region = , mcc = 262, mnc = 01, tz = 2",
            "phone = 70000000000, country = , operator = , region = , mcc = , mnc = , tz = ",
        )
    ),
    1: "\n".join(
        (
            f"79001400000,Россия,Tele2,{MOSCOW},250,20,3",
            f"79002188000,Россия,{SIM},{SIM_REGION},250,,3",
            f"79491307550,Россия,{GUP},{DNR},250,,3",
            "4915112345678,Германия,T-Mobile,,262,01,2",
            "70000000000,,,,,,",
        )
    ),
    2: "<list>\n"
    + "\n".join(
        (
            _xml_info("79001400000", "Россия", "Tele2", MOSCOW, "250", "20", "3"),
            _xml_info("79002188000", "Россия", SIM, SIM_REGION, "250", "", "3"),
            _xml_info("79491307550", "Россия", GUP, DNR, "250", "", "3"),
            _xml_info("4915112345678", "Германия", "T-Mobile", "", "262", "01", "2"),
            _xml_info("70000000000", "", "", "", "", "", ""),
        )
    )
    + "\n</list>",
    3: (
        '[{"phone": "79001400000", "country": "Россия", "operator": "Tele2", '
        f'"region": "{MOSCOW}", "mcc": "250", "mnc": "20", "tz": "3"}}, '
        '{"phone": "79002188000", "country": "Россия", "operator": "ООО \\"СИМ ТЕЛЕКОМ\\"", '
        f'"region": "{SIM_REGION}", "mcc": "250", "mnc": "", "tz": "3"}}, '
        f'{{"phone": "79491307550", "country": "Россия", "operator": "{GUP}", '
        f'"region": "{DNR}", "mcc": "250", "mnc": "", "tz": "3"}}, '
        '{"phone": "4915112345678", "country": "Германия", "operator": "T-Mobile", '
        '"region": "", "mcc": "262", "mnc": "01", "tz": "2"}, '
        '{"phone": "70000000000", "country": "", "operator": "", "region": "", '
        '"mcc": "", "mnc": "", "tz": ""}]'
    ),
}

# What each format writes for a character the charset cannot hold (compat.md, "Transport").
UNENCODABLE = {0: "?", 1: "?", 2: "&#{code};", 3: "\\u{code:04x}"}


def in_charset(text: str, fmt: int, codec: str) -> bytes:
    out = []
    for char in text:
        try:
            out.append(char.encode(codec))
        except UnicodeEncodeError:
            out.append(UNENCODABLE[fmt].format(code=ord(char)).encode("ascii"))
    return b"".join(out)


def get(api, account, phone: str, fmt: int, charset: str):
    reply = api.get(
        "/sys/info.php",
        params={
            "get_operator": 1,
            "login": account.login,
            "psw": account.password,
            "phone": phone,
            "fmt": fmt,
            "charset": charset,
        },
    )
    assert reply.status_code == 200
    assert reply.headers["content-type"] == f"{CONTENT_TYPES[fmt]}; charset={charset}"
    return reply.content


@pytest.mark.parametrize("charset,codec", CHARSETS)
@pytest.mark.parametrize("fmt", [0, 1, 2, 3])
def test_one_number_reply_bytes(api, make_account, fmt, charset, codec):
    body = get(api, make_account(), SINGLE, fmt, charset)
    assert body == in_charset(EXPECTED_SINGLE[fmt], fmt, codec)


@pytest.mark.parametrize("charset,codec", CHARSETS)
@pytest.mark.parametrize("fmt", [0, 1, 2, 3])
def test_list_reply_bytes(api, make_account, fmt, charset, codec):
    body = get(api, make_account(), LIST, fmt, charset)
    assert body == in_charset(EXPECTED_LIST[fmt], fmt, codec)


def test_koi8r_cannot_hold_guillemets_and_escapes_them(api, make_account):
    # The case the generic helper covers, spelt out once.
    body = get(api, make_account(), "79491307550,79001400000", 2, "koi8-r").decode("koi8_r")
    assert "&#171;РЕСПУБЛИКАНСКИЙ ОПЕРАТОР СВЯЗИ&#187;" in body


@pytest.mark.parametrize("fmt", [0, 1, 2, 3])
def test_operator_not_found_is_error_3(api, make_account, fmt):
    body = get(api, make_account(), "70000000000", fmt, "utf-8").decode()
    assert (
        body
        == {
            0: "ERROR = 3 (operator not found)",
            1: "0,-3",
            2: "<result>\n<error>operator not found</error>\n<error_code>3</error_code>\n</result>",
            3: '{"error": "operator not found", "error_code": 3}',
        }[fmt]
    )
