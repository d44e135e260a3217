"""Alembic environment: runs migrations on the connection Likeness hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from likeness.storage.tables import metadata

config = context.config
connection = config.attributes.get("connection")


def _run(conn: object) -> None:
    context.configure(
        connection=conn,  # type: ignore[arg-type]
        target_metadata=metadata,
        render_as_batch=True,  # SQLite needs table rebuilds for most ALTERs
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if connection is not None:
    _run(connection)
else:  # plain `alembic` command line use, with sqlalchemy.url set in the config
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("set sqlalchemy.url, or run migrations through `likeness init`")
    with create_engine(url).begin() as conn:
        _run(conn)
