"""The ledger's writes: the rollup always holds the ledger's sums; refused writes leave
nothing behind; balances are payments minus charges."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from smscd.accounts.tables import accounts
from smscd.billing import service, store
from smscd.billing.store import LedgerError
from smscd.billing.tables import CHARGE, PAYMENT, ledger, ledger_days
from tests.billing.helpers import NOW, add_charges, add_payment, charge

DB_SETTINGS = settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def rollup(engine, account_id: int) -> dict[tuple[int, int], tuple[int, int, int]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(ledger_days).where(ledger_days.c.account_id == account_id)
        ).mappings()
        return {(r["day"], r["balance"]): (r["sms"], r["credit"], r["debit"]) for r in rows}


def ledger_totals(engine, account_id: int) -> tuple[int, int, int]:
    with engine.connect() as conn:

        def total(*where):
            query = select(func.coalesce(func.sum(ledger.c.amount), 0)).where(
                ledger.c.account_id == account_id, *where
            )
            return conn.execute(query).scalar_one()

        sms = conn.execute(
            select(func.coalesce(func.sum(ledger.c.sms_cnt), 0)).where(
                ledger.c.account_id == account_id, ledger.c.kind == CHARGE, ledger.c.mail == 0
            )
        ).scalar_one()
        return sms, total(ledger.c.kind == CHARGE), total(ledger.c.kind == PAYMENT)


writes = st.lists(
    st.tuples(
        st.integers(0, 40 * 86400),
        st.integers(0, 10_000),
        st.integers(0, 4),
        st.booleans(),
        st.sampled_from([1, 2]),
        st.booleans(),
    ),
    min_size=1,
    max_size=30,
)


@DB_SETTINGS
@given(data=writes, zone=st.sampled_from(["Europe/Moscow", "America/Los_Angeles", "UTC"]))
def test_the_rollup_holds_the_ledgers_sums_and_a_rebuild_changes_nothing(
    backend, make_account, data, zone
):
    account = make_account(timezone=zone)
    for ago, amount, sms, mail, balance, payment in data:
        if payment:
            add_payment(backend.engine, account.id, amount + 1, NOW - ago, balance)
        else:
            add_charges(backend.engine, [charge(account.id, NOW - ago, amount, sms, mail, balance)])
    days = rollup(backend.engine, account.id)
    summed = tuple(sum(figures[i] for figures in days.values()) for i in range(3))
    assert summed == ledger_totals(backend.engine, account.id)
    with backend.engine.begin() as conn:
        store.rebuild_days(conn, account.id)
    assert rollup(backend.engine, account.id) == days


def test_a_rebuild_moves_the_days_into_a_new_time_zone(backend, make_account):
    account = make_account()  # Moscow, UTC+3
    ts = 1_789_938_000  # 21.09.2026 00:00 in Moscow, 20.09.2026 21:00 UTC
    add_charges(backend.engine, [charge(account.id, ts, amount=5)])
    assert set(rollup(backend.engine, account.id)) == {(20260921, 1)}
    with backend.engine.begin() as conn:
        conn.execute(update(accounts).where(accounts.c.id == account.id).values(timezone="UTC"))
        store.rebuild_days(conn, account.id)
    assert rollup(backend.engine, account.id) == {(20260920, 1): (1, 5, 0)}


def test_a_message_is_charged_once_and_a_refused_batch_leaves_nothing(backend, make_account):
    account = make_account()
    first = charge(account.id, NOW - 10)
    add_charges(backend.engine, [first])
    with pytest.raises(IntegrityError):
        add_charges(backend.engine, [charge(account.id, NOW - 5), first])
    assert ledger_totals(backend.engine, account.id) == (1, 144, 0)
    assert rollup(backend.engine, account.id) == {(20260921, 1): (1, 144, 0)}


@pytest.mark.parametrize(
    "bad",
    [
        {"balance": 3},
        {"balance": 0},
        {"amount": -1},
        {"sms_cnt": -1},
    ],
)
def test_charges_refuse_a_bad_balance_or_a_negative_amount(backend, make_account, bad):
    account = make_account()
    fields = {"amount": 10, "sms_cnt": 1, "balance": 1, **bad}
    with pytest.raises(LedgerError):
        add_charges(backend.engine, [charge(account.id, NOW, **fields)])
    assert ledger_totals(backend.engine, account.id) == (0, 0, 0)


@pytest.mark.parametrize(
    "amount,balance,note", [(0, 1, ""), (-5, 1, ""), (5, 3, ""), (5, 1, "x" * 256)]
)
def test_payments_refuse_what_is_not_a_payment(backend, make_account, amount, balance, note):
    account = make_account()
    with pytest.raises(LedgerError), backend.engine.begin() as conn:
        store.pay(conn, account.id, amount, balance, NOW, note)
    assert ledger_totals(backend.engine, account.id) == (0, 0, 0)


def test_an_unknown_account_is_refused(backend):
    with pytest.raises(LedgerError), backend.engine.begin() as conn:
        store.charge_messages(conn, [charge(2_000_000_000, NOW)])


def test_balances_are_payments_minus_charges_per_balance(backend, make_account):
    account = make_account()
    add_payment(backend.engine, account.id, 10_000, NOW - 86400 * 40)
    add_payment(backend.engine, account.id, 500, NOW - 100, balance=2)
    add_charges(
        backend.engine,
        [
            charge(account.id, NOW - 86400 * 39, amount=144),
            charge(account.id, NOW - 50, amount=56, mail=True),
            charge(account.id, NOW - 40, amount=600, balance=2),
        ],
    )
    with backend.engine.connect() as conn:
        assert service.balances(conn, account.id) == {1: 9800, 2: -100}
        assert service.balances(conn, make_account().id) == {1: 0, 2: 0}
