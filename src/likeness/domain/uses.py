"""Uses: requests that were allowed and carried out, with the pay they created (SPEC §2, §4.5).

A use is recorded once, under the producer's idempotency key, and never edited. Every decision
on a use request is kept too (allowed or not), so that asking again with the same key returns
the first answer instead of deciding twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from likeness.domain.decisions import Decision, Obligation, ObligationKind
from likeness.domain.payments import LineKind, PayLine
from likeness.domain.requests import Request

#: obligations that become pay lines of a use
PAY_KINDS = (ObligationKind.PAY, ObligationKind.PENSION_HEALTH)


@dataclass(frozen=True, slots=True)
class UseRecord:
    """The stored answer to one idempotency key: the decision and, when allowed, the use.

    ``document`` is the request as the producer sent it (JSON-able); ``use_id`` and
    ``pay_lines`` are set only when the decision allowed the use.
    """

    key: str
    request: Request
    document: dict[str, Any]
    decision: Decision
    recorded_at: dt.datetime
    use_id: int | None = None
    pay_lines: tuple[PayLine, ...] = field(default=())
    #: the index of the use's ``use-recorded`` ledger entry
    ledger_index: int | None = None

    def __post_init__(self) -> None:
        if not self.key:
            raise ValueError("a use needs an idempotency key")
        if self.use_id is not None and not self.decision.allowed:
            raise ValueError(f"use {self.key}: only an allowed decision makes a use")


def pay_lines_of(
    request: Request, decision: Decision, performer: str | None
) -> tuple[PayLine, ...]:
    """The pay lines an allowed decision creates, one per money obligation, in order: owed by
    the request's producer, for its replica (or performer), use and days."""

    def line(o: Obligation) -> PayLine:
        assert o.amount is not None and o.currency is not None, o
        return PayLine(
            kind=LineKind(str(o.kind)),
            performer=performer,
            production=request.production,
            date=request.date,
            amount=o.amount,
            currency=o.currency,
            basis=o.basis,
            rule=o.rule,
            rate_row=o.rate_row,
            producer=request.producer,
            subject=request.replica or request.performer,
            what=str(request.use),
            quantity=request.days,
        )

    return tuple(line(o) for o in decision.obligations if o.kind in PAY_KINDS)
