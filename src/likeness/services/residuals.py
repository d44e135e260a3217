"""Use case: record a streaming residual run (SPEC §6.1) and its residual lines per performer.

The lines are kept as the run computed them, and those the registry can link become pay lines
owed by the production's producer (:mod:`likeness.services.residual_pay`, SPEC §12). Each
recorded run also appends one ``residual-run-recorded`` entry to the ledger (SPEC §8) carrying
the totals and the SHA-256 of the run's canonical §6.1 JSON, so the stored lines can be checked
against the log without writing one ledger entry per line of a run that may hold hundreds of
thousands.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from likeness.compensation.residuals.compute import ResidualResult
from likeness.compensation.residuals.outputs import result_json
from likeness.compensation.residuals.run import RunOutcome
from likeness.compensation.rounding import format_money
from likeness.domain.principals import Principal
from likeness.domain.residuals import ResidualRun
from likeness.errors import CompensationError
from likeness.ledger.canonical import canonicalize
from likeness.ledger.entry import format_time
from likeness.services.access import Action, Record, RecordKind, require
from likeness.services.collaborators import Collaborators
from likeness.services.residual_pay import ResidualPay, plan_residual_pay, write_residual_pay
from likeness.services.unit_of_work import UnitOfWork

#: ledger entry kind of a recorded run
RUN_RECORDED = "residual-run-recorded"


@dataclass(frozen=True, slots=True)
class RecordedRun:
    """A stored run: its id, and the pay lines it made owed (or could not link)."""

    id: int
    pay: ResidualPay


def result_digest(outcome: RunOutcome) -> str:
    """SHA-256 (hex) of the canonical JSON (RFC 8785) of the run's §6.1 output."""
    if outcome.result is None:
        raise CompensationError("a refused residual run has no result to digest")
    return hashlib.sha256(canonicalize(result_json(outcome.result))).hexdigest()


def _producer_of(uow: UnitOfWork, result: ResidualResult) -> frozenset[str]:
    """The producer a run belongs to: the one whose registered productions are every
    production of the run. A run with a production the registry does not hold, or with
    productions of several producers, belongs to none (only the operator and the union may
    store it)."""
    producers = set()
    for production_id in {year.production for year in result.productions}:
        production = uow.productions.get(production_id)
        if production is None:
            return frozenset()
        producers.add(str(production.producer))
    return frozenset(producers) if len(producers) == 1 else frozenset()


def record_residual_run(
    uow: UnitOfWork,
    principal: Principal,
    outcome: RunOutcome,
    *,
    source: str,
    deps: Collaborators,
    now: Callable[[], dt.datetime] | None = None,
) -> RecordedRun:
    """Store ``outcome``'s residual lines, its ledger entry, and the pay lines it makes owed by
    the registered producers (SPEC §12); return the run id and what became owed.

    The caller commits ``uow``.

    :raises CompensationError: when the run was refused by validation (nothing to store).
    """
    if outcome.result is None:
        raise CompensationError(
            f"residual run of {source} was refused by validation; nothing to store"
        )
    result = outcome.result
    moment = (now or deps.clock)()
    record = Record(RecordKind.RESIDUAL_RUN, source, producers=_producer_of(uow, result))
    require(principal, Action.RUN_RESIDUALS, record, f"residual run {source!r} does not exist")
    run = ResidualRun(
        rule_set=outcome.rule_set,
        engine=outcome.engine,
        source=source,
        viewership_rows=outcome.rows,
        production_years=len(result.productions),
        problems=len(outcome.report.problems),
        total_fixed=sum((line.fixed_residual for line in result.performers), Decimal("0.00")),
        total_bonus=sum((line.bonus for line in result.performers), Decimal("0.00")),
        total_fund=sum((year.fund for year in result.productions), Decimal("0.00")),
        result_sha256=result_digest(outcome),
        recorded_at=format_time(moment),
    )
    run_id = uow.residuals.add_run(run, result.performers, result.productions)
    pay = plan_residual_pay(uow, result, run_id, moment.date(), run.rule_set)
    index = uow.ledger.append(
        RUN_RECORDED,
        principal.actor,
        {
            "run": run_id,
            "rule_set": run.rule_set,
            "engine": run.engine,
            "source": run.source,
            "viewership_rows": run.viewership_rows,
            "production_years": run.production_years,
            "lines": len(result.performers),
            "problems": run.problems,
            "total_fixed": format_money(run.total_fixed),
            "total_bonus": format_money(run.total_bonus),
            "total_fund": format_money(run.total_fund),
            "result_sha256": run.result_sha256,
            "owed_lines": len(pay.owed),
            "reversed_lines": len(pay.reversals),
            "unlinked_lines": len(pay.unlinked),
        },
    )
    write_residual_pay(uow, pay, run_id, index, moment)
    return RecordedRun(run_id, pay)
