"""Use cases on pay lines (SPEC §12): see one, mark it paid (its producer), correct it (the
union: a reversing line and, optionally, a corrected line; never an edit).

Each change is a ledger entry written in the same transaction, and the line keeps the index of
the entry that recorded it, so a performer can check any line against a public checkpoint.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from likeness.compensation.rounding import format_money
from likeness.domain.payments import PayLine, Payment, corrected, reversal_of
from likeness.domain.principals import Principal
from likeness.errors import ConflictError, InvalidInputError, NotFoundError
from likeness.interchange.documents import to_jsonable
from likeness.services.access import Action, Record, RecordKind, require
from likeness.services.collaborators import Collaborators
from likeness.services.records import acts_for
from likeness.services.unit_of_work import UnitOfWork

#: the largest corrected amount accepted (NUMERIC(14, 2) holds less than 10**12)
MAX_AMOUNT = Decimal("999999999.99")


@dataclass(frozen=True, slots=True)
class Correction:
    """What a correction wrote: the reversing line and, when an amount was given, its
    replacement."""

    reversal: PayLine
    replacement: PayLine | None


def missing_line(line_id: int) -> str:
    return f"pay line {line_id} does not exist (expected the id of a pay line)"


def line_record(line: PayLine) -> Record:
    """A pay line: about its performer, owed by its producer."""
    return Record(
        RecordKind.PAY_LINE,
        str(line.id),
        frozenset({line.performer}) if line.performer else frozenset(),
        frozenset({line.producer}) if line.producer else frozenset(),
    )


def _visible(
    uow: UnitOfWork, principal: Principal, line_id: int, action: Action = Action.SEE
) -> PayLine:
    line = uow.payments.get(line_id)
    if line is None:
        raise NotFoundError(missing_line(line_id))
    whom = acts_for(uow, principal)
    require(principal, action, line_record(line), missing_line(line_id), acts_for=whom)
    return line


def get_line(uow: UnitOfWork, principal: Principal, line_id: int) -> tuple[PayLine, int | None]:
    """The line with this id and the id of the line that reversed it (if any)."""
    line = _visible(uow, principal, line_id)
    return line, uow.payments.reversed_by([line_id]).get(line_id)


def ledger_body(line: PayLine, **extra: Any) -> dict[str, Any]:
    """What a ledger entry says about a line."""
    body: dict[str, Any] = {
        "line": line.id,
        "kind": str(line.kind),
        "source": str(line.source),
        "performer": line.performer,
        "producer": line.producer,
        "production": line.production,
        "date": line.date,
        "amount": format_money(line.amount),
        "currency": line.currency,
        "rule": line.rule,
        "rate_row": line.rate_row,
    }
    if line.reverses is not None:
        body["reverses"] = line.reverses
    body.update(extra)
    return dict(to_jsonable(body))


def _today(deps: Collaborators, now: Callable[[], dt.datetime] | None) -> dt.datetime:
    moment = (now or deps.clock)()
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def mark_paid(
    uow: UnitOfWork,
    principal: Principal,
    line_id: int,
    *,
    reference: str,
    paid_on: dt.date,
    deps: Collaborators,
    now: Callable[[], dt.datetime] | None = None,
) -> PayLine:
    """The producer records that it paid line ``line_id`` on ``paid_on`` (transfer
    ``reference``); commits and returns the line with its payment.

    :raises ConflictError: when the line is already paid, or nothing is owed on it (it was
        reversed while unpaid, or it reverses a line that was never paid).
    """
    line = _visible(uow, principal, line_id, Action.MARK_PAID)
    moment = _today(deps, now)
    reference = reference.strip()
    if not reference or len(reference) > 200:
        raise InvalidInputError(
            "reference: expected 1 to 200 characters (the bank transfer's or cheque's reference)"
        )
    if paid_on > moment.date():
        raise InvalidInputError(f"paid on {paid_on} is in the future (expected today or earlier)")
    if line.payment is not None:
        raise ConflictError(
            f"pay line {line_id} is already marked paid on {line.payment.paid_on}"
            f" (reference {line.payment.reference!r}); a payment is recorded once"
        )
    _owed_or_conflict(uow, line)
    index = uow.ledger.append(
        "pay-line-paid",
        principal.actor,
        ledger_body(line, paid_on=paid_on.isoformat(), reference=reference),
    )
    payment = Payment(line_id, paid_on, reference, principal.actor, moment, index)
    uow.payments.add_payment(payment)
    uow.commit()
    return replace(line, payment=payment)


def _owed_or_conflict(uow: UnitOfWork, line: PayLine) -> None:
    assert line.id is not None
    reversal = uow.payments.reversed_by([line.id]).get(line.id)
    if reversal is not None:
        raise ConflictError(
            f"pay line {line.id} was reversed by line {reversal} while unpaid: nothing is owed"
            " on it (pay the corrected line instead, if there is one)"
        )
    if line.reverses is not None:
        original = uow.payments.get(line.reverses)
        if original is not None and original.payment is None:
            raise ConflictError(
                f"pay line {line.id} reverses line {line.reverses}, which was never paid:"
                " the two cancel out and nothing is to be paid back"
            )


def correct_line(
    uow: UnitOfWork,
    principal: Principal,
    line_id: int,
    *,
    reason: str,
    amount: Decimal | None = None,
    deps: Collaborators,
    now: Callable[[], dt.datetime] | None = None,
) -> Correction:
    """The union corrects line ``line_id``: a reversing line and, with ``amount``, a line of the
    right amount in its place; commits. The original is never edited.

    :raises ConflictError: when the line is already reversed, or is itself a reversal.
    """
    line = _visible(uow, principal, line_id, Action.CORRECT_PAY_LINE)
    reason = reason.strip()
    if not reason or len(reason) > 500:
        raise InvalidInputError("reason: expected 1 to 500 characters saying what was wrong")
    if amount is not None and not (Decimal("0.01") <= amount <= MAX_AMOUNT):
        raise InvalidInputError(f"amount {amount}: expected 0.01 to {MAX_AMOUNT}")
    if amount is not None and amount != amount.quantize(Decimal("0.01")):
        raise InvalidInputError(f"amount {amount}: expected whole cents (two decimals at most)")
    if line.reverses is not None:
        raise ConflictError(f"pay line {line_id} is a reversal; correct line {line.reverses}")
    already = uow.payments.reversed_by([line_id]).get(line_id)
    if already is not None:
        raise ConflictError(f"pay line {line_id} was already reversed by line {already}")
    day = _today(deps, now).date()
    reversal = reversal_of(line, reason, day)
    new_lines = [reversal] + ([corrected(line, amount, reason, day)] if amount else [])
    ids = uow.payments.add_many(new_lines)
    final: list[PayLine] = []
    for x, line_id_new in zip(new_lines, ids, strict=True):
        x = replace(x, id=line_id_new)
        kind = "pay-line-reversed" if x.reverses is not None else "pay-line"
        index = uow.ledger.append(kind, principal.actor, ledger_body(x, reason=reason))
        uow.payments.set_ledger_index([line_id_new], index)
        final.append(replace(x, ledger_index=index))
    uow.commit()
    return Correction(final[0], final[1] if len(final) > 1 else None)
