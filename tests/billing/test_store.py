"""The ledger's writes: the rollup always holds the ledger's sums; refused writes leave
nothing behind; a refund gives a charge back once; balances are payments - charges +
refunds."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, update

from smscd.accounts.tables import accounts
from smscd.billing import store
from smscd.billing.store import LedgerError
from smscd.billing.tables import CHARGE, PAYMENT, REFUND, ledger, ledger_days
from tests.billing.helpers import (
    NOW,
    add_charges,
    add_payment,
    add_refunds,
    balances,
    charge,
)
from tests.factories import write

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
    """From the ledger itself: parts sent (e-mail aside), what was spent, what was paid."""
    with engine.connect() as conn:

        def total(column, kind, *where):
            query = select(func.coalesce(func.sum(column), 0)).where(
                ledger.c.account_id == account_id, ledger.c.kind == kind, *where
            )
            return conn.execute(query).scalar_one()

        not_mail = ledger.c.mail == 0
        sms = total(ledger.c.sms_cnt, CHARGE, not_mail) - total(ledger.c.sms_cnt, REFUND, not_mail)
        spent = total(ledger.c.amount, CHARGE) - total(ledger.c.amount, REFUND)
        return sms, spent, total(ledger.c.amount, PAYMENT)


def entry_count(engine, account_id: int, kind: int) -> int:
    with engine.connect() as conn:
        return conn.execute(
            select(func.count()).where(ledger.c.account_id == account_id, ledger.c.kind == kind)
        ).scalar_one()


writes = st.lists(
    st.tuples(
        st.sampled_from(["charge", "payment", "refund"]),
        st.integers(0, 40 * 86400),  # seconds ago
        st.integers(0, 10_000),  # amount
        st.integers(0, 4),  # parts
        st.booleans(),  # e-mail
        st.sampled_from([1, 2]),  # balance
        st.integers(0, 1000),  # which charge a refund is for
    ),
    min_size=1,
    max_size=30,
)


@DB_SETTINGS
@given(data=writes, zone=st.sampled_from(["Europe/Moscow", "America/Los_Angeles", "UTC"]))
def test_the_rollup_and_balances_hold_the_ledgers_sums_and_a_rebuild_changes_nothing(
    backend, make_account, data, zone
):
    account = make_account(timezone=zone)
    charged: list[int] = []
    paid = {1: 0, 2: 0}
    spent = {1: 0, 2: 0}
    refunded: set[int] = set()
    amounts: dict[int, tuple[int, int]] = {}
    for kind, ago, amount, sms, mail, balance, which in data:
        if kind == "payment":
            add_payment(backend.engine, account.id, amount + 1, NOW - ago, balance)
            paid[balance] += amount + 1
        elif kind == "charge":
            new = charge(account.id, NOW - ago, amount, sms, mail, balance)
            add_charges(backend.engine, [new])
            assert new.int_id is not None
            charged.append(new.int_id)
            amounts[new.int_id] = (balance, amount)
            spent[balance] += amount
        elif charged:
            int_id = charged[which % len(charged)]
            add_refunds(backend.engine, [int_id])
            if int_id not in refunded:
                refunded.add(int_id)
                balance_of, amount_of = amounts[int_id]
                spent[balance_of] -= amount_of
    days = rollup(backend.engine, account.id)
    summed = tuple(sum(figures[i] for figures in days.values()) for i in range(3))
    assert summed == ledger_totals(backend.engine, account.id)
    assert balances(backend.engine, account.id) == {b: paid[b] - spent[b] for b in (1, 2)}
    assert entry_count(backend.engine, account.id, REFUND) == len(refunded)
    assert all(credit >= 0 and sms >= 0 for sms, credit, _ in days.values())
    write(backend.engine, lambda tx: store.rebuild_days(tx, account.id))
    assert rollup(backend.engine, account.id) == days


def test_a_rebuild_moves_the_days_into_a_new_time_zone(backend, make_account):
    account = make_account()  # Moscow, UTC+3
    ts = 1_789_938_000  # 21.09.2026 00:00 in Moscow, 20.09.2026 21:00 UTC
    add_charges(backend.engine, [charge(account.id, ts, amount=5)])
    assert set(rollup(backend.engine, account.id)) == {(20260921, 1)}
    with backend.engine.begin() as conn:
        conn.execute(update(accounts).where(accounts.c.id == account.id).values(timezone="UTC"))
    write(backend.engine, lambda tx: store.rebuild_days(tx, account.id))
    assert rollup(backend.engine, account.id) == {(20260920, 1): (1, 5, 0)}


def test_a_message_is_charged_once_and_a_refused_batch_leaves_nothing(backend, make_account):
    account = make_account()
    first = charge(account.id, NOW - 10)
    add_charges(backend.engine, [first])
    with pytest.raises(Exception, match=r"(?i)unique|duplicate"):
        add_charges(backend.engine, [charge(account.id, NOW - 5), first])
    assert ledger_totals(backend.engine, account.id) == (1, 144, 0)
    assert rollup(backend.engine, account.id) == {(20260921, 1): (1, 144, 0)}


def test_a_refund_gives_the_whole_charge_back_on_its_day_once(backend, make_account):
    account = make_account()
    add_payment(backend.engine, account.id, 1000, NOW - 86400)
    kept, refunded = (
        charge(account.id, NOW - 10, amount=300, sms_cnt=2),
        charge(account.id, NOW - 5, amount=144),
    )
    add_charges(backend.engine, [kept, refunded])
    assert refunded.int_id is not None
    add_refunds(backend.engine, [refunded.int_id])
    add_refunds(backend.engine, [refunded.int_id, 123_456_789_000])  # again; never charged
    assert entry_count(backend.engine, account.id, REFUND) == 1
    assert ledger_totals(backend.engine, account.id) == (2, 300, 1000)
    assert rollup(backend.engine, account.id)[(20260921, 1)] == (2, 300, 0)
    assert balances(backend.engine, account.id) == {1: 700, 2: 0}


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
    with pytest.raises(LedgerError):
        add_payment(backend.engine, account.id, amount, NOW, balance, note)
    assert ledger_totals(backend.engine, account.id) == (0, 0, 0)


def test_an_unknown_account_is_refused(backend):
    with pytest.raises(LedgerError):
        add_charges(backend.engine, [charge(2_000_000_000, NOW)])


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
    assert balances(backend.engine, account.id) == {1: 9800, 2: -100}
    assert balances(backend.engine, make_account().id) == {1: 0, 2: 0}
