"""Shared fixtures: a migrated database on SQLite (always) and PostgreSQL (when configured).

PostgreSQL tests use the server named by ``LIKENESS_TEST_POSTGRES_URL``; each test gets its own
schema, dropped afterwards. Without the variable they skip saying so; with
``LIKENESS_REQUIRE_POSTGRES=1`` (CI) an unreachable server is a failure, never a skip.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import Engine, create_engine, text

from likeness.bootstrap import Container
from likeness.config import Settings, normalize_database_url
from likeness.storage.database import make_engine, upgrade

POSTGRES_URL = os.environ.get("LIKENESS_TEST_POSTGRES_URL")
REQUIRE_POSTGRES = os.environ.get("LIKENESS_REQUIRE_POSTGRES") == "1"


def _postgres_problem() -> str | None:
    if not POSTGRES_URL:
        return "LIKENESS_TEST_POSTGRES_URL is not set (make test sets it)"
    try:
        engine = create_engine(normalize_database_url(POSTGRES_URL))
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
    except Exception as exc:
        return f"PostgreSQL at {POSTGRES_URL} is unreachable: {str(exc).splitlines()[0]}"
    return None


_PG_PROBLEM: str | None = None
_PG_CHECKED = False


def postgres_url_or_skip() -> str:
    """The PostgreSQL URL, or skip (fail in CI) with the reason it cannot be used."""
    global _PG_CHECKED, _PG_PROBLEM
    if not _PG_CHECKED:
        _PG_PROBLEM, _PG_CHECKED = _postgres_problem(), True
    if _PG_PROBLEM:
        if REQUIRE_POSTGRES:
            pytest.fail(_PG_PROBLEM)
        pytest.skip(_PG_PROBLEM)
    assert POSTGRES_URL is not None
    return normalize_database_url(POSTGRES_URL)


@pytest.fixture
def postgres_schema_url() -> Iterator[str]:
    """A URL whose connections use a fresh, empty PostgreSQL schema (dropped afterwards)."""
    base = postgres_url_or_skip()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    yield f"{base}{sep}options={quote(f'-csearch_path={schema}')}"
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database on each backend: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'likeness.db'}"
    url: str = request.getfixturevalue("postgres_schema_url")
    return url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """A migrated database on each backend."""
    eng = make_engine(database_url)
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def container(engine: Engine, database_url: str, tmp_path: Path) -> Container:
    """A container over the migrated database, with its own data directory."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    return Container(Settings(home=home, database_url=database_url), engine)


SCENARIOS = Path(__file__).resolve().parents[2] / "shared" / "scenarios"


@pytest.fixture(scope="session")
def shared_scenarios() -> Path:
    """The public conformance scenarios beside the repository (../shared/scenarios)."""
    if not SCENARIOS.is_dir():
        pytest.fail(f"{SCENARIOS} is missing: the shared folder must sit beside the repository")
    return SCENARIOS
