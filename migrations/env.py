"""Alembic environment: the models' metadata, the URL from DATABASE_URL (or the caller)."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import assistance.models  # noqa: F401  (registers the tables)
from assistance.config import database_url
from assistance.db import make_engine

config = context.config
url = config.attributes.get("database_url") or database_url()
target_metadata = SQLModel.metadata


def run_migrations_offline() -> None:
    context.configure(url=url, target_metadata=target_metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            # SQLite cannot ALTER most things; batch mode rebuilds tables instead.
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
