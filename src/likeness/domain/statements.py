"""A performer's statement for a period (SPEC §12): every line, subtotals by production, totals.

The totals are sums of the lines and nothing else, so every output (JSON, CSV, PDF, portal)
shows the same cents: ``owed = pay + pension_health`` and ``paid + due = owed``.

>>> import datetime as dt
>>> from decimal import Decimal
>>> from likeness.domain.payments import LineKind, PayLine
>>> day = dt.date(2026, 3, 2)
>>> pay = PayLine(LineKind.PAY, "P1", "F1", day, Decimal("100.00"), "USD", None, "r", "row",
...               id=1, producer="S1")
>>> ph = PayLine(LineKind.PENSION_HEALTH, "P1", "F1", day, Decimal("21.00"), "USD", None, "r",
...              "row", id=2, producer="S1")
>>> s = build_statement("P1", "Dana", day, day, [pay, ph], {})
>>> (s.totals.pay, s.totals.pension_health, s.totals.owed, s.totals.due)
(Decimal('100.00'), Decimal('21.00'), Decimal('121.00'), Decimal('121.00'))
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from likeness.domain.payments import LineStatus, PayLine

_ZERO = Decimal("0.00")
#: the longest period one statement covers (ten years and leap days)
MAX_PERIOD_DAYS = 3_660


@dataclass(frozen=True, slots=True)
class Totals:
    """Sums over lines: pay (everything but pension and health), pension and health, owed (the
    two together), paid and due."""

    pay: Decimal
    pension_health: Decimal
    owed: Decimal
    paid: Decimal
    due: Decimal
    lines: int


@dataclass(frozen=True, slots=True)
class StatementLine:
    """A line as a statement shows it: the line, and the line that reversed it, if any."""

    line: PayLine
    reversed_by: int | None

    @property
    def status(self) -> LineStatus:
        return self.line.status


@dataclass(frozen=True, slots=True)
class ProductionTotals:
    """The subtotal of one production (and the producer who owes it)."""

    production: str
    producer: str | None
    totals: Totals


@dataclass(frozen=True, slots=True)
class Statement:
    """Everything owed to one performer for lines dated in [start, end]."""

    performer: str
    name: str
    start: dt.date
    end: dt.date
    currency: str
    lines: tuple[StatementLine, ...]
    productions: tuple[ProductionTotals, ...]
    totals: Totals


def totals_of(lines: Iterable[PayLine]) -> Totals:
    """The totals of ``lines``."""
    pay = pension_health = paid = _ZERO
    count = 0
    for line in lines:
        count += 1
        if line.is_pension_health:
            pension_health += line.amount
        else:
            pay += line.amount
        if line.payment is not None:
            paid += line.amount
    owed = pay + pension_health
    return Totals(pay, pension_health, owed, paid, owed - paid, count)


def check_period(start: dt.date, end: dt.date) -> None:
    """Raise ``ValueError`` unless ``start <= end`` and the period is at most ten years."""
    if start > end:
        raise ValueError(f"the period starts {start} after it ends {end} (expected from <= until)")
    if (end - start).days > MAX_PERIOD_DAYS:
        raise ValueError(
            f"the period {start} to {end} is longer than {MAX_PERIOD_DAYS} days"
            " (expected at most ten years; ask for several statements)"
        )


def build_statement(
    performer: str,
    name: str,
    start: dt.date,
    end: dt.date,
    lines: Sequence[PayLine],
    reversed_by: Mapping[int, int],
) -> Statement:
    """The statement of ``lines`` (all the performer's lines dated in the period).

    Lines are shown by date, then in the order recorded; productions in the order of their
    first line.
    """
    check_period(start, end)
    outside = [line.id for line in lines if not start <= line.date <= end]
    if outside:
        raise ValueError(f"lines {outside} are dated outside {start} to {end}")
    currencies = {line.currency for line in lines}
    if len(currencies) > 1:
        raise ValueError(
            f"lines in several currencies {sorted(currencies)}: one statement per currency"
        )
    ordered = sorted(lines, key=lambda line: (line.date, line.id or 0))
    by_production: dict[str, list[PayLine]] = {}
    for line in ordered:
        by_production.setdefault(line.production, []).append(line)
    productions = tuple(
        ProductionTotals(production, group[0].producer, totals_of(group))
        for production, group in by_production.items()
    )
    return Statement(
        performer=performer,
        name=name,
        start=start,
        end=end,
        currency=currencies.pop() if currencies else "USD",
        lines=tuple(
            StatementLine(line, reversed_by.get(line.id) if line.id is not None else None)
            for line in ordered
        ),
        productions=productions,
        totals=totals_of(ordered),
    )
