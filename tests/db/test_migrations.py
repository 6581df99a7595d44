"""The migrations build exactly the schema the code declares, on every backend."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from smscd.db import migrate
from smscd.schema import tables


def test_migrated_schema_matches_the_tables_modules(backend):
    with backend.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), tables())
    assert diff == []


def test_the_database_is_at_the_newest_revision(backend):
    assert migrate.is_current(backend.engine)


def test_upgrading_again_changes_nothing(backend):
    migrate.upgrade(backend.engine)
    assert migrate.current_revisions(backend.engine) == migrate.head_revisions()


def test_one_line_of_revisions():
    assert len(migrate.head_revisions()) == 1
