"""Alembic environment: runs on the connection smscd.db.migrate hands over."""

from alembic import context

from smscd.db.metadata import all_tables

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=all_tables(), render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
