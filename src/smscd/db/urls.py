"""Database URLs: what the user writes, and what each driver wants."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import URL, make_url


@dataclass(frozen=True, slots=True)
class DatabaseUrl:
    """A parsed ``sqlite:///PATH`` or ``postgresql://...`` URL."""

    url: URL

    @classmethod
    def parse(cls, text: str) -> DatabaseUrl:
        url = make_url(text)
        backend = url.get_backend_name()
        if backend not in ("sqlite", "postgresql"):
            raise ValueError(f"unsupported database {backend!r}: use sqlite:/// or postgresql://")
        if backend == "sqlite" and not url.database:
            raise ValueError("an SQLite URL needs a file: sqlite:///PATH")
        return cls(url)

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    @property
    def sqlite_path(self) -> str:
        assert self.url.database
        return self.url.database

    @property
    def sqlalchemy(self) -> URL:
        """For SQLAlchemy and Alembic (psycopg 3 for PostgreSQL)."""
        if self.is_sqlite:
            return self.url.set(drivername="sqlite")
        return self.url.set(drivername="postgresql+psycopg")

    @property
    def asyncpg_dsn(self) -> str:
        return self.url.set(drivername="postgresql").render_as_string(hide_password=False)

    def redacted(self) -> str:
        """For logs and messages: never the password."""
        return self.url.render_as_string(hide_password=True)
