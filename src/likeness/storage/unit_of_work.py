"""The SQL unit of work: one connection, one transaction, every repository on it.

Use it as a context manager and call ``commit()``; leaving the block without committing rolls
everything back, so an import lands whole or not at all. Database errors leave as
:class:`~likeness.errors.StorageError` (or :class:`~likeness.errors.ConflictError` for a broken
uniqueness rule), never as driver exceptions.
"""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError

from likeness.errors import ConflictError, StorageError
from likeness.storage.accounts import SqlAccountRepository
from likeness.storage.consent_requests import SqlConsentRequestRepository
from likeness.storage.consents import SqlConsentRepository, SqlStrikeRepository
from likeness.storage.database import WRITE
from likeness.storage.detection import SqlDetectionRepository
from likeness.storage.ledger import SqlLedger
from likeness.storage.notices import SqlNoticeRepository
from likeness.storage.payments import SqlPaymentRepository
from likeness.storage.production_details import SqlCastRepository, SqlTitleRepository
from likeness.storage.repositories import (
    SqlPerformerRepository,
    SqlProducerRepository,
    SqlProductionRepository,
    SqlReplicaRepository,
)
from likeness.storage.residuals import SqlResidualRepository
from likeness.storage.table_rows import SqlTableRows
from likeness.storage.uses import SqlUseRepository


def translate_error(exc: SQLAlchemyError, url: str) -> StorageError | ConflictError:
    """The Likeness error for a SQLAlchemy error (the original stays chained by the caller)."""
    detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
    if isinstance(exc, IntegrityError):
        return ConflictError(f"the database refused the write: {detail}")
    if isinstance(exc, OperationalError):
        return StorageError(f"database {url} failed: {detail} (is it running and reachable?)")
    return StorageError(f"database {url} failed: {detail}")


class SqlUnitOfWork:
    """A transaction over ``engine``; ``write=True`` takes SQLite's write lock at BEGIN.

    After ``commit()`` the next statement begins a new transaction by itself (autobegin).
    """

    def __init__(self, engine: Engine, *, write: bool = True) -> None:
        self._engine = engine
        self._write = write
        self._conn: Connection | None = None

    @property
    def connection(self) -> Connection:
        """The open connection (inside the ``with`` block only)."""
        if self._conn is None:
            raise RuntimeError("the unit of work is not open; use it in a `with` block")
        return self._conn

    def __enter__(self) -> Self:
        url = self._engine.url.render_as_string(hide_password=True)
        try:
            conn = self._engine.connect()
            if self._write:
                conn.execution_options(**{WRITE: True})
            conn.begin()
        except SQLAlchemyError as exc:
            raise translate_error(exc, url) from exc
        self._conn = conn
        self.performers = SqlPerformerRepository(conn)
        self.producers = SqlProducerRepository(conn)
        self.productions = SqlProductionRepository(conn)
        self.replicas = SqlReplicaRepository(conn)
        self.ledger = SqlLedger(conn)
        self.consents = SqlConsentRepository(conn)
        self.strikes = SqlStrikeRepository(conn)
        self.residuals = SqlResidualRepository(conn)  # issue 5
        self.uses = SqlUseRepository(conn)  # issue 4: decisions on uses, uses, pay lines
        self.payments = SqlPaymentRepository(conn)  # SPEC §12: pay lines owed and paid
        self.accounts = SqlAccountRepository(conn)  # SPEC §10: accounts, tokens, sign-ins
        self.consent_requests = SqlConsentRequestRepository(conn)  # SPEC §11
        self.notices = SqlNoticeRepository(conn)  # SPEC §11: the outbox
        self.titles = SqlTitleRepository(conn)  # SPEC §6.1: titles of productions
        self.cast = SqlCastRepository(conn)  # SPEC §6.1: cast members and residual bases
        self.table_rows = SqlTableRows(conn)  # issue 12: whole tables for `ledger audit`
        self.detection = SqlDetectionRepository(conn)  # SPEC §13: enrolments, findings
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            if conn.in_transaction():
                conn.rollback()
        finally:
            conn.close()
        if isinstance(exc, SQLAlchemyError):
            raise translate_error(exc, self._engine.url.render_as_string()) from exc

    def commit(self) -> None:
        """Make everything done in this unit of work durable, all at once."""
        try:
            self.connection.commit()
        except SQLAlchemyError as exc:
            raise translate_error(exc, self._engine.url.render_as_string()) from exc

    def rollback(self) -> None:
        """Undo everything done since the last commit."""
        self.connection.rollback()
