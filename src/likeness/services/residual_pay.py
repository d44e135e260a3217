"""Residual lines become pay lines (SPEC §6.1, §12): each performer's fixed residual and bonus
share of a production year is owed by the production's producer, as the registry says.

A line whose production or performer is not in the registry is reported, never dropped
silently: the run keeps it among its residual lines, and the report names it. A later run of the
same production year supersedes an earlier one: where an amount changed, the earlier line is
reversed and the new amount owed; where it did not, nothing new is written.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from likeness.compensation.residuals.compute import ResidualResult
from likeness.domain.payments import LineKind, LineSource, PayLine, reversal_of
from likeness.domain.productions import Production
from likeness.services.notices import residual_pay_notice
from likeness.services.unit_of_work import UnitOfWork

#: residual amounts are in the agreement's currency
CURRENCY = "USD"
_RULES = {
    LineKind.RESIDUAL: "SPEC §6.1 fixed residual: residual_base x tier % x year %",
    LineKind.RESIDUAL_BONUS: (
        "SPEC §6.1 bonus share: 75% of the year's fixed residuals, shared in proportion"
    ),
}

_Key = tuple[str, str, str, LineKind]  # production, what, performer, kind


@dataclass(frozen=True, slots=True)
class Unlinked:
    """A residual line that is owed by nobody the registry knows."""

    production: str
    year: int
    performer: str
    reason: str


@dataclass(frozen=True, slots=True)
class ResidualPay:
    """What linking a run to the registry did."""

    owed: tuple[PayLine, ...]
    reversals: tuple[PayLine, ...]
    unchanged: int
    unlinked: tuple[Unlinked, ...]


def year_label(year: int) -> str:
    return f"exhibition year {year}"


def plan_residual_pay(
    uow: UnitOfWork, result: ResidualResult, run_id: int, day: dt.date, rule_set: str
) -> ResidualPay:
    """The lines a run makes owed (and the earlier lines it reverses), without writing."""
    productions: dict[str, Production | None] = {
        pid: uow.productions.get(pid) for pid in {r.production for r in result.performers}
    }
    known = {p.id for p in uow.performers.get_many({r.performer for r in result.performers})}
    active = _active_lines(uow, productions)
    owed: list[PayLine] = []
    reversals: list[PayLine] = []
    unlinked: list[Unlinked] = []
    unchanged = 0
    for r in result.performers:
        production = productions[r.production]
        if production is None:
            reason = f"production {r.production} is not registered (register it to owe this line)"
            unlinked.append(Unlinked(r.production, r.year, r.performer, reason))
            continue
        if r.performer not in known:
            reason = f"performer {r.performer} is not registered (register them to owe this line)"
            unlinked.append(Unlinked(r.production, r.year, r.performer, reason))
            continue
        for kind, amount in (
            (LineKind.RESIDUAL, r.fixed_residual),
            (LineKind.RESIDUAL_BONUS, r.bonus),
        ):
            current = active.get((r.production, year_label(r.year), r.performer, kind), [])
            if sum((x.amount for x in current), Decimal("0.00")) == amount:
                unchanged += bool(current)
                continue
            reason = f"superseded by residual run {run_id}"
            reversals += [reversal_of(x, reason, day) for x in current]
            if amount > 0:
                owed.append(
                    PayLine(
                        kind=kind,
                        performer=r.performer,
                        production=r.production,
                        date=day,
                        amount=amount,
                        currency=CURRENCY,
                        basis=f"residual run {run_id}",
                        rule=_RULES[kind],
                        rate_row=f"{rule_set} residual tables",
                        producer=production.producer,
                        source=LineSource.RESIDUAL,
                        residual_run_id=run_id,
                        subject=production.title,
                        what=year_label(r.year),
                    )
                )
    return ResidualPay(tuple(owed), tuple(reversals), unchanged, tuple(unlinked))


def _active_lines(
    uow: UnitOfWork, productions: dict[str, Production | None]
) -> dict[_Key, list[PayLine]]:
    """Earlier residual lines of these productions that stand (not reversed, not reversals)."""
    existing = uow.payments.residual_lines(p for p, found in productions.items() if found)
    reversed_ids = {x.reverses for x in existing if x.reverses is not None}
    active: dict[_Key, list[PayLine]] = defaultdict(list)
    for x in existing:
        if x.reverses is None and x.id not in reversed_ids and x.performer and x.what:
            active[(x.production, x.what, x.performer, x.kind)].append(x)
    return active


def write_residual_pay(
    uow: UnitOfWork, plan: ResidualPay, run_id: int, ledger_index: int, at: dt.datetime
) -> None:
    """Store the planned lines under the run's ledger entry and tell each performer what is
    now due (``pay-due``). The caller commits."""
    lines = [*plan.reversals, *plan.owed]
    ids = uow.payments.add_many(lines)
    uow.payments.set_ledger_index(ids, ledger_index)
    by_whom: dict[tuple[str, str], list[tuple[str, int, Decimal]]] = defaultdict(list)
    for line in lines:
        if line.performer and line.producer and line.what:
            year = int(line.what.rsplit(" ", 1)[-1])
            by_whom[(line.performer, line.producer)].append((line.production, year, line.amount))
    for (performer, producer), owed in sorted(by_whom.items()):
        residual_pay_notice(uow, performer, producer, run_id, _netted(owed), CURRENCY, at)


def _netted(owed: list[tuple[str, int, Decimal]]) -> list[tuple[str, int, Decimal]]:
    totals: dict[tuple[str, int], Decimal] = defaultdict(lambda: Decimal("0.00"))
    for production, year, amount in owed:
        totals[(production, year)] += amount
    return [(p, y, a) for (p, y), a in sorted(totals.items()) if a]
