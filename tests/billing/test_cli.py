"""``smscd rates`` and ``smscd account topup`` through Typer's runner, on the test database."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from smscd.billing.tables import PAYMENT, ledger
from smscd.cli.billing import rates_app
from smscd.cli.main import account_app
from tests.billing.helpers import NOW, add_charges, balances, charge, currency, row

runner = CliRunner()


def run(app: Any, *args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result.output


def test_rates_set_then_list(backend):
    source, target = currency(), currency()
    out = run(rates_app, "set", source.lower(), target, "0.010800", "--database", backend.url)
    assert out.strip() == f"1 {source} = 0.0108 {target}"
    run(rates_app, "set", source, target, "0.0109", "--database", backend.url)
    listing = run(rates_app, "list", "--database", backend.url)
    assert re.search(rf"{source}\s*│\s*{target}\s*│\s*0\.0109\s*│", listing), listing
    assert "0.0108" not in listing


@pytest.mark.parametrize(
    "args",
    [
        ("RUB", "USD", "0"),
        ("RUB", "USD", "-1"),
        ("RUB", "USD", "abc"),
        ("RUB", "USD", "NaN"),
        ("RUB", "USD", "1e12"),
        ("RUB", "USD", "0.0000000000001"),
        ("RUB", "RUB", "1"),
        ("RUBLE", "USD", "1"),
        ("R1B", "USD", "1"),
    ],
)
def test_rates_set_refuses_what_is_not_a_rate(backend, args):
    output = run(rates_app, "set", "--database", backend.url, "--", *args, code=1)
    assert "error" in output


def test_a_rate_set_by_the_cli_converts_statistics(client, backend, make_account):
    own = currency()
    account = make_account(currency=own)
    add_charges(backend.engine, [charge(account.id, NOW - 10, amount=200)])
    run(rates_app, "set", own, "RUB", "1.5", "--database", backend.url)
    assert row(client, account)["credit"] == "3.00"


def test_topup_pays_in_and_prints_the_new_balance(backend, make_account):
    account = make_account()
    add_charges(backend.engine, [charge(account.id, NOW - 10, amount=2550)])
    out = run(account_app, "topup", account.login, "100", "--database", backend.url)
    assert (
        out.strip() == f"{account.login}: 100.00 RUB paid into the main balance; balance 74.50 RUB"
    )
    out = run(
        account_app, "topup", account.login, "0.5", "--balance2", "--note", "promo",
        "--database", backend.url,
    )  # fmt: skip
    assert out.strip().endswith("0.50 RUB paid into the second balance; balance 0.50 RUB")
    assert balances(backend.engine, account.id) == {1: 7450, 2: 50}
    with backend.engine.connect() as conn:
        notes = conn.execute(
            select(ledger.c.balance, ledger.c.amount, ledger.c.note)
            .where(ledger.c.account_id == account.id, ledger.c.kind == PAYMENT)
            .order_by(ledger.c.id)
        ).all()
    assert [tuple(n) for n in notes] == [(1, 10000, ""), (2, 50, "promo")]


@pytest.mark.parametrize("amount", ["0", "-1", "1.005", "abc", "1e20", "Infinity"])
def test_topup_refuses_what_is_not_an_amount(backend, make_account, amount):
    account = make_account()
    output = run(
        account_app, "topup", "--database", backend.url, "--", account.login, amount, code=1
    )
    assert "error" in output


def test_topup_of_an_unknown_login_fails(backend):
    output = run(account_app, "topup", "no-such-login", "10", "--database", backend.url, code=1)
    assert "no account" in output


def test_a_bad_database_url_is_a_clear_error():
    result = runner.invoke(rates_app, ["list", "--database", "mysql://x/y"])
    assert result.exit_code == 2 and "unsupported database" in result.output
