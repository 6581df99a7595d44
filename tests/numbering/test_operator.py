"""get_operator: which numbers are found, what each field says, ``tz`` at the request's time,
lists, limits, and workers following an import (docs/numbering.md)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from smscd.numbering import store
from smscd.numbering.operators import Operator
from tests.api import call, call_json
from tests.numbering.helpers import (
    Row,
    def_file,
    import_files,
    import_standard,
    refresh,
    started,
)

INFO = "/sys/info.php"
WINTER = int(datetime(2026, 1, 15, 12, tzinfo=UTC).timestamp())
SUMMER = int(datetime(2026, 7, 15, 12, tzinfo=UTC).timestamp())


def operator(client, account, phone: str, **params) -> dict:
    return call_json(client, account, path=INFO, get_operator=1, phone=phone, **params)


def test_a_russian_number_gets_its_range_operator_region_and_codes(api, make_account):
    assert operator(api, make_account(), "79160000001") == {
        "country": "Россия",
        "operator": "МТС",
        "region": "г. Москва * Московская область",
        "mcc": "250",
        "mnc": "01",
        "tz": "3",
    }


def test_the_number_may_be_written_with_8_and_decorations(api, make_account):
    account = make_account()
    assert operator(api, account, "8 (916) 000-00-01") == operator(api, account, "79160000001")


def test_range_bounds_belong_to_the_range(api, make_account):
    account = make_account()
    # 927 1000000-1999999 is MegaFon in Saratov; the numbers around it are outside the plan.
    assert operator(api, account, "79271000000")["region"] == "Саратовская обл."
    assert operator(api, account, "79271999999")["region"] == "Саратовская обл."
    assert operator(api, account, "79270999999")["region"] == ""  # phonenumbers' fallback


def test_an_operator_outside_the_operators_table_keeps_the_plans_name(api, make_account):
    record = operator(api, make_account(), "79002188000")
    assert (record["operator"], record["mnc"]) == ('ООО "СИМ ТЕЛЕКОМ"', "")


def test_the_inn_decides_the_brand_whatever_the_spelling_of_the_name(api, make_account):
    # The sample writes both ООО "Т2 МОБАЙЛ" and ООО "Т2 Мобайл", INN 7743895280.
    account = make_account()
    for phone in ("79000000000", "79001400000", "79010800000"):
        record = operator(api, account, phone)
        assert (record["operator"], record["mnc"]) == ("Tele2", "20")


def test_a_region_written_as_dash_shows_the_gar_territory(api, make_account):
    record = operator(api, make_account(), "79491333000")
    assert record["region"] == "Донецкая Народная Республика"
    assert record["tz"] == "3"


def test_english_accounts_get_english_country_and_brand(api, make_account):
    record = operator(api, make_account(language="en"), "79160000001")
    assert (record["country"], record["operator"]) == ("Russia", "MTS")
    assert record["region"] == "г. Москва * Московская область"  # as the plan writes it


@pytest.mark.parametrize(
    "phone,tz",
    [
        ("79160000001", "3"),  # Moscow
        ("79271000000", "4"),  # Saratov: Europe/Saratov
        ("79000300000", "5"),  # Sverdlovsk: Asia/Yekaterinburg
        ("79130000001", "7"),  # Novosibirsk: Asia/Novosibirsk
        ("79000500000", "7"),  # Kemerovo: Asia/Novokuznetsk
        ("79003360000", "10"),  # Khabarovsk: Asia/Vladivostok
        ("79114000000", "2"),  # Kaliningrad
    ],
)
@pytest.mark.parametrize("now", [WINTER, SUMMER])
def test_russian_regions_have_the_same_offset_all_year(api, make_account, clock, phone, tz, now):
    clock.now = now
    assert operator(api, make_account(), phone)["tz"] == tz


@pytest.mark.parametrize(
    "phone,winter,summer",
    [
        ("4915112345678", "1", "2"),  # Germany: CET / CEST
        ("61412345678", "11", "10"),  # Australian mobile: several zones; Sydney's, DST in January
        ("919876543210", "5.5", "5.5"),  # India: a half-hour zone
        ("5511987654321", "-3", "-3"),  # São Paulo
    ],
)
def test_foreign_tz_follows_daylight_saving_time(api, make_account, clock, phone, winter, summer):
    account = make_account()
    clock.now = WINTER
    assert operator(api, account, phone)["tz"] == winter
    clock.now = SUMMER
    assert operator(api, account, phone)["tz"] == summer


def test_foreign_numbers_get_country_carrier_and_network_codes(api, make_account):
    account = make_account()
    assert operator(api, account, "375291234567") == {
        "country": "Беларусь",
        "operator": "A1",
        "region": "",
        "mcc": "257",
        "mnc": "01",
        "tz": "3",
    }
    record = operator(api, make_account(language="en"), "4915112345678")
    assert (record["country"], record["operator"], record["mcc"], record["mnc"]) == (
        "Germany",
        "T-Mobile",
        "262",
        "01",
    )


def test_a_carrier_without_a_known_mnc_gets_the_country_mcc(api, make_account):
    record = operator(api, make_account(), "919876543210")  # Airtel: MNC differs by circle
    assert (record["country"], record["operator"], record["mcc"], record["mnc"]) == (
        "Индия",
        "Airtel",
        "404",
        "",
    )


def test_russian_numbers_outside_the_plan_fall_back_to_phonenumbers(api, make_account):
    assert operator(api, make_account(), "79991234567") == {
        "country": "Россия",
        "operator": "МегаФон",
        "region": "",
        "mcc": "250",
        "mnc": "02",
        "tz": "3",
    }


@pytest.mark.parametrize("phone", ["70000000000", "79161234567", "12125551234", "99999"])
def test_no_known_operator_is_error_3(api, make_account, phone):
    # Outside the plan: invalid numbers, and numbers phonenumbers knows no carrier of.
    assert call(api, make_account(), path=INFO, get_operator=1, phone=phone, fmt=1) == "0,-3"


def test_a_list_keeps_order_and_repeats_and_empties_unknown_numbers(api, make_account):
    records = operator(api, make_account(), "79160000001;70000000000,79160000001")
    assert [r["phone"] for r in records] == ["79160000001", "70000000000", "79160000001"]
    assert records[0] == records[2]
    assert records[1] == {
        "phone": "70000000000",
        **dict.fromkeys(("country", "operator", "region", "mcc", "mnc", "tz"), ""),
    }


def test_a_list_of_unknown_numbers_is_not_an_error(api, make_account):
    records = operator(api, make_account(), "70000000000,70000000001")
    assert [r["operator"] for r in records] == ["", ""]


def test_one_number_with_a_trailing_comma_is_a_single_reply(api, make_account):
    assert isinstance(operator(api, make_account(), "79160000001,"), dict)


def test_at_most_100_numbers(api, make_account):
    account = make_account()
    phones = [f"7916000{i:04d}" for i in range(101)]
    assert len(operator(api, account, ",".join(phones[:100]))) == 100
    assert call(api, account, path=INFO, get_operator=1, phone=",".join(phones), fmt=1) == "0,-1"


@pytest.mark.parametrize("phone", ["", "abc", "7916", "79160000001,junk", "+7 916 000 00 01 23456"])
def test_missing_or_malformed_phones_are_error_1(api, make_account, phone):
    assert call(api, make_account(), path=INFO, get_operator=1, phone=phone, fmt=1) == "0,-1"


def test_credentials_come_first(api, make_account):
    account = make_account()
    reply = call(api, account, path=INFO, get_operator=1, phone="79160000001", psw="wrong", fmt=3)
    assert json.loads(reply) == {"error": "authorise error", "error_code": 2}


def test_every_account_gets_the_same_data_in_its_language(api, make_account):
    first, second = make_account(), make_account()
    assert operator(api, first, "79160000001") == operator(api, second, "79160000001")


def test_a_worker_follows_an_import_at_its_next_refresh(backend, make_account):
    account = make_account()
    import_standard(backend.engine)
    moved = Row("916", 0, 999_999, 'ПАО "ВымпелКом"', "Новосибирская обл.", "7713076301")
    with started(backend) as client:
        assert operator(client, account, "79160000001")["operator"] == "МТС"
        import_files(backend.engine, ("moved.csv", def_file([moved])))
        assert operator(client, account, "79160000001")["operator"] == "МТС"  # not yet
        refresh(client)
        assert operator(client, account, "79160000001") == {
            "country": "Россия",
            "operator": "Билайн",
            "region": "Новосибирская обл.",
            "mcc": "250",
            "mnc": "99",
            "tz": "7",
        }
        # A whole new plan: the sample's ranges are gone (phonenumbers answers for them).
        assert operator(client, account, "79001400000")["region"] == ""


def test_a_worker_follows_an_edit_of_the_operators_table(backend, make_account, operators_restored):
    account = make_account()
    import_standard(backend.engine)
    with started(backend) as client:
        assert operator(client, account, "79002188000")["operator"] == 'ООО "СИМ ТЕЛЕКОМ"'
        with backend.engine.begin() as conn:
            store.set_operator(conn, Operator("7707840631", "СимТел", "SimTel", "77", ""))
        refresh(client)
        record = operator(client, account, "79002188000")
        assert (record["operator"], record["mnc"]) == ("СимТел", "77")


def test_phones_is_another_name_of_phone_and_phone_wins(api, make_account):
    """compat.md "Transport" [ours]: a client library sends ``phones``."""
    account = make_account()
    by_alias = call_json(api, account, path=INFO, get_operator=1, phones="79160000001")
    assert by_alias == operator(api, account, "79160000001")
    both = call_json(
        api, account, path=INFO, get_operator=1, phone="79271000000", phones="79160000001"
    )
    assert both["region"] == "Саратовская обл."
