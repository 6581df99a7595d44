"""get_price: which plan prices an account, whose individual prices it sees, zone order."""

from __future__ import annotations

from smscd.tariffs import service
from tests.api import call, call_json
from tests.tariffs.helpers import add_plan, assign, set_prices, zone


def zone_codes(client, account) -> list[str]:
    return [z["zone"] for z in call_json(client, account, get_price=1)["zones"]]


def test_an_account_without_a_plan_gets_the_default_plan(client, backend, make_account):
    add_plan(backend.engine, zone("DEFAULT-A"), zone("DEFAULT-B"), mail=17, default=True)
    reply = call_json(client, make_account(), get_price=1)
    assert [z["zone"] for z in reply["zones"]] == ["DEFAULT-A", "DEFAULT-B"]
    assert reply["mail"] == "0.17"


def test_an_account_on_its_own_plan_gets_that_plan(client, backend, make_account):
    add_plan(backend.engine, zone("DEFAULT"), default=True)
    own = add_plan(backend.engine, zone("OWN"), mail=9)
    account, other = make_account(), make_account()
    assign(backend.engine, account, own)
    assert (
        call(client, account, get_price=1, fmt=1) == "OWN,Зона OWN,1.00,1.00,1.00,1.00,1.00\n\n0.09"
    )
    assert zone_codes(client, other) == ["DEFAULT"]


def test_a_new_default_plan_reaches_accounts_without_their_own(client, backend, make_account):
    add_plan(backend.engine, zone("OLD"), default=True)
    own = add_plan(backend.engine, zone("OWN"))
    on_default, on_own = make_account(), make_account()
    assign(backend.engine, on_own, own)
    add_plan(backend.engine, zone("NEW"), default=True)
    assert zone_codes(client, on_default) == ["NEW"]
    assert zone_codes(client, on_own) == ["OWN"]


def test_unassigning_returns_an_account_to_the_default_plan(client, backend, make_account):
    add_plan(backend.engine, zone("DEFAULT"), default=True)
    account = make_account()
    assign(backend.engine, account, add_plan(backend.engine, zone("OWN")))
    with backend.engine.begin() as conn:
        assert service.unassign_plan(conn, account.login) is True
        assert service.unassign_plan(conn, account.login) is False
    assert zone_codes(client, account) == ["DEFAULT"]


def test_reassigning_replaces_the_plan(client, backend, make_account):
    account = make_account()
    assign(backend.engine, account, add_plan(backend.engine, zone("FIRST")))
    assign(backend.engine, account, add_plan(backend.engine, zone("SECOND")))
    assert zone_codes(client, account) == ["SECOND"]


def test_one_account_never_sees_another_accounts_individual_prices(client, backend, make_account):
    plan = add_plan(backend.engine, zone("Z"))
    alice, bob, carol = make_account(), make_account(), make_account()
    for account in (alice, bob, carol):
        assign(backend.engine, account, plan)
    set_prices(backend.engine, alice, ("25001", 420), ("25002", 430))
    set_prices(backend.engine, bob, ("25001", 399))
    assert call_json(client, alice, get_price=1)["codes"] == [
        {"mccmnc": "25001", "cost": "4.20"},
        {"mccmnc": "25002", "cost": "4.30"},
    ]
    assert call_json(client, bob, get_price=1)["codes"] == [{"mccmnc": "25001", "cost": "3.99"}]
    assert call_json(client, carol, get_price=1)["codes"] == []


def test_a_sub_client_does_not_inherit_its_parents_plan_or_prices(client, backend, make_account):
    add_plan(backend.engine, zone("DEFAULT"), default=True)
    parent = make_account()
    child = make_account(parent=parent.login)
    assign(backend.engine, parent, add_plan(backend.engine, zone("PARENT")))
    set_prices(backend.engine, parent, ("25001", 420))
    reply = call_json(client, child, get_price=1)
    assert ([z["zone"] for z in reply["zones"]], reply["codes"]) == (["DEFAULT"], [])


def test_zones_come_in_the_order_of_the_file(client, backend, make_account):
    account = make_account()
    plan = add_plan(backend.engine, zone("B"), zone("C"), zone("A"))
    assign(backend.engine, account, plan)
    assert zone_codes(client, account) == ["B", "C", "A"]
    add_plan(backend.engine, zone("A"), zone("C"), name=plan)  # imported again, reordered
    assert zone_codes(client, account) == ["A", "C"]


def test_setting_a_price_again_replaces_it_and_unsetting_removes_it(client, backend, make_account):
    account = make_account()
    set_prices(backend.engine, account, ("25001", 420), ("25001", 410), ("250020", 5))
    assert call_json(client, account, get_price=1)["codes"] == [
        {"mccmnc": "25001", "cost": "4.10"},
        {"mccmnc": "250020", "cost": "0.05"},
    ]
    with backend.engine.begin() as conn:
        assert service.unset_price(conn, account.login, "25001") is True
        assert service.unset_price(conn, account.login, "25001") is False
    assert call_json(client, account, get_price=1)["codes"] == [
        {"mccmnc": "250020", "cost": "0.05"}
    ]


def test_wrong_credentials_are_error_2(client, make_account):
    account = make_account()
    assert call(client, account, get_price=1, psw="wrong", fmt=1) == "0,-2"


def test_the_flag_needs_a_value_other_than_0(client, make_account):
    assert call(client, make_account(), get_price=0, fmt=1) == "0,-1"
