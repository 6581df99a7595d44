"""Alembic environment: runs on the connection smscd.db.migrate hands over.

Migrations never import live domain code (their data is frozen into them); the schema to
compare with, for autogenerate, is handed over by the caller (smscd/schema.py).
"""

from alembic import context

connection = context.config.attributes["connection"]
target = context.config.attributes.get("target_metadata")
context.configure(connection=connection, target_metadata=target, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
