"""Demo data of the billing domain: the sub-client ``demo-sub`` and the ledger.

Every demo message (of ``demo``, ``demo2`` and ``demo-sub``) is charged exactly its
``cost``, so a period's charges add up to the cost of its messages; about a tenth of
``demo``'s charges are paid from the second balance. Each month starts with a payment into
each balance that spent money that month, rounded up past what the month spends, so that
no balance ever goes negative. Deterministic, like the rest of the demo.
"""

from __future__ import annotations

import random
from datetime import date
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, func, select

from smscd.accounts.service import NewAccount, create_account
from smscd.accounts.tables import accounts
from smscd.billing.store import Charge, charge_messages, pay
from smscd.billing.tables import MAIN_BALANCE, SECOND_BALANCE, ledger_days
from smscd.dates import zone_clock
from smscd.history.tables import messages

if TYPE_CHECKING:
    from smscd.demo.seed import DemoContext

SUB_LOGIN = "demo-sub"
SUB_SHARE = 20  # demo-sub sends a twentieth (5 %) of what demo sends
SECOND_BALANCE_SHARE = {"demo": 0.10, "demo2": 0.0, SUB_LOGIN: 0.0}
BATCH = 20_000  # messages read back and charged per transaction
TOPUP_STEP = 100_000  # payments are whole thousands (hundredths)


def seed(context: DemoContext) -> None:
    """Add ``demo-sub`` with its messages, then charge every demo message and pay in."""
    demo_id = context.accounts["demo"]
    with context.engine.begin() as conn:
        sub_id = create_account(
            conn, NewAccount(SUB_LOGIN, SUB_LOGIN, parent="demo"), context.passwords
        )
        demo_sent = conn.execute(
            select(func.count()).select_from(messages).where(messages.c.account_id == demo_id)
        ).scalar_one()
    context.accounts[SUB_LOGIN] = sub_id
    context.add_messages(sub_id, max(demo_sent // SUB_SHARE, 1))
    rng = random.Random(f"{context.seed}-billing")
    for login, share in SECOND_BALANCE_SHARE.items():
        account_id = context.accounts[login]
        for mail in (0, 1):
            _charge(context, account_id, mail, share, rng)
        with context.engine.begin() as conn:
            _pay_monthly(conn, account_id)


def _charge(
    context: DemoContext,
    account_id: int,
    mail: int,
    share: float,
    rng: random.Random,
) -> None:
    """Charge the account's messages (e-mail or not), read back in batches by int_id."""
    after = 0
    while True:
        with context.engine.begin() as conn:
            rows = conn.execute(
                select(messages.c.int_id, messages.c.sms_cnt, messages.c.cost, messages.c.send_ts)
                .where(
                    messages.c.account_id == account_id,
                    messages.c.mail == mail,
                    messages.c.int_id > after,
                )
                .order_by(messages.c.int_id)
                .limit(BATCH)
            ).all()
            if not rows:
                return
            charges = [
                Charge(
                    account_id=account_id,
                    int_id=int_id,
                    sms_cnt=sms_cnt,
                    mail=bool(mail),
                    amount=cost,
                    balance=SECOND_BALANCE if rng.random() < share else MAIN_BALANCE,
                    ts=send_ts,
                )
                for int_id, sms_cnt, cost, send_ts in rows
            ]
            charge_messages(conn, charges)
        after = rows[-1][0]


def _pay_monthly(conn: Connection, account_id: int) -> None:
    """A payment at local midnight on the 1st of each month into each balance, above what
    the balance is charged that month (read from the rollup: its days are local days)."""
    zone = conn.execute(select(accounts.c.timezone).where(accounts.c.id == account_id))
    clock = zone_clock(ZoneInfo(zone.scalar_one()))
    month = ledger_days.c.day // 100
    spent = conn.execute(
        select(ledger_days.c.balance, month, func.sum(ledger_days.c.credit))
        .where(ledger_days.c.account_id == account_id)
        .group_by(ledger_days.c.balance, month)
        .order_by(ledger_days.c.balance, month)
    ).all()
    for balance, yyyymm, amount in spent:
        if not amount:
            continue
        first = clock.midnight(date(int(yyyymm) // 100, int(yyyymm) % 100, 1))
        paid = (int(amount) // TOPUP_STEP + 1) * TOPUP_STEP
        pay(conn, account_id, paid, balance, first, "demo monthly top-up")
