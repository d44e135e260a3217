"""Migrations build the schema on an empty SQLite or PostgreSQL database, matching tables.py.

Two comparisons, on each backend: Alembic's ``compare_metadata`` (tables, columns with their
types, nullability and server defaults, indexes, unique constraints, foreign keys) must report
nothing; and, for what Alembic does not compare (primary keys, check constraints, constraint
names), the schema the migrations build is reflected and compared with the one
``metadata.create_all`` builds on the same backend.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, inspect, text
from sqlalchemy.exc import IntegrityError

import likeness.storage
from likeness.storage import tables as t
from likeness.storage.database import (
    current_revision,
    head_revision,
    is_up_to_date,
    make_engine,
    upgrade,
)
from likeness.storage.tables import metadata
from tests.conftest import postgres_url_or_skip

MIGRATIONS = Path(likeness.storage.__file__).parent / "migrations"


def _differences(engine: Engine) -> list[Any]:
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": True}
        )
        return list(compare_metadata(context, metadata))


def _by_name(items: Sequence[Mapping[str, Any]], *keys: str) -> list[tuple[Any, ...]]:
    return sorted(tuple(str(item.get(key)) for key in keys) for item in items)


def schema_of(engine: Engine) -> dict[str, dict[str, Any]]:
    """Every table of the database as the inspector reflects it (alembic_version left out)."""
    inspector = inspect(engine)
    schema: dict[str, dict[str, Any]] = {}
    for table in sorted(set(inspector.get_table_names()) - {"alembic_version"}):
        pk = inspector.get_pk_constraint(table)
        schema[table] = {
            "columns": [
                (c["name"], str(c["type"]), c["nullable"], c.get("default"))
                for c in inspector.get_columns(table)
            ],
            "primary key": (pk["name"], pk["constrained_columns"]),
            "foreign keys": _by_name(
                inspector.get_foreign_keys(table),
                "name",
                "constrained_columns",
                "referred_table",
                "referred_columns",
            ),
            "indexes": sorted(
                (i["name"], i["column_names"], bool(i["unique"]))
                for i in inspector.get_indexes(table)
            ),
            "unique constraints": _by_name(
                inspector.get_unique_constraints(table), "name", "column_names"
            ),
            "check constraints": _by_name(
                inspector.get_check_constraints(table), "name", "sqltext"
            ),
        }
    return schema


@pytest.fixture
def tables_module_engine(database_url: str, tmp_path: Path) -> Iterator[Engine]:
    """A second empty database on the backend of ``database_url``, built by ``create_all``."""
    if database_url.startswith("sqlite"):
        engine = make_engine(f"sqlite:///{tmp_path / 'create-all.db'}")
        metadata.create_all(engine)
        yield engine
        engine.dispose()
        return
    base = postgres_url_or_skip()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    engine = make_engine(f"{base}{sep}options={quote(f'-csearch_path={schema}')}")
    metadata.create_all(engine)
    yield engine
    engine.dispose()
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def test_migrations_upgrade_an_empty_database_to_head(database_url):
    engine = make_engine(database_url)
    assert current_revision(engine) is None
    upgrade(engine)
    (head,) = ScriptDirectory(str(MIGRATIONS)).get_heads()
    assert current_revision(engine) == head_revision() == head
    assert is_up_to_date(engine)
    assert set(inspect(engine).get_table_names()) == {*metadata.tables, "alembic_version"}
    engine.dispose()


def test_alembic_finds_no_difference_between_the_migrated_schema_and_the_tables_module(engine):
    assert _differences(engine) == []


def test_the_migrated_schema_is_the_one_the_tables_module_creates(engine, tables_module_engine):
    migrated, created = schema_of(engine), schema_of(tables_module_engine)
    assert list(migrated) == sorted(metadata.tables)
    for table in created:
        assert migrated[table] == created[table], table


def test_the_comparisons_see_a_changed_column_index_and_constraint(engine, database_url):
    # the comparisons above would pass vacuously if they compared nothing: change the schema
    # behind Alembic's back and both must notice
    before = schema_of(engine)
    with engine.begin() as conn:
        conn.execute(text("DROP INDEX ix_consents_replica_id"))
        conn.execute(text("ALTER TABLE producers ADD COLUMN motto VARCHAR(20)"))
        if not database_url.startswith("sqlite"):  # SQLite cannot drop a constraint in place
            conn.execute(text("ALTER TABLE consents DROP CONSTRAINT ck_consents_one_subject"))
    kinds = sorted(diff[0] for diff in _differences(engine))
    assert kinds == ["add_index", "remove_column"]
    changed = schema_of(engine)
    assert changed["producers"]["columns"][-1][:3] == ("motto", "VARCHAR(20)", True)
    dropped = [i for i in before["consents"]["indexes"] if i not in changed["consents"]["indexes"]]
    assert dropped == [("ix_consents_replica_id", ["replica_id"], False)]
    if not database_url.startswith("sqlite"):
        assert before["consents"]["check constraints"] == [
            ("ck_consents_one_subject", "(replica_id IS NULL) <> (performer_id IS NULL)")
        ]
        assert changed["consents"]["check constraints"] == []


def test_upgrading_twice_changes_nothing(engine):
    before = schema_of(engine)
    upgrade(engine)
    assert schema_of(engine) == before
    assert _differences(engine) == []


def test_0010_adds_platforms_titles_and_cast_to_a_registry_at_0009(database_url):
    # a production registered before 0010 keeps its row, with no platform; titles and cast of
    # it can then be stored, and the new keys hold
    engine = make_engine(database_url)
    try:
        upgrade(engine, "0009_payments")
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO producers (id, name) VALUES ('S1', 'Studio One')"))
            conn.execute(
                text(
                    "INSERT INTO productions (id, title, producer_id, kind, agreement)"
                    " VALUES ('F1', 'Harbor', 'S1', 'hb-svod', 'sag-aftra-tv-theatrical-2023')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO performers (id, name, category, born)"
                    " VALUES ('P1', 'Dana Ruiz', 'principal', '1990-04-02')"
                )
            )
        assert "production_titles" not in inspect(engine).get_table_names()
        upgrade(engine, "0010_production_details")
        assert current_revision(engine) == "0010_production_details"
        with engine.begin() as conn:
            row = conn.execute(t.productions.select()).one()
            assert (row.id, row.title, row.platform) == ("F1", "Harbor", None)
            conn.execute(
                t.production_titles.insert().values(
                    title="F1-E1",
                    production_id="F1",
                    runtime_minutes=60,
                    premiere=dt.date(2025, 3, 1),
                )
            )
            conn.execute(
                t.production_cast.insert().values(
                    production_id="F1", performer_id="P1", residual_base=Decimal("2000.00")
                )
            )
            cast = conn.execute(t.production_cast.select()).one()
            assert cast.residual_base == Decimal("2000.00")
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(
                t.production_titles.insert().values(
                    title="F1-E2",
                    production_id="F1",
                    runtime_minutes=0,
                    premiere=dt.date(2025, 3, 1),
                )
            )
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(
                t.production_cast.insert().values(
                    production_id="F1", performer_id="P1", residual_base=Decimal("1.00")
                )
            )
    finally:
        engine.dispose()
