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

from smscd.accounts.service import NewAccount, create_account
from smscd.billing.store import Charge, charge_messages, pay
from smscd.billing.tables import MAIN_BALANCE, SECOND_BALANCE
from smscd.dates import zone_clock

if TYPE_CHECKING:
    from smscd.demo.seed import DemoContext

SUB_LOGIN = "demo-sub"
SUB_SHARE = 20  # demo-sub sends a twentieth (5 %) of what demo sends
SECOND_BALANCE_SHARE = {"demo": 0.10, "demo2": 0.0, SUB_LOGIN: 0.0}
BATCH = 20_000  # messages read back and charged per transaction
TOPUP_STEP = 100_000  # payments are whole thousands (hundredths)


async def seed(context: DemoContext) -> None:
    """Add ``demo-sub`` with its messages, then charge every demo message and pay in."""
    demo_id = context.accounts["demo"]
    with context.engine.begin() as conn:
        sub_id = create_account(
            conn, NewAccount(SUB_LOGIN, SUB_LOGIN, parent="demo"), context.passwords
        )
    counted = await context.db.fetch_one(COUNT_SENT, [demo_id])
    assert counted is not None
    context.accounts[SUB_LOGIN] = sub_id
    await context.add_messages(sub_id, max(int(counted[0]) // SUB_SHARE, 1))
    rng = random.Random(f"{context.seed}-billing")
    for login, share in SECOND_BALANCE_SHARE.items():
        account_id = context.accounts[login]
        for mail in (0, 1):
            await _charge(context, account_id, mail, share, rng)
        await _pay_monthly(context, account_id)


COUNT_SENT = "SELECT COUNT(*) FROM messages WHERE account_id = ?"
# The account's messages of one kind (e-mail or not) after an int_id, in id order.
MESSAGES_AFTER = (
    "SELECT int_id, sms_cnt, cost, send_ts FROM messages"
    " WHERE account_id = ? AND mail = ? AND int_id > ? ORDER BY int_id LIMIT ?"
)
# What each balance is charged per local month (YYYYMM), from the rollup.
SPENT_PER_MONTH = (
    "SELECT balance, day / 100, SUM(credit) FROM ledger_days WHERE account_id = ?"
    " GROUP BY balance, day / 100 ORDER BY balance, day / 100"
)
ZONE = "SELECT timezone FROM accounts WHERE id = ?"


async def _charge(
    context: DemoContext,
    account_id: int,
    mail: int,
    share: float,
    rng: random.Random,
) -> None:
    """Charge the account's messages (e-mail or not), read back in batches by int_id."""
    after = 0
    while True:
        async with context.db.transaction() as tx:
            rows = await tx.fetch_all(MESSAGES_AFTER, [account_id, mail, after, BATCH])
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
            await charge_messages(tx, charges)
        after = rows[-1][0]


async def _pay_monthly(context: DemoContext, account_id: int) -> None:
    """A payment at local midnight on the 1st of each month into each balance, above what
    the balance is charged that month (read from the rollup: its days are local days)."""
    async with context.db.transaction() as tx:
        zone = await tx.fetch_one(ZONE, [account_id])
        assert zone is not None
        clock = zone_clock(ZoneInfo(zone[0]))
        for balance, yyyymm, amount in await tx.fetch_all(SPENT_PER_MONTH, [account_id]):
            if not amount:
                continue
            first = clock.midnight(date(int(yyyymm) // 100, int(yyyymm) % 100, 1))
            paid = (int(amount) // TOPUP_STEP + 1) * TOPUP_STEP
            await pay(tx, account_id, paid, balance, first, "demo monthly top-up")
