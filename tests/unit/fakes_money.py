"""An in-memory fake of the pay line repository (like ``storage.payments``)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from decimal import Decimal
from typing import Any

from likeness.domain.payments import FundShare, LineKind, PayLine, Payment, ProducerDues
from likeness.errors import ConflictError


class FakePayments:
    """Pay lines by id (in the order added) and one payment per line."""

    def __init__(self) -> None:
        self.lines: dict[int, PayLine] = {}
        self.paid: dict[int, Payment] = {}

    def state(self) -> tuple[Any, ...]:
        return dict(self.lines), dict(self.paid)

    def restore(self, state: tuple[Any, ...]) -> None:
        self.lines, self.paid = dict(state[0]), dict(state[1])

    def _full(self, line: PayLine) -> PayLine:
        assert line.id is not None
        return dataclasses.replace(line, payment=self.paid.get(line.id))

    def add_many(self, lines: Sequence[PayLine], first_position: int = 0) -> list[int]:
        ids = []
        for line in lines:
            line_id = len(self.lines) + 1
            self.lines[line_id] = dataclasses.replace(line, id=line_id, payment=None)
            ids.append(line_id)
        return ids

    def set_ledger_index(self, line_ids: Collection[int], index: int) -> None:
        for i in line_ids:
            self.lines[i] = dataclasses.replace(self.lines[i], ledger_index=index)

    def get(self, line_id: int) -> PayLine | None:
        line = self.lines.get(line_id)
        return self._full(line) if line else None

    def reversed_by(self, line_ids: Collection[int]) -> dict[int, int]:
        wanted = set(line_ids)
        return {x.reverses: i for i, x in self.lines.items() if x.reverses in wanted}

    def of_performer(
        self, performer_id: str, start: dt.date | None = None, end: dt.date | None = None
    ) -> list[PayLine]:
        return [
            self._full(x)
            for x in self.lines.values()
            if x.performer == performer_id
            and (start is None or x.date >= start)
            and (end is None or x.date <= end)
        ]

    def residual_lines(self, productions: Iterable[str]) -> list[PayLine]:
        wanted = set(productions)
        return [
            self._full(x)
            for x in self.lines.values()
            if x.residual_run_id is not None and x.production in wanted
        ]

    def add_payment(self, payment: Payment) -> None:
        if payment.line_id in self.paid:
            raise ConflictError(f"pay line {payment.line_id} is already marked paid")
        self.paid[payment.line_id] = payment

    def dues(self) -> list[ProducerDues]:
        report = []
        for producer in sorted({str(x.producer) for x in self.lines.values()}):
            mine = [self._full(x) for x in self.lines.values() if x.producer == producer]
            due = [x for x in mine if x.payment is None]
            owed = sum((x.amount for x in mine), Decimal("0.00"))
            paid = owed - sum((x.amount for x in due), Decimal("0.00"))
            ph = sum((x.amount for x in due if x.kind is LineKind.PENSION_HEALTH), Decimal("0.00"))
            oldest = min((x.date for x in due), default=None)
            report.append(
                ProducerDues(producer, len(mine), owed, paid, owed - paid, ph, len(due), oldest)
            )
        return report

    def unpaid_before(self, day: dt.date) -> list[PayLine]:
        late = [self._full(x) for x in self.lines.values() if x.id not in self.paid]
        return sorted(
            (x for x in late if x.date < day),
            key=lambda x: (str(x.producer), x.date, x.id or 0),
        )

    def fund_shares(self) -> list[FundShare]:
        return []
