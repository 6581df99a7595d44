"""Which gateway a database URL gets: SQLite (db/sqlite.py) or PostgreSQL (db/postgres.py)."""

from __future__ import annotations

from smscd.db.gateway import Database
from smscd.db.postgres import PostgresDatabase
from smscd.db.sqlite import SqliteDatabase
from smscd.db.urls import DatabaseUrl


def database(
    url: str,
    sqlite_threads: int = 2,
    pg_pool_size: int = 10,
    group_commit_max: int = 256,
    sqlite_inline_read_ms: float = 0.0,
) -> Database:
    """The database of ``url``, not yet started."""
    parsed = DatabaseUrl.parse(url)
    if parsed.is_sqlite:
        return SqliteDatabase(
            parsed.sqlite_path, sqlite_threads, group_commit_max, sqlite_inline_read_ms
        )
    return PostgresDatabase(parsed.asyncpg_dsn, pg_pool_size)


async def open_database(
    url: str, sqlite_threads: int = 2, pg_pool_size: int = 10, group_commit_max: int = 256
) -> Database:
    """The database of ``url``, started (the caller stops it)."""
    db = database(url, sqlite_threads, pg_pool_size, group_commit_max)
    try:
        await db.start()
    except BaseException:
        await db.stop()
        raise
    return db
