"""Uses: requests that were allowed and carried out, with the pay they created (SPEC §2, §4.5).

A use is recorded once, under the producer's idempotency key, and never edited. Every decision
on a use request is kept too (allowed or not), so that asking again with the same key returns
the first answer instead of deciding twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from likeness.domain.decisions import Decision, Obligation, ObligationKind
from likeness.domain.requests import Request

#: obligations that become pay lines of a use
PAY_KINDS = (ObligationKind.PAY, ObligationKind.PENSION_HEALTH)


@dataclass(frozen=True, slots=True)
class PayLine:
    """One amount owed because of a use: pay or the pension-and-health contribution on it."""

    kind: ObligationKind
    performer: str | None
    production: str
    date: dt.date
    amount: Decimal
    currency: str
    basis: str | None
    rule: str | None
    rate_row: str | None

    def __post_init__(self) -> None:
        if self.kind not in PAY_KINDS:
            raise ValueError(f"pay line of kind {self.kind!r} (expected pay or pension-health)")
        if self.amount < 0:
            raise ValueError(f"pay line amount {self.amount} is negative")


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

    def __post_init__(self) -> None:
        if not self.key:
            raise ValueError("a use needs an idempotency key")
        if self.use_id is not None and not self.decision.allowed:
            raise ValueError(f"use {self.key}: only an allowed decision makes a use")


def pay_lines_of(
    request: Request, decision: Decision, performer: str | None
) -> tuple[PayLine, ...]:
    """The pay lines an allowed decision creates, one per money obligation, in order."""

    def line(o: Obligation) -> PayLine:
        assert o.amount is not None and o.currency is not None, o
        return PayLine(
            kind=o.kind,
            performer=performer,
            production=request.production,
            date=request.date,
            amount=o.amount,
            currency=o.currency,
            basis=o.basis,
            rule=o.rule,
            rate_row=o.rate_row,
        )

    return tuple(line(o) for o in decision.obligations if o.kind in PAY_KINDS)
