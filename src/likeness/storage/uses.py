"""Decisions on use requests, uses and pay lines in the database.

A decision is stored whole as JSON (:mod:`likeness.interchange.decisions`), so that asking again
with the same idempotency key returns exactly the first answer. The request is stored as the
producer sent it, and read back with :func:`~likeness.interchange.schemas.request_from_document`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import Connection, Row, insert, select, update
from sqlalchemy.exc import IntegrityError

from likeness.domain.payments import PayLine
from likeness.domain.uses import UseRecord
from likeness.errors import ConflictError, StorageError
from likeness.interchange.decisions import decision_from_json, decision_to_json
from likeness.interchange.schemas import request_from_document
from likeness.storage import tables as t
from likeness.storage.payments import SqlPaymentRepository, line_from_row, with_payments


def _dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


class SqlUseRepository:
    """Stores and finds the answer given to each idempotency key."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def get(self, key: str) -> UseRecord | None:
        """The record stored under ``key``, or None."""
        row = self._conn.execute(
            select(t.use_decisions).where(t.use_decisions.c.key == key)
        ).first()
        return self._build(row) if row else None

    def use(self, use_id: int) -> UseRecord | None:
        """The record of the use with this id, or None."""
        row = self._conn.execute(
            select(t.use_decisions)
            .join(t.uses, t.uses.c.key == t.use_decisions.c.key)
            .where(t.uses.c.id == use_id)
        ).first()
        return self._build(row) if row else None

    def of_performer(self, performer_id: str) -> Sequence[UseRecord]:
        """The uses of the performer's likeness, in the order recorded."""
        rows = self._conn.execute(
            select(t.use_decisions)
            .join(t.uses, t.uses.c.key == t.use_decisions.c.key)
            .where(t.uses.c.performer_id == performer_id)
            .order_by(t.uses.c.id)
        )
        return [self._build(row) for row in rows]

    def decisions(self, producer: str | None = None) -> Sequence[UseRecord]:
        """Every decision recorded (of one producer), allowed or denied, in the order recorded."""
        query = select(t.use_decisions)
        if producer is not None:
            query = query.where(t.use_decisions.c.producer_id == producer)
        rows = self._conn.execute(
            query.order_by(t.use_decisions.c.recorded_at, t.use_decisions.c.key)
        )
        return [self._build(row) for row in rows]

    def _build(self, row: Row[Any]) -> UseRecord:
        document = json.loads(row.request)
        try:
            # checked as a user's file when it was recorded; read back as such, without labels
            request = request_from_document(document)
        except ValueError as exc:
            raise StorageError(
                f"stored request under key {row.key!r} no longer reads as a request: {exc}"
            ) from exc
        decision = decision_from_json(json.loads(row.decision))
        use = self._conn.execute(select(t.uses).where(t.uses.c.key == row.key)).first()
        lines: tuple[PayLine, ...] = ()
        if use is not None:
            lines = tuple(SqlPaymentRepository(self._conn).of_use(use.id))
        return UseRecord(
            key=row.key,
            request=request,
            document=document,
            decision=decision,
            recorded_at=row.recorded_at,
            use_id=use.id if use is not None else None,
            pay_lines=lines,
            ledger_index=use.ledger_index if use is not None else None,
        )

    def add(self, record: UseRecord, performer: str | None) -> UseRecord:
        """Store the decision and, when allowed, the use and its pay lines; return the record
        with its use id. Raises :class:`ConflictError` when the key is already taken."""
        request, decision = record.request, record.decision
        try:
            self._conn.execute(
                insert(t.use_decisions).values(
                    key=record.key,
                    request_id=request.id,
                    producer_id=request.producer,
                    production_id=request.production,
                    allowed=decision.allowed,
                    request=_dumps(record.document),
                    decision=_dumps(decision_to_json(decision)),
                    recorded_at=record.recorded_at,
                )
            )
        except IntegrityError as exc:
            raise ConflictError(f"idempotency key {record.key!r} is already recorded") from exc
        if not decision.allowed:
            return record
        use_id = self._conn.execute(
            insert(t.uses)
            .values(
                key=record.key,
                request_id=request.id,
                kind=str(request.kind),
                producer_id=request.producer,
                production_id=request.production,
                replica_id=request.replica,
                performer_id=performer,
                use=str(request.use),
                date=request.date,
                days=request.days,
                consent_id=decision.consent,
                recorded_at=record.recorded_at,
            )
            .returning(t.uses.c.id)
        ).scalar_one()
        owed = [replace(line, use_id=use_id) for line in record.pay_lines]
        ids = SqlPaymentRepository(self._conn).add_many(owed)
        lines = tuple(replace(line, id=i) for line, i in zip(owed, ids, strict=True))
        return UseRecord(
            record.key,
            request,
            record.document,
            decision,
            record.recorded_at,
            use_id,
            lines,
        )

    def set_ledger_index(self, use_id: int, index: int) -> None:
        """Note the index of the use's ``use-recorded`` ledger entry."""
        self._conn.execute(update(t.uses).where(t.uses.c.id == use_id).values(ledger_index=index))

    def pay_lines(self, performer_id: str | None = None) -> Sequence[PayLine]:
        """Every pay line (of one performer), in the order recorded, with its payment."""
        if performer_id is not None:
            return SqlPaymentRepository(self._conn).of_performer(performer_id)
        query = with_payments().order_by(t.pay_lines.c.id)
        return [line_from_row(row) for row in self._conn.execute(query)]
