"""Money owed and paid (SPEC §6, §6.1, §12).

A pay line is one amount owed by a production's producer to a performer: pay or pension-and-
health of a recorded use, or a fixed residual or bonus share of a residual run. Lines are never
edited. A correction is a new line that reverses an earlier one (the same amount, negated), and
a payment is recorded against a line once:

>>> import datetime as dt
>>> from decimal import Decimal
>>> line = PayLine(LineKind.PAY, "P1", "F1", dt.date(2026, 1, 5), Decimal("624.00"), "USD",
...                None, "rule", "row", id=7, producer="S1")
>>> reversal = reversal_of(line, "entered twice", dt.date(2026, 2, 1))
>>> (reversal.amount, reversal.reverses)
(Decimal('-624.00'), 7)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum

#: the longest payment reference kept (a bank or cheque reference)
MAX_REFERENCE = 200


class LineKind(StrEnum):
    """What a line pays: pay or pension-and-health of a use, a residual or a bonus share."""

    PAY = "pay"
    PENSION_HEALTH = "pension-health"
    RESIDUAL = "residual"
    RESIDUAL_BONUS = "residual-bonus"


class LineSource(StrEnum):
    """Where a line comes from."""

    USE = "use"
    RESIDUAL = "residual"
    CORRECTION = "correction"


class LineStatus(StrEnum):
    """Whether a line was paid."""

    PAID = "paid"
    DUE = "due"


@dataclass(frozen=True, slots=True)
class Payment:
    """The producer's record that a line was paid: when, and the reference of the transfer."""

    line_id: int
    paid_on: dt.date
    reference: str
    recorded_by: str
    recorded_at: dt.datetime
    ledger_index: int

    def __post_init__(self) -> None:
        if not self.reference.strip() or len(self.reference) > MAX_REFERENCE:
            raise ValueError(
                f"payment reference {self.reference[:40]!r} (expected 1 to {MAX_REFERENCE}"
                " characters, e.g. the bank transfer's reference)"
            )


@dataclass(frozen=True, slots=True)
class PayLine:
    """One amount owed to ``performer`` by ``producer`` for ``production``.

    ``subject`` is the replica (or performer, or production title) the line is for, ``what``
    the use or exhibition year, ``quantity`` the days of a use. ``rule`` says how the amount
    was computed and ``rate_row`` which rate-table row it used. ``reverses`` is the line a
    correction cancels; only such a line has a negative amount.
    """

    kind: LineKind
    performer: str | None
    production: str
    date: dt.date
    amount: Decimal
    currency: str
    basis: str | None
    rule: str | None
    rate_row: str | None
    id: int | None = None
    producer: str | None = None
    source: LineSource = LineSource.USE
    use_id: int | None = None
    residual_run_id: int | None = None
    subject: str | None = None
    what: str | None = None
    quantity: int | None = None
    reverses: int | None = None
    reason: str | None = None
    ledger_index: int | None = None
    payment: Payment | None = None

    def __post_init__(self) -> None:
        if self.amount < 0 and self.reverses is None:
            raise ValueError(f"pay line amount {self.amount} is negative (only a reversal is)")

    @property
    def status(self) -> LineStatus:
        """Paid once a payment is recorded against it, due until then."""
        return LineStatus.DUE if self.payment is None else LineStatus.PAID

    @property
    def is_pension_health(self) -> bool:
        """Pension and health goes to the plans; statements show it apart from pay."""
        return self.kind is LineKind.PENSION_HEALTH


@dataclass(frozen=True, slots=True)
class ProducerDues:
    """What one producer owes in all: lines, amounts owed, paid and due (pension and health
    apart), and the lines still due and the oldest of them, leaving out reversed pairs."""

    producer: str
    lines: int
    owed: Decimal
    paid: Decimal
    due: Decimal
    pension_health_due: Decimal
    lines_due: int
    oldest_due: dt.date | None


@dataclass(frozen=True, slots=True)
class FundShare:
    """The joint fund's share of a production's exhibition year (SPEC §6.1), from its latest run."""

    production: str
    year: int
    qualified: bool
    fund: Decimal
    run_id: int


def reversal_of(line: PayLine, reason: str, on: dt.date) -> PayLine:
    """The line that cancels ``line``: the same amount negated, dated ``on``, with ``reason``."""
    if line.id is None:
        raise ValueError("only a stored line can be reversed")
    if line.reverses is not None:
        raise ValueError(f"line {line.id} is itself a reversal; it cannot be reversed")
    return replace(
        line,
        amount=-line.amount,
        date=on,
        id=None,
        source=LineSource.CORRECTION,
        reverses=line.id,
        reason=reason,
        basis=f"cancels line {line.id} ({format(line.amount, 'f')})",
        rule=f"reverses line {line.id}: {reason}",
        ledger_index=None,
        payment=None,
    )


def corrected(line: PayLine, amount: Decimal, reason: str, on: dt.date) -> PayLine:
    """The line that replaces a reversed ``line`` with the right ``amount``."""
    if amount <= 0:
        raise ValueError(f"corrected amount {amount} (expected more than 0.00)")
    return replace(
        line,
        amount=amount,
        date=on,
        id=None,
        source=LineSource.CORRECTION,
        reverses=None,
        reason=reason,
        basis=f"the right amount in place of line {line.id} ({format(line.amount, 'f')})",
        rule=f"corrects line {line.id}: {reason}",
        ledger_index=None,
        payment=None,
    )
