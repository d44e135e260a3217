"""Migrations build the schema on an empty SQLite or PostgreSQL database, matching tables.py."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from likeness.storage.database import (
    current_revision,
    head_revision,
    is_up_to_date,
    make_engine,
    upgrade,
)
from likeness.storage.tables import metadata


def test_migrations_upgrade_an_empty_database_to_head(database_url):
    engine = make_engine(database_url)
    assert current_revision(engine) is None
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    assert is_up_to_date(engine)
    assert {"performers", "producers", "productions", "replicas"} <= set(
        inspect(engine).get_table_names()
    )
    engine.dispose()


def test_the_migrated_schema_matches_the_tables_module(engine):
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, metadata)
    assert differences == []


def test_upgrading_twice_changes_nothing(engine):
    before = set(inspect(engine).get_table_names())
    upgrade(engine)
    assert set(inspect(engine).get_table_names()) == before
