"""Alembic's environment for the HQ store, run in code (tsms.hq.store.upgrade): the
connection comes from tsms, no alembic.ini and no URL here. Batch mode on SQLite, whose
ALTER TABLE cannot change a column (Alembic's "move and copy")."""

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=None,
                  render_as_batch=connection.dialect.name == "sqlite", transaction_per_migration=True)
with context.begin_transaction():
    context.run_migrations()
