"""The data smscd ships and derives: regions and their zones, ``tz`` text, the MCC/MNC
tables, the operators file."""

from __future__ import annotations

from zoneinfo import available_timezones

import phonenumbers
import pytest
from phonenumbers.carrierdata import CARRIER_DATA

from smscd.numbering import networks, operators, regions
from smscd.numbering.offsets import hours_text, offset_text

# As the real plans write them (the sample, and older files' spellings).
SPELLINGS = {
    "г. Москва * Московская область": "Europe/Moscow",
    "г. Москва и Московская область": "Europe/Moscow",
    "г. Санкт-Петербург и Ленинградская область": "Europe/Moscow",
    "Архангельская область и Ненецкий автономный округ": "Europe/Moscow",
    "Кемеровская область - Кузбасс": "Asia/Novokuznetsk",
    "Республика Саха /Якутия/": "Asia/Yakutsk",
    "Ханты - Мансийский - Югра АО": "Asia/Yekaterinburg",
    "Ямало-Ненецкий АО": "Asia/Yekaterinburg",
    "Ненецкий АО": "Europe/Moscow",
    "Республика Алтай": "Asia/Barnaul",
    "Алтайский край": "Asia/Barnaul",
    "Республика Коми": "Europe/Moscow",
    "Коми-Пермяцкий АО": "Asia/Yekaterinburg",
    "Чувашская Республика - Чувашия": "Europe/Moscow",
    "Республика Северная Осетия - Алания": "Europe/Moscow",
    "Республика Крым и г. Севастополь": "Europe/Simferopol",
    "Саратовская обл.": "Europe/Saratov",
    "Новосибирская обл.": "Asia/Novosibirsk",
    "Омская обл.": "Asia/Omsk",
    "Томская обл.": "Asia/Tomsk",
    "Курская обл.": "Europe/Moscow",
    "Курганская обл.": "Asia/Yekaterinburg",
    "Нижегородская обл.": "Europe/Moscow",
    "Новгородская обл.": "Europe/Moscow",
    "Сахалинская обл.": "Asia/Sakhalin",
    "Тюменская обл. * Ханты-Мансийский автономный округ - Югра": "Asia/Yekaterinburg",
    "Донецкая Народная Республика": "Europe/Moscow",
}


def test_every_federal_subject_names_itself_and_only_itself():
    assert len(regions.SUBJECTS) == 89
    for subject in regions.SUBJECTS:
        assert regions.subjects_of(subject.name) == (subject,), subject.name


def test_every_zone_is_a_real_iana_zone():
    zones = available_timezones()
    assert {s.zone for s in regions.SUBJECTS} <= zones


@pytest.mark.parametrize("text,zone", SPELLINGS.items())
def test_the_plans_spellings_find_their_zone(text, zone):
    assert regions.zone_of(text) == zone


def test_a_dash_region_falls_back_to_the_territory():
    assert regions.zone_of("-", "Саратовская область") == "Europe/Saratov"
    assert regions.zone_of("-", "") == ""


@pytest.mark.parametrize(
    "seconds,text",
    [(10800, "3"), (0, "0"), (-18000, "-5"), (19800, "5.5"), (20700, "5.75"), (-12600, "-3.5")],
)
def test_offsets_are_hours_without_trailing_zeros(seconds, text):
    assert hours_text(seconds) == text


def test_offset_text_of_unknown_or_empty_zones_is_empty():
    assert offset_text("", 0) == offset_text("Mars/Olympus", 0) == ""


def test_every_country_phonenumbers_knows_has_an_mcc():
    mccs = networks.country_mccs()
    assert set(phonenumbers.SUPPORTED_REGIONS) <= set(mccs)
    assert all(len(mcc) == 3 and mcc.isdigit() for mcc in mccs.values())


def test_every_listed_network_is_a_carrier_phonenumbers_reports_for_that_country():
    reported = {
        (phonenumbers.region_code_for_country_code(int(prefix[:length])), names["en"])
        for prefix, names in CARRIER_DATA.items()
        if "en" in names
        for length in (1, 2, 3)
    }
    # +7 is RU and KZ: the library's main region for the code is RU.
    reported |= {("KZ", name) for region, name in reported if region == "RU"}
    for key, network in networks.networks().items():
        assert key in reported, key
        assert network.mcc == networks.country_mccs()[network.country], key
        assert network.mnc.isdigit() and len(network.mnc) in (2, 3), key


def test_the_shipped_operators_read_and_write_back_the_same():
    shipped = operators.shipped()
    assert {"7740000076", "7812014560", "7713076301", "7743895280"} <= {o.inn for o in shipped}
    text = operators.write(shipped)
    assert operators.read(text) == shipped


@pytest.mark.parametrize(
    "text,problem",
    [
        ("inn;brand\n", "the header must be inn;brand;brand_en;mnc;legal_name"),
        ("inn;brand;brand_en;mnc;legal_name\n123;X;X;01;\n", "the INN has 10 or 12 digits"),
        ("inn;brand;brand_en;mnc;legal_name\n7740000076;X;X;1;\n", "the MNC has 2 or 3 digits"),
        ("inn;brand;brand_en;mnc;legal_name\n7740000076;;X;01;\n", "the brand is empty"),
        (
            "inn;brand;brand_en;mnc;legal_name\n7740000076;X;X;;\n7740000076;Y;Y;;\n",
            "INN 7740000076 given twice",
        ),
    ],
)
def test_a_bad_operators_file_is_refused(text, problem):
    with pytest.raises(operators.OperatorsFileError, match=problem):
        operators.read(text)


def test_legal_names_match_whatever_their_case_quotes_and_form():
    assert operators.legal_key('ПАО "МегаФон"') == operators.legal_key("пао мегафон")
    assert operators.legal_key('ООО "Т2 Мобайл"') == operators.legal_key("ООО «Т2 МОБАЙЛ»")
