"""The demo seed's ledger: every demo message charged exactly its cost, a sub-client with
its own messages, a tenth of demo's charges from the second balance, balances that never go
negative; get_stat over the demo agrees with the messages themselves."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

import pytest
from sqlalchemy import func, select
from starlette.testclient import TestClient

from smscd import money
from smscd.accounts.passwords import Passwords
from smscd.accounts.tables import accounts
from smscd.app import create_app
from smscd.billing.tables import CHARGE, PAYMENT, ledger, ledger_days
from smscd.db.engine import sync_engine
from smscd.demo import seed as demo_seed
from smscd.history.tables import messages
from smscd.settings import load_settings
from tests.api import call_json
from tests.billing.helpers import MOSCOW, NOW, fresh_database
from tests.conftest import TEST_SETTINGS

DEMO_MESSAGES = 2000


@pytest.fixture(scope="module")
def demo(backend, tmp_path_factory):
    with fresh_database(backend, tmp_path_factory.mktemp("demo")) as url:
        engine = sync_engine(url)
        demo_seed.seed(engine, Passwords(1, 64), messages=DEMO_MESSAGES, seed=5, now=NOW)
        with engine.connect() as conn:
            ids = dict(conn.execute(select(accounts.c.login, accounts.c.id)).all())
        yield url, engine, ids
        engine.dispose()


def test_demo_sub_is_a_sub_client_of_demo_with_a_twentieth_of_its_messages(demo):
    _url, engine, ids = demo
    with engine.connect() as conn:
        parent = conn.execute(
            select(accounts.c.parent_id).where(accounts.c.login == "demo-sub")
        ).scalar_one()
        count = conn.execute(
            select(func.count()).where(messages.c.account_id == ids["demo-sub"])
        ).scalar_one()
    assert parent == ids["demo"]
    assert count == DEMO_MESSAGES // 20


def test_every_message_is_charged_exactly_once_at_its_cost(demo):
    _url, engine, ids = demo
    with engine.connect() as conn:
        joined = (
            select(
                messages.c.account_id,
                func.count(),
                func.count(ledger.c.id),
                func.sum(messages.c.cost),
                func.sum(ledger.c.amount),
            )
            .select_from(messages.outerjoin(ledger, ledger.c.int_id == messages.c.int_id))
            .group_by(messages.c.account_id)
        )
        per_account = {row[0]: tuple(row[1:]) for row in conn.execute(joined)}
        mismatched = conn.execute(
            select(func.count())
            .select_from(messages.join(ledger, ledger.c.int_id == messages.c.int_id))
            .where(
                (ledger.c.amount != messages.c.cost)
                | (ledger.c.sms_cnt != messages.c.sms_cnt)
                | (ledger.c.mail != messages.c.mail)
                | (ledger.c.ts != messages.c.send_ts)
                | (ledger.c.account_id != messages.c.account_id)
            )
        ).scalar_one()
        charges = conn.execute(select(func.count()).where(ledger.c.kind == CHARGE)).scalar_one()
    assert set(per_account) == {ids["demo"], ids["demo2"], ids["demo-sub"]}
    for sent, charged, cost, amount in per_account.values():
        assert sent == charged and cost == amount
    assert mismatched == 0
    assert charges == sum(figures[0] for figures in per_account.values())


def test_a_tenth_of_demos_charges_come_from_the_second_balance(demo):
    _url, engine, ids = demo
    with engine.connect() as conn:
        shares = dict(
            conn.execute(
                select(ledger.c.balance, func.count())
                .where(ledger.c.account_id == ids["demo"], ledger.c.kind == CHARGE)
                .group_by(ledger.c.balance)
            ).all()
        )
        others = conn.execute(
            select(func.count()).where(
                ledger.c.account_id.in_([ids["demo2"], ids["demo-sub"]]), ledger.c.balance == 2
            )
        ).scalar_one()
    assert 0.07 < shares[2] / (shares[1] + shares[2]) < 0.13
    assert others == 0


def test_monthly_payments_keep_every_balance_positive(demo):
    _url, engine, ids = demo
    with engine.connect() as conn:
        entries = conn.execute(
            select(ledger.c.account_id, ledger.c.balance, ledger.c.kind, ledger.c.amount).order_by(
                ledger.c.ts, ledger.c.kind.desc(), ledger.c.id
            )  # payments first on a tie
        ).all()
    running: dict[tuple[int, int], int] = defaultdict(int)
    lowest = 0
    for account_id, balance, kind, amount in entries:
        running[(account_id, balance)] += amount if kind == PAYMENT else -amount
        lowest = min(lowest, running[(account_id, balance)])
    assert lowest >= 0
    assert all(running[(ids[login], 1)] > 0 for login in ("demo", "demo2", "demo-sub"))
    assert running[(ids["demo"], 2)] > 0


def test_the_rollup_holds_the_ledgers_sums(demo):
    _url, engine, _ids = demo
    with engine.connect() as conn:
        rolled = conn.execute(
            select(func.sum(ledger_days.c.credit), func.sum(ledger_days.c.debit))
        ).one()
        kept = conn.execute(
            select(
                func.sum(ledger.c.amount).filter(ledger.c.kind == CHARGE),
                func.sum(ledger.c.amount).filter(ledger.c.kind == PAYMENT),
            )
        ).one()
    assert tuple(rolled) == tuple(kept)


@pytest.mark.parametrize("start,end", [("21.03.2026", "21.09.2026"), ("01.08.2026", "31.08.2026")])
def test_get_stat_adds_up_the_periods_messages(demo, start, end):
    """The invariant a user can check: a period's credit is the cost of its messages, its
    sms the parts of its messages but e-mail, selected as the history selects them."""
    url, engine, _ids = demo
    low = int(datetime.strptime(start, "%d.%m.%Y").replace(tzinfo=MOSCOW).timestamp())
    high = int(datetime.strptime(end, "%d.%m.%Y").replace(tzinfo=MOSCOW).timestamp()) + 86400
    with engine.connect() as conn:
        sums = {
            row[0]: (row[1], row[2])
            for row in conn.execute(
                select(
                    accounts.c.login,
                    func.coalesce(func.sum(messages.c.sms_cnt).filter(messages.c.mail == 0), 0),
                    func.sum(messages.c.cost),
                )
                .join(accounts, accounts.c.id == messages.c.account_id)
                .where(messages.c.send_ts >= low, messages.c.send_ts < high)
                .group_by(accounts.c.login)
            )
        }
    settings = load_settings(database_url=url, **TEST_SETTINGS)
    with TestClient(create_app(settings, clock=lambda: NOW)) as client:
        demo_rows = call_json(client, None, get_stat=1, login="demo", psw="demo", start=start,
                              end=end)  # fmt: skip
    assert [r["login"] for r in demo_rows] == ["demo", "demo-sub"]
    for record in demo_rows:
        sms, cost = sums[record["login"]]
        assert (record["sms"], record["credit"]) == (str(int(sms)), money.to_text(int(cost)))
