"""Schema migrations (Alembic), run the same way on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).with_name("migrations")


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(engine: Engine, revision: str = "heads") -> None:
    """Bring the schema to ``revision`` (the newest by default).

    On SQLite, foreign keys are not enforced while the migrations run: a table that other
    tables refer to is rebuilt by copying it (Alembic's batch mode), which a dropped
    referenced table would otherwise refuse; afterwards every reference is checked, and a
    broken one fails the upgrade.
    """
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")  # only outside a transaction
            conn.commit()
        try:
            with conn.begin():
                config = _config()
                config.attributes["connection"] = conn
                command.upgrade(config, revision)
                if sqlite:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"the migration broke foreign keys: {broken[:5]}")
        finally:
            if sqlite:
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                conn.commit()


def current_revisions(engine: Engine) -> set[str]:
    """The revisions the database is at (empty before the first migration)."""
    with engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads())


def head_revisions() -> set[str]:
    """The newest revisions the code knows."""
    return set(ScriptDirectory.from_config(_config()).get_heads())


def is_current(engine: Engine) -> bool:
    return current_revisions(engine) == head_revisions()
