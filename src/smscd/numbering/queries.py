"""Numbering SQL on the request path. There is no query per number: lookups are answered
from memory (index.py). A worker asks only for the data's version, at most once every
``SMSCD_NUMBERING_REFRESH_SECONDS`` (a primary-key point lookup), and, when the version
changed, loads the current generation of ranges (a primary-key range scan, each range
joined to its operator by primary key).
"""

from __future__ import annotations

STATE_ID = 1

STATE = "SELECT version, generation, ranges FROM numbering_state WHERE id = ?"

RANGE_COLUMNS = (
    "r.first_number, r.last_number, r.operator, r.region, r.territory, o.brand, o.brand_en, o.mnc"
)

RANGES = (
    f"SELECT {RANGE_COLUMNS} FROM numbering_ranges r"
    " LEFT JOIN numbering_operators o ON o.inn = r.inn"
    " WHERE r.generation = ? ORDER BY r.first_number"
)
