"""Alembic environment: the engine comes from the portal (``portal db upgrade``), never from an ini file."""

from __future__ import annotations

from alembic import context

from portal.models import Base

config = context.config
engine = config.attributes.get("engine")
if engine is None:  # `alembic` run by hand: build from the environment like the app does
    from portal.config import Settings
    from portal.db import make_engine

    engine = make_engine(Settings.from_env().database_url)

with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
