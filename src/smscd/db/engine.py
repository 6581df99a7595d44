"""The synchronous SQLAlchemy engine: migrations, the CLI and bulk writes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event

from smscd.db.urls import DatabaseUrl


def sync_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL, foreign keys and full durability."""
    parsed = DatabaseUrl.parse(url)
    engine = create_engine(parsed.sqlalchemy)
    if parsed.is_sqlite:

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            configure_sqlite(dbapi_conn)

    return engine


def configure_sqlite(conn: Any) -> None:
    """Pragmas every SQLite connection of smscd runs with.

    WAL lets readers run beside a writer; ``synchronous=FULL`` makes a commit durable
    before it returns (no acknowledged write lost on power failure).
    """
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA busy_timeout=10000")
