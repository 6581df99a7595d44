"""The whole schema: every domain's tables on the one MetaData (db/metadata.py).

Above the domains, so that db/ never imports them: the migrations are checked against this
(tests/db/test_migrations.py), and autogenerate compares with it
(``smscd.db.migrate.upgrade(engine, target=schema.tables())``).
"""

from __future__ import annotations

from sqlalchemy import MetaData

from smscd.accounts import operators
from smscd.accounts import tables as accounts
from smscd.billing import tables as billing
from smscd.callbacks import tables as callbacks
from smscd.console import tables as console
from smscd.db.metadata import metadata
from smscd.delivery import tables as delivery
from smscd.history import tables as history
from smscd.incoming import tables as incoming
from smscd.limits import tables as limits
from smscd.links import tables as links
from smscd.numbering import tables as numbering
from smscd.sending import tables as sending
from smscd.tariffs import tables as tariffs

MODULES = (
    accounts,
    billing,
    callbacks,
    console,
    delivery,
    history,
    incoming,
    limits,
    links,
    numbering,
    sending,
    tariffs,
    operators,  # the console's operators (docs/console.md)
)


def tables() -> MetaData:
    """The metadata with every domain's tables registered."""
    return metadata
