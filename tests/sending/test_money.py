"""Money is exact: over any mix of sends (some refused for money, some failing at the
carrier), payments and delivery rounds, the balance is payments - charges + refunds, the
statistics add up to the ledger, every message is charged once, and the main balance never
goes below minus the credit limit."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, update

from smscd.accounts.tables import accounts
from smscd.billing.tables import CHARGE, PAYMENT, REFUND, ledger
from smscd.history.tables import messages
from smscd.sending import senders
from tests.api import call, call_json
from tests.billing.helpers import NOW, add_payment
from tests.sending import network
from tests.sending.conftest import PART
from tests.tariffs.helpers import add_plan, assign, zone

NUMBERS = [network.DELIVERED, "4915112345679", network.OUTCOMES["rejected"],
           network.OUTCOMES["undeliverable"], "12345"]  # fmt: skip

operations = st.lists(
    st.one_of(
        st.tuples(st.just("send"), st.lists(st.sampled_from(NUMBERS), min_size=1, max_size=4),
                  st.integers(1, 400)),
        st.tuples(st.just("pay"), st.integers(1, 5_000)),
        st.tuples(st.just("deliver")),
    ),
    max_size=12,
)  # fmt: skip


def ledger_sums(engine, account_id) -> dict[int, int]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(ledger.c.kind, func.sum(ledger.c.amount))
            .where(ledger.c.account_id == account_id, ledger.c.balance == 1)
            .group_by(ledger.c.kind)
        ).all()
    sums = {CHARGE: 0, PAYMENT: 0, REFUND: 0}
    sums.update({int(kind): int(total) for kind, total in rows})
    return sums


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=operations, credit=st.integers(0, 3_000), start=st.integers(0, 3_000))
def test_the_ledger_balance_and_statistics_always_agree(
    backend, client, make_account, simulated, ops, credit, start
):
    account = make_account()
    plan = add_plan(backend.engine, zone("WORLD", mcc="", api=PART))
    assign(backend.engine, account, plan)
    with backend.engine.begin() as conn:
        senders.add(conn, account.id, "SMSC.RU", make_default=True)
        conn.execute(update(accounts).where(accounts.c.id == account.id).values(credit=credit))
    if start:
        add_payment(backend.engine, account.id, start, NOW - 60)
    for op in ops:
        if op[0] == "send":
            _, numbers, length = op
            reply = call(client, account, "/sys/send.php", phones=",".join(numbers),
                         mes="x" * length, fmt=1)  # fmt: skip
            assert reply.endswith((",-3", ",-7")) or reply.split(",")[1].isdigit()
        elif op[0] == "pay":
            add_payment(backend.engine, account.id, op[1], NOW)
        else:
            network.deliver(client)
        sums = ledger_sums(backend.engine, account.id)
        balance = sums[PAYMENT] - sums[CHARGE] + sums[REFUND]
        assert call_json(client, account, path="/sys/balance.php")["balance"] == (
            f"{balance / 100:.2f}" if balance >= 0 else f"-{-balance / 100:.2f}"
        )
        assert balance >= -credit
        [stat] = call_json(client, account, get_stat=1)
        assert stat["credit"] == f"{(sums[CHARGE] - sums[REFUND]) / 100:.2f}"
        assert stat["debit"] == f"{sums[PAYMENT] / 100:.2f}"
        with backend.engine.connect() as conn:
            sent = conn.execute(
                select(func.count(), func.coalesce(func.sum(messages.c.cost), 0))
                .where(messages.c.account_id == account.id)
            ).one()  # fmt: skip
            charges = conn.execute(
                select(func.count()).where(ledger.c.account_id == account.id,
                                           ledger.c.kind == CHARGE)
            ).scalar_one()  # fmt: skip
        assert (sent[0], int(sent[1])) == (charges, sums[CHARGE])
