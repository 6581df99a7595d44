"""Writing sent messages (demo seed now; the delivery pipeline later).

Rows must be given in send order: ``int_id`` is allocated as they are inserted, and the
history queries rely on id order agreeing with send order (tables.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Connection, insert

from smscd.history.tables import messages

EMAIL_FORMAT = 8


def insert_messages(conn: Connection, rows: Iterable[Mapping[str, Any]]) -> int:
    """Insert sent-message rows (columns of ``messages`` but ``int_id`` and ``mail``)."""
    batch = [{**row, "mail": int(row["format"] == EMAIL_FORMAT)} for row in rows]
    if batch:
        conn.execute(insert(messages), batch)
    return len(batch)
