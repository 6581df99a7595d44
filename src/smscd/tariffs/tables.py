"""Tariff plans, their zones, which plan an account is on, and accounts' individual prices.

Prices are integer hundredths of the currency (BigInteger), never floats. A plan is what one
CSV file holds (csvfile.py): its zones in file order (``position``) and its e-mail price.
One plan is the default (``is_default = 1``, kept unique by service.py): an account without
a row in ``account_plans`` is priced by it. Individual prices (``account_prices``) belong to
one account and override its plan for one network (``mccmnc``).

Every get_price read is a point or range lookup: ``account_plans`` by its key, the default
plan through ``ix_tariff_plans_is_default``, zones by ``(plan_id, position)``, individual
prices by ``(account_id, mccmnc)`` (queries.py).
"""

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    UniqueConstraint,
)

from smscd.db.metadata import metadata

tariff_plans = Table(
    "tariff_plans",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("mail_price", BigInteger, nullable=False),  # hundredths, one e-mail message
    Column("is_default", SmallInteger, nullable=False, server_default="0"),
    Index(None, "is_default", "id"),  # the default plan: one seek, in id order
)

tariff_zones = Table(
    "tariff_zones",
    metadata,
    Column("plan_id", Integer, ForeignKey("tariff_plans.id"), primary_key=True),
    Column("position", Integer, primary_key=True, autoincrement=False),  # order in the file
    Column("zone", String(32), nullable=False),  # the zone's code, e.g. RU-MTS
    Column("name", String(128), nullable=False),
    Column("country", String(64), nullable=False),
    Column("mcc", String(3), nullable=False),  # '' for the world zone
    Column("mnc", String(64), nullable=False),  # space-separated; '' for a whole country
    Column("api", BigInteger, nullable=False),
    Column("mass", BigInteger, nullable=False),
    Column("mms", BigInteger, nullable=False),
    Column("hlr", BigInteger, nullable=False),
    Column("call", BigInteger, nullable=False),
    UniqueConstraint("plan_id", "zone"),
)

account_plans = Table(
    "account_plans",
    metadata,
    Column("account_id", Integer, ForeignKey("accounts.id"), primary_key=True, autoincrement=False),
    Column("plan_id", Integer, ForeignKey("tariff_plans.id"), nullable=False, index=True),
)

account_prices = Table(
    "account_prices",
    metadata,
    Column("account_id", Integer, ForeignKey("accounts.id"), primary_key=True),
    Column("mccmnc", String(6), primary_key=True),
    Column("cost", BigInteger, nullable=False),  # hundredths
)
