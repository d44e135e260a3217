"""A performer's statement, and the union's money reports (SPEC §12).

A statement is the performer's (and their representative's, and the union's): a producer sees
the pay lines of its own productions but no statement, which spans every producer. The reports
span every producer, so only the union (and the operator) reads them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from likeness.domain.payments import FundShare, PayLine, ProducerDues
from likeness.domain.principals import Principal
from likeness.domain.statements import Statement, build_statement, check_period
from likeness.errors import InvalidInputError, NotFoundError
from likeness.services.access import Action, Record, RecordKind, require
from likeness.services.records import acts_for
from likeness.services.unit_of_work import UnitOfWork

#: lines unpaid this many days after their date are late (SPEC §12)
LATE_AFTER_DAYS = 30
#: what the union's reports are, for access: every pay line, whoever owes it
ALL_PAY_LINES = Record(RecordKind.PAY_LINE, "*")


@dataclass(frozen=True, slots=True)
class UnpaidReport:
    """Lines still due ``days`` days or more after their date, as of ``today``."""

    today: dt.date
    days: int
    lines: tuple[PayLine, ...]
    reversed_by: dict[int, int]


def _missing_performer(performer_id: str) -> str:
    return (
        f"no statement of performer {performer_id} (expected a registered performer: yourself,"
        " or one you act for)"
    )


def statement(
    uow: UnitOfWork, principal: Principal, performer_id: str, start: dt.date, end: dt.date
) -> Statement:
    """The statement of ``performer_id`` for lines dated ``start`` to ``end`` (both included).

    :raises NotFoundError: no such performer, or the statement is not ``principal``'s to see.
    :raises InvalidInputError: the period is empty or longer than ten years.
    """
    try:
        check_period(start, end)
    except ValueError as exc:
        raise InvalidInputError(str(exc)) from exc
    performer = uow.performers.get(performer_id)
    if performer is None:
        raise NotFoundError(_missing_performer(performer_id))
    require(
        principal,
        Action.SEE,
        Record(RecordKind.STATEMENT, performer_id, frozenset({performer_id})),
        _missing_performer(performer_id),
        acts_for=acts_for(uow, principal),
    )
    lines = uow.payments.of_performer(performer_id, start, end)
    reversed_by = uow.payments.reversed_by([x.id for x in lines if x.id is not None])
    return build_statement(performer_id, performer.name, start, end, lines, reversed_by)


def _union_only(principal: Principal) -> None:
    require(principal, Action.SEE, ALL_PAY_LINES, "no report is visible to you")


def dues_report(uow: UnitOfWork, principal: Principal) -> list[ProducerDues]:
    """Pay owed, paid and due by each producer (the union's report)."""
    _union_only(principal)
    return uow.payments.dues()


def unpaid_report(
    uow: UnitOfWork, principal: Principal, today: dt.date, days: int = LATE_AFTER_DAYS
) -> UnpaidReport:
    """Lines unpaid ``days`` days or more after their date (reversed pairs left out: nothing
    is owed on them)."""
    _union_only(principal)
    if not 1 <= days <= 3660:
        raise InvalidInputError(f"--days {days} (expected 1 to 3660)")
    lines = uow.payments.unpaid_before(today - dt.timedelta(days=days - 1))
    reversed_by = uow.payments.reversed_by([x.id for x in lines if x.id is not None])
    cancelled = set(reversed_by) | set(reversed_by.values())
    late = tuple(x for x in lines if x.id not in cancelled)
    return UnpaidReport(today, days, late, reversed_by)


def fund_report(uow: UnitOfWork, principal: Principal) -> list[FundShare]:
    """The joint fund's share of each production year (SPEC §6.1), from its latest run."""
    _union_only(principal)
    return uow.payments.fund_shares()
