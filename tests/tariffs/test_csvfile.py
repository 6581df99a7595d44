"""The plan CSV: what spreadsheets write is read; every bad row is reported by line number."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from smscd.tariffs import csvfile
from smscd.tariffs.csvfile import TariffFileError
from smscd.tariffs.model import Plan, Zone
from tests.tariffs.helpers import plans

HEADER = "zone,name,country,mcc,mnc,api,mass,mms,hlr,call\n"
MTS_ROW = "RU-MTS,МТС,Россия,250,01,4.50,4.50,9.90,0.20,2.60\n"
MAIL = "MAIL,E-mail,,,,0.15,,,,\n"
MTS = Zone("RU-MTS", "МТС", "Россия", "250", ("01",), 450, 450, 990, 20, 260)


def problems(text: str | bytes, mail_price: int | None = None) -> list[str]:
    data = text.encode("utf-8") if isinstance(text, str) else text
    with pytest.raises(TariffFileError) as raised:
        csvfile.read(data, mail_price)
    return raised.value.problems


def test_the_canonical_form_reads_and_writes_back():
    text = HEADER + MTS_ROW + MAIL
    plan = csvfile.read(text.encode())
    assert plan == Plan((MTS,), 15)
    assert csvfile.write(plan) == text


SPREADSHEET_FILES = {
    # Russian-locale Excel: semicolons, decimal commas, windows-1251, CRLF.
    "semicolons-cp1251": (
        "zone;name;country;mcc;mnc;api;mass;mms;hlr;call\r\n"
        "RU-MTS;МТС;Россия;250;01;4,50;4,5;9,90;0,2;2,60\r\nMAIL;E-mail;;;;0,15;;;;\r\n"
    ).encode("cp1251"),
    # Excel's "CSV UTF-8": a BOM.
    "utf-8-bom": b"\xef\xbb\xbf" + (HEADER + MTS_ROW + MAIL).encode(),
    # Pasted from a spreadsheet: tabs; columns in another order and case; short rows.
    "tabs-any-order": (
        "Name\tZONE\tapi\tmass\tmms\thlr\tcall\tmcc\tmnc\tcountry\n"
        "МТС\tRU-MTS\t4.5\t4.50\t9.9\t0.20\t2.6\t250\t01\tРоссия\nE-mail\tmail\t0.15\n"
    ).encode(),
    # Blank lines, rows of empty cells, spaces around cells, quoted cells, an empty column.
    "blank-rows": (
        "\n\nzone, name ,country,mcc,mnc,api,mass,mms,hlr,call,\n,,,,,,,,,,\n"
        ' "RU-MTS",МТС,Россия,250, 01 ,4.50,4.50,9.90,0.20,2.60,\n\n'
        "MAIL,E-mail,,,,0.15,,,,,\n,,,,,,,,,,\n"
    ).encode(),
}


@pytest.mark.parametrize("data", SPREADSHEET_FILES.values(), ids=SPREADSHEET_FILES.keys())
def test_what_spreadsheets_write_is_read(data):
    assert csvfile.read(data) == Plan((MTS,), 15)


def test_country_mcc_and_mnc_columns_are_optional():
    plan = csvfile.read(b"zone,name,api,mass,mms,hlr,call\nW,World,1,2,3,4,5\nMAIL,,0.15\n")
    assert plan == Plan((Zone("W", "World", "", "", (), 100, 200, 300, 400, 500),), 15)


def test_an_operator_zone_may_list_several_networks():
    plan = csvfile.read((HEADER + "RU-T2,Tele2,Россия,250,20  39,1,1,1,1,1\n" + MAIL).encode())
    assert plan.zones[0].networks() == ["25020", "25039"]


def test_a_bad_file_is_refused_with_every_problem_by_line_number():
    text = (
        HEADER  # line 1
        + MTS_ROW  # line 2
        + "RU-MF,МегаФон,Россия,250,02,4.6O,4.60,9.90,0.20,2.60\n"  # 3: letter O
        + "\n"  # 4
        + "RU-MTS,МТС again,Россия,250,99,1,1,1,1,1\n"  # 5: code used twice
        + "RU-X,,Россия,25,01,1,1,1,1,-1\n"  # 6: no name, bad mcc, negative price
        + "RU-Y,Y,Россия,250,01,1.005,1,1,1,1\n"  # 7: three decimals
        + 'RU-Z,"two\nlines",Россия,250,77,1,1,1,1,1\n'  # 8-9: a line break in the name
        + "RU-W,W,Россия,250,01,1,1,1,1,1\n"  # 10: network 25001 is RU-MTS's
        + "MAIL,E-mail,,,,0.15,0.15,,,\n"  # 11: a second price in the MAIL row
    )
    assert problems(text) == [
        "line 3: api: not a price with at most two decimals: '4.6O'",
        "line 5: zone code 'RU-MTS' is used twice",
        "line 6: name is empty",
        "line 6: mcc '25' is not three digits",
        "line 6: call: not a price with at most two decimals: '-1'",
        "line 7: api: not a price with at most two decimals: '1.005'",
        "line 8: name has a line break or a control character",
        "line 10: network 25001 is already in another zone",
        "line 11: the MAIL row has its price in 'api' and no other price",
    ]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("", ["the file is empty"]),
        ("\n \n", ["the file is empty"]),
        (
            "zone,name,api,mass,mms,price\n",
            ["line 1: unknown column 'price'", "line 1: missing column(s): hlr, call"],
        ),
        ("zone,zone,name,api,mass,mms,hlr,call\n", ["line 1: column 'zone' twice"]),
        (HEADER + MAIL, ["the file has no zones"]),
        (HEADER + MTS_ROW, ["no MAIL row with the price of an e-mail message"]),
        (HEADER + MTS_ROW + MAIL + MAIL, ["line 4: a second MAIL row"]),
        (
            HEADER + "A,a,,,,1,1,1,1\n" + MAIL,
            ["line 2: call: not a price with at most two decimals: ''"],
        ),
        (HEADER + "A,a,,,,1,1,1,1,1,7\n" + MAIL, ["line 2: a value in a column without a header"]),
        (
            HEADER + "W1,a,,,,1,1,1,1,1\nW2,b,,,,1,1,1,1,1\n" + MAIL,
            ["line 3: a second world zone (no mcc)"],
        ),
        (
            HEADER + "R1,a,,250,,1,1,1,1,1\nR2,b,,250,,1,1,1,1,1\n" + MAIL,
            ["line 3: a second zone for the whole of mcc 250"],
        ),
        (HEADER + "A,a,,,01,1,1,1,1,1\n" + MAIL, ["line 2: mnc without mcc"]),
        (HEADER + "A,a,,250,01 01,1,1,1,1,1\n" + MAIL, ["line 2: an mnc is listed twice"]),
        (HEADER + "A,a,,250,1,1,1,1,1,1\n" + MAIL, ["line 2: mnc '1' is not two or three digits"]),
        (
            HEADER + "mail,a,,,,1,1,1,1,1\n",
            ["line 2: the MAIL row has its price in 'api' and no other price"],
        ),
        (
            HEADER + "-A,a,,,,1,1,1,1,1\n" + MAIL,
            [
                "line 2: zone code '-A': 1-32 letters A-Z, digits, '.', '_' or '-', "
                "starting with a letter or digit"
            ],
        ),
        (
            HEADER + "A,a,,,,1000000,1,1,1,1\n" + MAIL,
            ["line 2: api: a price is between 0.00 and 999999.99"],
        ),
        (HEADER + 'A,"unclosed,,,,1,1,1,1,1\n' + MAIL, ["line 2: unexpected end of data"]),
    ],
)
def test_what_is_refused(text, expected):
    assert problems(text) == expected


def test_only_the_code_mail_itself_marks_the_e_mail_row():
    plan = csvfile.read((HEADER + "MAIL-1,a,,,,1,1,1,1,1\n" + MAIL).encode())
    assert ([zone.zone for zone in plan.zones], plan.mail) == (["MAIL-1"], 15)


def test_the_mail_price_comes_from_the_file_or_apart_but_not_both():
    assert csvfile.read((HEADER + MTS_ROW).encode(), mail_price=20).mail == 20
    assert problems(HEADER + MTS_ROW + MAIL, mail_price=20) == [
        "line 3: the e-mail price is both in the file and given apart"
    ]


def test_windows_1251_is_read_when_the_file_is_not_utf_8():
    data = (HEADER + MTS_ROW + MAIL).encode("cp1251")
    assert csvfile.read(data).zones[0].name == "МТС"


def test_bytes_that_are_no_text_are_refused():
    assert problems(b"zone\x98") == ["the file is neither UTF-8 nor windows-1251 text"]


def test_a_long_list_of_problems_is_cut():
    text = HEADER + "".join(f"Z{i},z,,,,x,1,1,1,1\n" for i in range(200)) + MAIL
    found = problems(text)
    assert len(found) == csvfile.MAX_PROBLEMS
    assert found[0].startswith("line 2: ") and found[-1].startswith("line 51: ")


# -- round trip ------------------------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(plan=plans())
def test_write_then_read_gives_the_same_plan(plan):
    text = csvfile.write(plan)
    assert csvfile.read(text.encode()) == plan
    assert csvfile.read(b"\xef\xbb\xbf" + text.encode()) == plan
