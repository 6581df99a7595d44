"""The one MetaData every domain's ``tables.py`` adds its tables to."""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer, MetaData

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# A 64-bit surrogate key that is SQLite's rowid (only INTEGER PRIMARY KEY aliases it).
Id64 = BigInteger().with_variant(Integer(), "sqlite")


def all_tables() -> MetaData:
    """The metadata with every domain's tables registered."""
    from smscd.accounts import tables as _accounts  # noqa: F401
    from smscd.billing import tables as _billing  # noqa: F401
    from smscd.history import tables as _history  # noqa: F401
    from smscd.incoming import tables as _incoming  # noqa: F401
    from smscd.limits import tables as _limits  # noqa: F401
    from smscd.links import tables as _links  # noqa: F401
    from smscd.numbering import tables as _numbering  # noqa: F401
    from smscd.tariffs import tables as _tariffs  # noqa: F401

    return metadata
