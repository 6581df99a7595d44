"""Numbering plan ranges, the operators they name, and the version workers watch.

The ranges are kept by *generation*: an import writes a whole new generation beside the
current one, then flips ``numbering_state.generation`` to it in one short transaction and
deletes the older generations. Readers load ``WHERE generation = ?`` (a range of the primary
key), so they see either the old plan or the new one, never a mixture. ``version`` grows on
every change a worker must see (an import, an edit of the operators table); each worker
compares it with the version it loaded (service.py).

Numbering data is global: it belongs to no account. Lookups are served from each worker's
memory (index.py), not from these tables.
"""

from sqlalchemy import BigInteger, Column, Integer, String, Table, Text

from smscd.db.metadata import metadata

numbering_ranges = Table(
    "numbering_ranges",
    metadata,
    Column("generation", Integer, primary_key=True),
    # Full numbers, country code included: 79000000000 .. 79000061999.
    Column("first_number", BigInteger, primary_key=True),
    Column("last_number", BigInteger, nullable=False),
    Column("operator", Text, nullable=False),  # as the file writes it: ООО "Т2 Мобайл"
    Column("inn", String(12), nullable=False),  # the operator's tax id; empty in old files
    Column("region", Text, nullable=False),  # the file's "Регион"
    Column("territory", Text, nullable=False),  # the file's "Территория ГАР"; may be empty
)

numbering_operators = Table(
    "numbering_operators",
    metadata,
    Column("inn", String(12), primary_key=True),
    Column("brand", String(128), nullable=False),  # what the API answers in Russian
    Column("brand_en", String(128), nullable=False),  # ... and in English
    Column("mnc", String(3), nullable=False),  # E.212 network code under MCC 250; may be empty
    Column("legal_name", Text, nullable=False),  # matches rows of files without an INN column
)

numbering_state = Table(
    "numbering_state",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),  # always 1: the one row
    Column("version", BigInteger, nullable=False),
    Column("generation", Integer, nullable=False),  # the ranges in force
    Column("next_generation", Integer, nullable=False),  # the next import's
    Column("ranges", Integer, nullable=False),  # rows of the current generation
    Column("imported_at", BigInteger, nullable=False),  # Unix seconds; 0: never
    Column("sources", Text, nullable=False),  # file names of the current plan
)
