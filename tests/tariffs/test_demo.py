"""The demo's default plan: realistic, and priced as the demo history was charged."""

from __future__ import annotations

import asyncio

import pytest

from smscd.accounts.service import NewAccount, create_account
from smscd.db import migrate
from smscd.db.engine import sync_engine
from smscd.demo import catalogue as cat
from smscd.demo import tariffs as tariffs_demo
from smscd.demo.seed import DemoContext
from smscd.tariffs import csvfile, model, service
from tests.conftest import TEST_PASSWORDS


def test_the_shipped_file_is_in_the_form_export_writes():
    assert csvfile.write(tariffs_demo.default_plan()) == tariffs_demo.PLAN_FILE.read_text("utf-8")


@pytest.mark.parametrize("network", cat.NETWORKS, ids=lambda n: n.mccmnc)
def test_each_demo_network_is_priced_as_the_catalogue_charged_it(network):
    zone = model.zone_for(tariffs_demo.default_plan(), network.mccmnc)
    assert zone is not None
    assert (zone.api, zone.mass) == (network.price, network.price)


def test_the_plan_covers_russia_the_cis_and_the_world():
    plan = tariffs_demo.default_plan()
    names = {zone.name for zone in plan.zones}
    assert {"МТС", "МегаФон", "Билайн", "Tele2", "Yota", "МОТИВ", "СберМобайл"} <= names
    countries = {zone.country for zone in plan.zones}
    assert {
        "Казахстан",
        "Беларусь",
        "Узбекистан",
        "Армения",
        "Кыргызстан",
        "Таджикистан",
        "Азербайджан",
        "Молдова",
    } <= countries
    assert model.zone_for(plan, "99999") is not None  # the world zone
    assert plan.mail == cat.EMAIL_PRICE


def test_seed_imports_the_default_plan_and_demos_prices(tmp_path):
    engine = sync_engine(f"sqlite:///{tmp_path / 'demo.db'}")
    try:
        migrate.upgrade(engine)
        with engine.begin() as conn:
            demo_id = create_account(conn, NewAccount("demo", "demo"), TEST_PASSWORDS)
        context = DemoContext(engine, None, TEST_PASSWORDS, {"demo": demo_id}, 0, 1, None)  # type: ignore[arg-type]
        asyncio.run(tariffs_demo.seed(context))
        with engine.begin() as conn:
            assert service.export_plan(conn) == ("default", tariffs_demo.default_plan())
            assert service.list_prices(conn, "demo") == list(tariffs_demo.DEMO_PRICES)
    finally:
        engine.dispose()
