"""Connecting to the database and bringing its schema up to date.

SQLite gets foreign keys on, write-ahead logging, full fsync on commit and a busy timeout; its
transactions are begun explicitly (``BEGIN IMMEDIATE`` for writers) instead of by the driver, so
that two writers queue for the lock rather than failing half-way (SQLAlchemy's documented recipe
for pysqlite). PostgreSQL is used as it is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from likeness.config import normalize_database_url
from likeness.errors import InvalidInputError, StorageError

MIGRATIONS = Path(__file__).parent / "migrations"
#: execution option that makes a SQLite transaction take the write lock at BEGIN
WRITE = "likeness_write"


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine for ``url``; SQLite files get their parent directory created.

    Raises :class:`InvalidInputError` for a URL that cannot be parsed. SQL parameters stay out
    of log lines and error messages (``hide_parameters``): they hold token digests and password
    hashes.
    """
    kwargs.setdefault("hide_parameters", True)
    # as many pooled connections as the server's worker threads use at once: a connection
    # opened past the pool is closed again on return, and opening one (PostgreSQL's fork,
    # SQLite's pragmas) costs more than the queries of a request
    kwargs.setdefault("pool_size", 20)
    kwargs.setdefault("max_overflow", 20)
    url = normalize_database_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise InvalidInputError(
            f"database URL {url!r} cannot be parsed (expected e.g. sqlite:///path/likeness.db "
            "or postgresql://user@host/db)"
        ) from exc
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        else:  # an in-memory database has one connection, not a pool
            kwargs.pop("pool_size")
            kwargs.pop("max_overflow")
        engine = create_engine(url, connect_args={"timeout": 60}, **kwargs)
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def sqlite_file(url: str) -> Path | None:
    """The file a SQLite ``url`` names; None for another database, an in-memory one or a URL
    that cannot be parsed (:func:`make_engine` reports that one)."""
    try:
        parsed = make_url(normalize_database_url(url))
    except ArgumentError:
        return None
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database).expanduser()


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (see module doc)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA busy_timeout=60000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get(WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic configuration pointing at the packaged migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply every migration up to ``revision`` (creating the schema on an empty database)."""
    try:
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), revision)
    except SQLAlchemyError as exc:
        raise StorageError(f"migrating {engine.url.render_as_string()} failed: {exc}") from exc


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None when it has never been migrated."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    """The newest revision of the packaged migrations."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the packaged migrations have no head"
    return head


def is_up_to_date(engine: Engine) -> bool:
    """Whether the database schema is at the newest packaged revision."""
    return current_revision(engine) == head_revision()
