"""The money half of the replay (:mod:`.ledger_replay`): decisions on uses, uses, pay lines,
corrections, payments and residual runs (SPEC §6, §12).

What each entry determines:

- ``use-decision``: the ``use_decisions`` row of its idempotency key; the request and the
  decision columns are compared as digests of their canonical JSON (:func:`json_digest`).
- ``use-recorded``: the ``uses`` row.
- ``pay-line`` of a use: the line as written, plus what the line takes from its use and its
  decision (the producer, the replica or performer the request named as ``subject``, the use
  as ``what``, the days as ``quantity``), its position among the use's lines, and the entry as
  its ``ledger_index``.
- ``pay-line-reversed`` and a correcting ``pay-line`` (``source: correction``): the line as
  written; the columns the entry does not repeat (``use_id``, ``subject``, ``what``,
  ``quantity``, ``residual_run_id``, ``basis``) come from the line corrected when the ledger
  holds it (a use's line), and are not compared otherwise (a residual line, see below).
- ``pay-line-paid``: the ``payments`` row (its ``recorded_by`` is the entry's actor).
- ``residual-run-recorded``: the ``residual_runs`` row. The run's lines, production years and
  pay lines have no entry of their own: the entry holds their count and totals, which
  :mod:`.ledger_audit` checks against the rows (kept in :attr:`Expected.residual_runs`).
"""

from __future__ import annotations

from typing import Any

from likeness.services.ledger_rows import (
    Apply,
    Expected,
    Record,
    day,
    json_digest,
    money,
)

__all__ = ["MONEY_KINDS", "ResidualRunTotals"]


def _decision(state: Expected, index: int, actor: str, r: Record) -> None:
    request, decision = r["request"], r["decision"]
    state.subjects[str(r["key"])] = request.get("replica") or request.get("performer")
    state.create(
        "use_decisions",
        str(r["key"]),
        index,
        {
            "request_id": request["id"],
            "producer_id": request["producer"],
            "production_id": request["production"],
            "allowed": bool(decision["allowed"]),
            "request": json_digest(request),
            "decision": json_digest(decision),
        },
    )


def _use(state: Expected, index: int, actor: str, r: Record) -> None:
    state.create(
        "uses",
        str(r["use"]),
        index,
        {
            "key": r["key"],
            "request_id": r["request"],
            "kind": r["kind"],
            "producer_id": r["producer"],
            "production_id": r["production"],
            "replica_id": r.get("replica"),
            "performer_id": r.get("performer"),
            "use": r["use_kind"],
            "date": day(r["date"]),
            "days": int(r["days"]),
            "consent_id": r.get("consent"),
            "ledger_index": index,
        },
    )


def _written(r: Record, index: int) -> dict[str, Any]:
    """The columns every pay-line entry writes out."""
    return {
        "kind": r["kind"],
        "performer_id": r.get("performer"),
        "production_id": r["production"],
        "date": day(r["date"]),
        "amount": money(r["amount"]),
        "currency": r["currency"],
        "rule": r.get("rule"),
        "rate_row": r.get("rate_row"),
        "ledger_index": index,
    }


def _pay_line(state: Expected, index: int, actor: str, r: Record) -> None:
    if r.get("source", "use") != "use":
        _correction(state, index, r, reverses=None)
        return
    use_id = str(r["use"])
    use = state.row("uses", use_id).values
    state.create(
        "pay_lines",
        str(r["line"]),
        index,
        {
            **_written(r, index),
            "use_id": int(r["use"]),
            "position": state.next_position("pay_lines", use_id),
            "basis": r.get("basis"),
            "producer_id": use["producer_id"],
            "source": "use",
            "residual_run_id": None,
            "subject": state.subjects.get(use["key"]),
            "what": use["use"],
            "quantity": use["days"],
            "reverses": None,
            "reason": None,
        },
    )


def _reversed(state: Expected, index: int, actor: str, r: Record) -> None:
    _correction(state, index, r, reverses=int(r["reverses"]))


def _correction(state: Expected, index: int, r: Record, *, reverses: int | None) -> None:
    """A reversal (``reverses`` set), or the corrected line that follows its reversal."""
    if reverses is None:
        last = state.last_reversal
        if last is None or last[0] != index - 1:
            raise ValueError(
                "a correcting pay line must follow the reversal of the line it corrects"
            )
        original_id, position = last[1], 1
    else:
        original_id, position = reverses, 0
        state.last_reversal = (index, reverses)
    values: dict[str, Any] = {
        **_written(r, index),
        "position": position,
        "producer_id": r["producer"],
        "source": r["source"],
        "reverses": reverses,
        "reason": r.get("reason"),
    }
    original = state.tables.get("pay_lines", {}).get(str(original_id))
    if original is not None:
        was = original.values
        amount = format(was["amount"], "f")
        values["basis"] = (
            f"cancels line {original_id} ({amount})"
            if reverses is not None
            else f"the right amount in place of line {original_id} ({amount})"
        )
        for column in ("use_id", "subject", "what", "quantity", "residual_run_id"):
            values[column] = was[column]
    state.create("pay_lines", str(r["line"]), index, values)


def _paid(state: Expected, index: int, actor: str, r: Record) -> None:
    state.create(
        "payments",
        str(r["line"]),
        index,
        {
            "paid_on": day(r["paid_on"]),
            "reference": r["reference"],
            "recorded_by": actor,
            "ledger_index": index,
        },
    )


class ResidualRunTotals(dict[str, Any]):
    """What a residual-run entry says of the rows it has no entry for (see the docstring)."""


def _residual_run(state: Expected, index: int, actor: str, r: Record) -> None:
    run = str(r["run"])
    state.create(
        "residual_runs",
        run,
        index,
        {
            "rule_set": r["rule_set"],
            "engine": r["engine"],
            "source": r["source"],
            "viewership_rows": int(r["viewership_rows"]),
            "production_years": int(r["production_years"]),
            "problems": int(r["problems"]),
            "total_fixed": money(r["total_fixed"]),
            "total_bonus": money(r["total_bonus"]),
            "total_fund": money(r["total_fund"]),
            "result_sha256": r["result_sha256"],
        },
    )
    state.residual_runs[index] = ResidualRunTotals(
        run=run,
        lines=int(r["lines"]),
        production_years=int(r["production_years"]),
        total_fixed=money(r["total_fixed"]),
        total_bonus=money(r["total_bonus"]),
        total_fund=money(r["total_fund"]),
        pay_lines=int(r["owed_lines"]) + int(r["reversed_lines"]),
    )


MONEY_KINDS: dict[str, Apply] = {
    "use-decision": _decision,
    "use-recorded": _use,
    "pay-line": _pay_line,
    "pay-line-reversed": _reversed,
    "pay-line-paid": _paid,
    "residual-run-recorded": _residual_run,
}
