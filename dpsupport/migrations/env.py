"""Alembic environment: uses the app's engine settings (SQLite pragmas included)."""

from __future__ import annotations

from alembic import context

from dpsupport.db import make_engine
from dpsupport.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    given = config.attributes.get("engine")
    url = config.get_main_option("sqlalchemy.url")
    if given is None and not url:
        raise RuntimeError("No database to migrate: set sqlalchemy.url or pass an engine")
    engine = given or make_engine(str(url))
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()
    if given is None:
        engine.dispose()  # closes SQLite's last connection, which checkpoints the WAL


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"),
                      target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
