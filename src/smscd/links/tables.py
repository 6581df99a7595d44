"""Short links and their click counters.

``links`` holds one row per short link: its random ``code`` (the path of the short URL) and
the original ``url``. ``url_hash`` (the first 64 bits of the URL's SHA-256, signed) stands
in for the URL in the index, because a URL can be longer than PostgreSQL indexes take; it
makes "this account's link to this URL" a point lookup, and its uniqueness per account is
what makes adding the same link twice return the first one.

``link_days`` holds every counter of a link: its clicks per day of the account's calendar
(``day`` is the local date as the integer YYYYMMDD) and, under ``day`` 0
(``queries.TOTAL_DAY``), its clicks ever. ``tinyurls.php?get=1`` reads a handful of rows of
one primary key, never the clicks themselves, and the click writer adds a batch of clicks
with one statement. SQLite stores it WITHOUT ROWID: the rows are clustered by
(link_id, day) and a month is one contiguous range.
"""

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from smscd.db.metadata import Id64, metadata

ACCOUNT_LINKS = text("int_id IS NULL")

links = Table(
    "links",
    metadata,
    Column("id", Id64, primary_key=True, autoincrement=True),
    Column("account_id", Integer, ForeignKey("accounts.id"), nullable=False),
    Column("code", String(16), nullable=False),
    Column("url", Text, nullable=False),
    Column("url_hash", BigInteger, nullable=False),
    Column("created_ts", BigInteger, nullable=False),
    # The message a link was made for (send.php tinyurl=1): a click on it sets that
    # message's status to 4. Such links are one per message and URL; an account's other
    # links are one per URL (the partial unique index).
    Column("int_id", BigInteger, nullable=True),
    UniqueConstraint("code"),
    Index(
        "uq_links_account_id_url_hash",
        "account_id",
        "url_hash",
        unique=True,
        sqlite_where=ACCOUNT_LINKS,
        postgresql_where=ACCOUNT_LINKS,
    ),
)

link_days = Table(
    "link_days",
    metadata,
    Column("link_id", BigInteger, ForeignKey("links.id"), primary_key=True),
    Column("day", Integer, primary_key=True),  # YYYYMMDD in the account's zone; 0: all time
    Column("clicks", BigInteger, nullable=False),
    sqlite_with_rowid=False,
)
