"""Pay lines, payments and the union's money reports in the database (SPEC §12).

Money on SQLite is text (see :class:`~likeness.storage.types.Money`). Sums in SQL are sums of
whole cents there: each amount becomes ``ROUND(CAST(amount AS NUMERIC) * 100)``, an exact
integer for any amount below 2**53 cents, and the sum of integers is exact. PostgreSQL sums
NUMERIC. No total is ever a binary float."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Connection,
    Integer,
    Numeric,
    Row,
    and_,
    case,
    cast,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.elements import ColumnElement, UnaryExpression
from sqlalchemy.sql.operators import custom_op

from likeness.domain.payments import (
    FundShare,
    LineKind,
    LineSource,
    PayLine,
    Payment,
    ProducerDues,
)
from likeness.errors import ConflictError
from likeness.storage import tables as t

_L = t.pay_lines.c
_P = t.payments.c
_CENT = Decimal("0.01")
# rows per INSERT batch (bound parameters stay far below SQLite's and PostgreSQL's limits)
_BATCH = 2_000


def line_values(line: PayLine, position: int) -> dict[str, Any]:
    """The row of ``line`` (``position``: its place among the lines of its use or run)."""
    return {
        "use_id": line.use_id,
        "position": position,
        "kind": str(line.kind),
        "performer_id": line.performer,
        "production_id": line.production,
        "date": line.date,
        "amount": line.amount,
        "currency": line.currency,
        "basis": line.basis,
        "rule": line.rule,
        "rate_row": line.rate_row,
        "producer_id": line.producer,
        "source": str(line.source),
        "residual_run_id": line.residual_run_id,
        "subject": line.subject,
        "what": line.what,
        "quantity": line.quantity,
        "reverses": line.reverses,
        "reason": line.reason,
        "ledger_index": line.ledger_index,
    }


def line_from_row(row: Row[Any]) -> PayLine:
    """The pay line of a ``pay_lines`` row (outer-joined with ``payments``: ``paid_on``...)."""
    paid_on = getattr(row, "paid_on", None)
    payment = (
        Payment(row.id, paid_on, row.reference, row.recorded_by, row.recorded_at, row.payment_index)
        if paid_on is not None
        else None
    )
    return PayLine(
        kind=LineKind(row.kind),
        performer=row.performer_id,
        production=row.production_id,
        date=row.date,
        amount=row.amount,
        currency=row.currency,
        basis=row.basis,
        rule=row.rule,
        rate_row=row.rate_row,
        id=row.id,
        producer=row.producer_id,
        source=LineSource(row.source),
        use_id=row.use_id,
        residual_run_id=row.residual_run_id,
        subject=row.subject,
        what=row.what,
        quantity=row.quantity,
        reverses=row.reverses,
        reason=row.reason,
        ledger_index=row.ledger_index,
        payment=payment,
    )


def with_payments() -> Any:
    return select(
        t.pay_lines,
        _P.paid_on,
        _P.reference,
        _P.recorded_by,
        _P.recorded_at,
        _P.ledger_index.label("payment_index"),
    ).outerjoin(t.payments, _P.line_id == _L.id)


class SqlPaymentRepository:
    """Pay lines are added, never changed; a payment is added once per line."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def _cents(self, expression: ColumnElement[Any]) -> ColumnElement[Any]:
        """The sum of a money expression, exactly: NUMERIC on PostgreSQL, cents on SQLite."""
        if self._conn.dialect.name == "postgresql":
            return func.coalesce(func.sum(expression), 0)
        return func.coalesce(
            func.sum(cast(func.round(cast(expression, Numeric) * 100), Integer)), 0
        )

    def _group_key(self, column: ColumnElement[Any]) -> ColumnElement[Any]:
        """``column`` to group every line by: ``+column`` on SQLite, where the unary plus (a
        no-op on the value) stops the planner from walking the column's index to skip a sort.
        Walking it reads the table in index order, a random row read per line: about twice as
        slow at a million lines as scanning the table and sorting the groups."""
        if self._conn.dialect.name == "postgresql":
            return column
        return UnaryExpression(column, operator=custom_op("+"), type_=column.type)

    def _money(self, value: Any) -> Decimal:
        if self._conn.dialect.name == "postgresql":
            return Decimal(value).quantize(_CENT)
        return (Decimal(int(value)) / 100).quantize(_CENT)

    def add_many(self, lines: Sequence[PayLine], first_position: int = 0) -> list[int]:
        """Insert ``lines``; return their ids in order."""
        ids: list[int] = []
        for offset, line in enumerate(lines):
            values = line_values(line, first_position + offset)
            ids.append(
                self._conn.execute(
                    insert(t.pay_lines).values(**values).returning(_L.id)
                ).scalar_one()
            )
        return ids

    def set_ledger_index(self, line_ids: Collection[int], index: int) -> None:
        """Record that entry ``index`` of the ledger wrote these lines."""
        ids = list(line_ids)
        for start in range(0, len(ids), _BATCH):
            self._conn.execute(
                update(t.pay_lines)
                .where(_L.id.in_(ids[start : start + _BATCH]))
                .values(ledger_index=index)
            )

    def get(self, line_id: int) -> PayLine | None:
        """The line with this id (with its payment), or None."""
        row = self._conn.execute(with_payments().where(_L.id == line_id)).first()
        return line_from_row(row) if row is not None else None

    def reversed_by(self, line_ids: Collection[int]) -> dict[int, int]:
        """For each of ``line_ids`` that a later line reverses: that line's id."""
        found: dict[int, int] = {}
        ids = list(line_ids)
        for start in range(0, len(ids), _BATCH):
            query = select(_L.reverses, _L.id).where(_L.reverses.in_(ids[start : start + _BATCH]))
            found.update({int(r.reverses): int(r.id) for r in self._conn.execute(query)})
        return found

    def of_performer(
        self, performer_id: str, start: dt.date | None = None, end: dt.date | None = None
    ) -> list[PayLine]:
        """The performer's lines dated within [start, end], in the order recorded, with payments."""
        query = with_payments().where(_L.performer_id == performer_id)
        if start is not None:
            query = query.where(_L.date >= start)
        if end is not None:
            query = query.where(_L.date <= end)
        return [line_from_row(r) for r in self._conn.execute(query.order_by(_L.id))]

    def of_use(self, use_id: int) -> list[PayLine]:
        """The lines of one use, in order."""
        query = with_payments().where(_L.use_id == use_id).order_by(_L.position)
        return [line_from_row(r) for r in self._conn.execute(query)]

    def residual_lines(self, productions: Iterable[str]) -> list[PayLine]:
        """Every line that came from residual runs (and their corrections) for ``productions``."""
        wanted = sorted(set(productions))
        lines: list[PayLine] = []
        for start in range(0, len(wanted), _BATCH):
            query = (
                with_payments()
                .where(
                    _L.residual_run_id.is_not(None),
                    _L.production_id.in_(wanted[start : start + _BATCH]),
                )
                .order_by(_L.id)
            )
            lines.extend(line_from_row(r) for r in self._conn.execute(query))
        return lines

    def add_payment(self, payment: Payment) -> None:
        """Record ``payment``; :class:`ConflictError` if the line was already paid."""
        try:
            with self._conn.begin_nested():
                self._conn.execute(
                    insert(t.payments).values(
                        line_id=payment.line_id,
                        paid_on=payment.paid_on,
                        reference=payment.reference,
                        recorded_by=payment.recorded_by,
                        recorded_at=payment.recorded_at.astimezone(dt.UTC).replace(tzinfo=None),
                        ledger_index=payment.ledger_index,
                    )
                )
        except IntegrityError as exc:
            raise ConflictError(f"pay line {payment.line_id} is already marked paid") from exc

    def dues(self) -> list[ProducerDues]:
        """Per producer: lines, owed, paid and due (pension and health apart), oldest due."""
        unpaid = _P.line_id.is_(None)
        reversed_ids = select(t.pay_lines.c.reverses).where(t.pay_lines.c.reverses.is_not(None))
        # due and standing: unpaid, neither reversed nor a reversal (a pair nets to zero)
        open_due = and_(unpaid, _L.reverses.is_(None), _L.id.not_in(reversed_ids))
        amount = _L.amount
        group = self._group_key(_L.producer_id)
        query = (
            select(
                group,
                func.count(),
                self._cents(amount),
                self._cents(case((_P.line_id.is_not(None), amount))),
                self._cents(case((and_(unpaid, _L.kind == str(LineKind.PENSION_HEALTH)), amount))),
                func.sum(case((open_due, 1), else_=0)),
                func.min(case((open_due, _L.date))),
            )
            .select_from(t.pay_lines.outerjoin(t.payments, _P.line_id == _L.id))
            .group_by(group)
            .order_by(group)
        )
        report = []
        for producer, lines, owed, paid, ph_due, lines_due, oldest in self._conn.execute(query):
            owed_d, paid_d = self._money(owed), self._money(paid)
            report.append(
                ProducerDues(
                    producer=producer,
                    lines=int(lines),
                    owed=owed_d,
                    paid=paid_d,
                    due=owed_d - paid_d,
                    pension_health_due=self._money(ph_due),
                    lines_due=int(lines_due or 0),
                    oldest_due=_as_date(oldest),
                )
            )
        return report

    def unpaid_before(self, day: dt.date) -> list[PayLine]:
        """Lines not paid and dated before ``day``, oldest first (reversed pairs included)."""
        query = (
            with_payments()
            .where(_P.line_id.is_(None), _L.date < day)
            .order_by(_L.producer_id, _L.date, _L.id)
        )
        return [line_from_row(r) for r in self._conn.execute(query)]

    def fund_shares(self) -> list[FundShare]:
        """The fund share of each production year, as its latest residual run computed it."""
        y = t.residual_years.c
        latest = (
            select(y.production, y.year, func.max(y.run_id).label("run_id"))
            .group_by(y.production, y.year)
            .subquery()
        )
        query = (
            select(y.production, y.year, y.qualified, y.fund, y.run_id)
            .join(
                latest,
                and_(
                    latest.c.production == y.production,
                    latest.c.year == y.year,
                    latest.c.run_id == y.run_id,
                ),
            )
            .order_by(y.production, y.year)
        )
        return [
            FundShare(r.production, r.year, bool(r.qualified), r.fund, int(r.run_id))
            for r in self._conn.execute(query)
        ]


def _as_date(value: Any) -> dt.date | None:
    """A date from an aggregate (SQLite's MIN over a date column gives back text)."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))
