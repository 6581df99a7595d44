"""Writing incoming messages, in order of receipt (``id`` order is receive order)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Connection, insert

from smscd.incoming.tables import incoming


def insert_incoming(conn: Connection, rows: Iterable[Mapping[str, Any]]) -> int:
    batch = list(rows)
    if batch:
        conn.execute(insert(incoming), batch)
    return len(batch)
