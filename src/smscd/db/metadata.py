"""The one MetaData every domain's ``tables.py`` adds its tables to (smscd/schema.py lists
them all: nothing in db/ knows the domains)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer, MetaData

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
    }
)

# A 64-bit surrogate key that is SQLite's rowid (only INTEGER PRIMARY KEY aliases it).
Id64 = BigInteger().with_variant(Integer(), "sqlite")
# The largest such id (a BIGINT, a rowid): the bound of every id parameter of the API.
MAX_ID = 2**63 - 1
