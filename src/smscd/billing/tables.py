"""The ledger, its daily rollup, and the currency rates the operator maintains.

``ledger`` holds every charge for a message and every payment into an account, with the
balance it concerns (1 the main balance, 2 the second, "electronic" one), as integer
hundredths of the account's currency. ``ledger_days`` is its rollup per account, local day
(in the account's time zone, ``YYYYMMDD``) and balance, written in the same transaction as
the ledger rows (store.py), so that ``get_stat`` reads a few hundred rows over six months
instead of every charge (docs/billing.md, "How statistics stay fast").
"""

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Table,
    UniqueConstraint,
)

from smscd.db.metadata import Id64, metadata

CHARGE = 1  # ledger.kind: a message was paid for (amount >= 0)
PAYMENT = 2  # ledger.kind: money paid into the account (amount > 0)
REFUND = 3  # ledger.kind: a message's charge given back (amount: the charge's)
MAIN_BALANCE = 1
SECOND_BALANCE = 2  # the "electronic" balance of the reference's ``balance2``
BALANCES = (MAIN_BALANCE, SECOND_BALANCE)

ledger = Table(
    "ledger",
    metadata,
    Column("id", Id64, primary_key=True, autoincrement=True),
    Column("account_id", Integer, ForeignKey("accounts.id"), nullable=False),
    Column("kind", SmallInteger, nullable=False),  # CHARGE, PAYMENT or REFUND
    Column("balance", SmallInteger, nullable=False),  # MAIN_BALANCE or SECOND_BALANCE
    Column("amount", BigInteger, nullable=False),  # hundredths of the account's currency
    Column("ts", BigInteger, nullable=False),  # a charge, a refund: the message's send time
    Column("int_id", BigInteger, nullable=True),  # the message: one charge, one refund
    Column("sms_cnt", Integer, nullable=False),  # a charge, a refund: its parts; else 0
    Column("mail", SmallInteger, nullable=False),  # a charge, a refund: 1 for an e-mail
    Column("note", String(255), nullable=False),  # a payment: the operator's note
    UniqueConstraint("int_id", "kind"),
    Index(None, "account_id", "ts"),
)

ledger_days = Table(
    "ledger_days",
    metadata,
    Column("account_id", Integer, ForeignKey("accounts.id"), nullable=False),
    Column("day", Integer, nullable=False),  # the local date, YYYYMMDD
    Column("balance", SmallInteger, nullable=False),
    Column("sms", BigInteger, nullable=False),  # parts of the day's messages but e-mail
    Column("credit", BigInteger, nullable=False),  # charged that day, e-mail included
    Column("debit", BigInteger, nullable=False),  # paid in that day
    PrimaryKeyConstraint("account_id", "day", "balance"),
)

# Each balance of each account: payments - charges + refunds, kept in the same transaction
# as the ledger rows (store.py). send.php reads and guards it in one row (error 3).
ledger_balances = Table(
    "ledger_balances",
    metadata,
    Column("account_id", Integer, ForeignKey("accounts.id"), nullable=False),
    Column("balance", SmallInteger, nullable=False),
    Column("amount", BigInteger, nullable=False),
    PrimaryKeyConstraint("account_id", "balance"),
)

currency_rates = Table(
    "currency_rates",
    metadata,
    Column("from_currency", String(3), nullable=False),
    Column("to_currency", String(3), nullable=False),
    # A decimal in text: exact on both databases (no binary float, no driver-specific
    # Numeric); 1 unit of from_currency is worth ``rate`` units of to_currency.
    Column("rate", String(40), nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    PrimaryKeyConstraint("from_currency", "to_currency"),
)
