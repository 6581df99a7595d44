"""Plans in the database: import replaces all or nothing, export gives back what came in."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from sqlalchemy import select

from smscd.tariffs import csvfile, model, service
from smscd.tariffs.model import Plan
from smscd.tariffs.tables import tariff_plans
from tests.tariffs.helpers import add_plan, plans, zone

DB_SETTINGS = settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@DB_SETTINGS
@given(first=plans(), second=plans())
def test_export_then_import_gives_the_same_plan(backend, first, second):
    name = add_plan(backend.engine, *first.zones, mail=first.mail)
    with backend.engine.begin() as conn:
        assert service.export_plan(conn, name) == (name, first)
        # Importing over an existing plan replaces it wholly.
        service.import_plan(conn, name, second)
        exported = csvfile.write(service.export_plan(conn, name)[1])
        copy = service.import_plan(conn, f"{name}-copy", csvfile.read(exported.encode()))
        assert service.export_plan(conn, copy)[1] == second
        assert csvfile.write(service.export_plan(conn, copy)[1]) == exported


def test_import_refuses_an_invalid_plan_and_changes_nothing(backend):
    name = add_plan(backend.engine, zone("KEEP"), mail=7)
    with backend.engine.begin() as conn:
        before = service.export_plan(conn, name)
    bad = Plan((zone("A", mcc=""), zone("B", mcc="")), 5)  # two world zones
    with (
        pytest.raises(service.TariffError, match="a second world zone"),
        backend.engine.begin() as conn,
    ):
        service.import_plan(conn, name, bad)
    with backend.engine.begin() as conn:
        assert service.export_plan(conn, name) == before


@pytest.mark.parametrize("name", ["", " padded", "x" * 65, "line\nbreak"])
def test_plan_names_are_one_trimmed_line(backend, name):
    with pytest.raises(service.TariffError), backend.engine.begin() as conn:
        service.import_plan(conn, name, Plan((zone("A"),), 0))


def test_exactly_one_plan_is_the_default(backend):
    first = add_plan(backend.engine, zone("A"), default=True)
    second = add_plan(backend.engine, zone("B"), default=True)
    with backend.engine.begin() as conn:
        assert service.default_plan_name(conn) == second
        service.set_default(conn, first)
        defaults = conn.execute(select(tariff_plans.c.name).where(tariff_plans.c.is_default == 1))
        assert defaults.scalars().all() == [first]


def test_importing_without_a_name_replaces_the_default_plan(backend):
    default = add_plan(backend.engine, zone("A"), default=True)
    with backend.engine.begin() as conn:
        assert service.import_plan(conn, None, Plan((zone("B", mcc="123"),), 3)) == default
        assert [z.zone for z in service.export_plan(conn)[1].zones] == ["B"]


def test_plans_are_listed_with_their_zones_and_accounts(backend, make_account):
    name = add_plan(backend.engine, zone("A"), zone("B"), mail=21)
    account = make_account()
    with backend.engine.begin() as conn:
        service.assign_plan(conn, account.login, name)
        [summary] = [p for p in service.list_plans(conn) if p.name == name]
        assert service.plan_of(conn, account.login) == name
    assert summary == service.PlanSummary(name, False, 2, 1, 21)


@pytest.mark.parametrize(
    "call,message",
    [
        (lambda conn, login: service.assign_plan(conn, "nobody-here", "x"), "no account"),
        (lambda conn, login: service.assign_plan(conn, login, "no-such-plan"), "no tariff plan"),
        (lambda conn, login: service.set_price(conn, login, "2500", 1), "5 or 6 digits"),
        (lambda conn, login: service.set_price(conn, login, "25001", -1), "between"),
        (lambda conn, login: service.export_plan(conn, "no-such-plan"), "no tariff plan"),
        (lambda conn, login: service.set_default(conn, "no-such-plan"), "no tariff plan"),
    ],
)
def test_what_the_service_refuses(backend, make_account, call, message):
    account = make_account()
    with pytest.raises(service.TariffError, match=message), backend.engine.begin() as conn:
        call(conn, account.login)


def test_a_network_is_priced_by_its_operator_else_its_country_else_the_world():
    plan = Plan(
        (
            zone("RU-MTS", mcc="250", mnc="01"),
            zone("RU", mcc="250"),
            zone("WORLD", mcc=""),
            zone("RU-T2", mcc="250", mnc="20 39"),
        ),
        0,
    )
    assert [model.zone_for(plan, n).zone for n in ("25001", "25039", "25099", "26201")] == [
        "RU-MTS",
        "RU-T2",
        "RU",
        "WORLD",
    ]
    assert model.zone_for(Plan((zone("RU", mcc="250"),), 0), "26201") is None
