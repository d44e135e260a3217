"""A statement as JSON and CSV (SPEC §12); the PDF is :mod:`likeness.interchange.statement_pdf`.

Every output is made from :func:`statement_json`, so JSON, CSV, PDF and the portal show the same
cents and the same words for each line.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from likeness.compensation.rounding import format_money
from likeness.domain.decisions import Obligation
from likeness.domain.payments import FundShare, LineKind, PayLine, ProducerDues
from likeness.domain.statements import Statement, StatementLine, Totals

#: the CSV columns, in order
CSV_COLUMNS = (
    "line",
    "date",
    "production",
    "producer",
    "kind",
    "replica_or_title",
    "use_or_year",
    "description",
    "basis",
    "rule",
    "rate_row",
    "quantity",
    "amount",
    "currency",
    "status",
    "paid_on",
    "reference",
    "reverses",
    "reversed_by",
    "ledger_index",
)

_WORDS = {
    LineKind.PAY: "Pay",
    LineKind.PENSION_HEALTH: "Pension and health contribution",
    LineKind.RESIDUAL: "Streaming residual",
    LineKind.RESIDUAL_BONUS: "Streaming success bonus",
}


def describe(line: PayLine) -> str:
    """A line in plain words: what it pays, for what, where."""
    what = _WORDS[line.kind]
    if line.kind in (LineKind.PAY, LineKind.PENSION_HEALTH):
        days = "" if line.quantity is None else f", {line.quantity} day(s)"
        text = f"{what} for {line.what or 'a use'} of {line.subject or 'your likeness'}{days}"
    else:
        text = f"{what} for {line.subject or line.production}, {line.what or 'a year'}"
    if line.reverses is not None:
        text = f"Correction: cancels line {line.reverses} ({line.reason})"
    elif line.reason:
        text += f" (correction: {line.reason})"
    return f"{text}, production {line.production}"


def basis_of(line: PayLine | Obligation) -> str | None:
    """How a pay line's (or pay obligation's) amount came about, in the words every output
    shows (statements, pay lines, decisions, recorded uses): the branch of SPEC §6 that set it
    with its numbers, ``bargained: 300.00 per day x 2 (floor 432.00: ...)`` or ``floor: ...``;
    what a residual run or a correction paid; a line stored without one shows its rule."""
    return line.basis if line.basis is not None else line.rule


def totals_json(totals: Totals) -> dict[str, Any]:
    return {
        "lines": totals.lines,
        "pay": format_money(totals.pay),
        "pension_health": format_money(totals.pension_health),
        "owed": format_money(totals.owed),
        "paid": format_money(totals.paid),
        "due": format_money(totals.due),
    }


def line_json(item: StatementLine) -> dict[str, Any]:
    line = item.line
    return {
        "line": line.id,
        "date": line.date.isoformat(),
        "production": line.production,
        "producer": line.producer,
        "kind": str(line.kind),
        "replica_or_title": line.subject,
        "use_or_year": line.what,
        "description": describe(line),
        "basis": basis_of(line),
        "rule": line.rule,
        "rate_row": line.rate_row,
        "quantity": line.quantity,
        "amount": format_money(line.amount),
        "currency": line.currency,
        "status": str(item.status),
        "paid_on": line.payment.paid_on.isoformat() if line.payment else None,
        "reference": line.payment.reference if line.payment else None,
        "reverses": line.reverses,
        "reversed_by": item.reversed_by,
        "ledger_index": line.ledger_index,
    }


def statement_json(statement: Statement) -> dict[str, Any]:
    """The statement as JSON: money as strings with two decimals."""
    return {
        "performer": statement.performer,
        "name": statement.name,
        "from": statement.start.isoformat(),
        "until": statement.end.isoformat(),
        "currency": statement.currency,
        "lines": [line_json(item) for item in statement.lines],
        "productions": [
            {"production": p.production, "producer": p.producer, **totals_json(p.totals)}
            for p in statement.productions
        ],
        "totals": totals_json(statement.totals),
    }


def statement_csv(statement: Statement) -> str:
    """The statement as CSV: one row per line, then a subtotal row per production and a total
    row (``kind`` says which), so a spreadsheet shows the same sums."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in statement_json(statement)["lines"]:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    for p in statement.productions:
        writer.writerow(_sum_row("subtotal", p.production, p.totals, statement.currency))
    writer.writerow(_sum_row("total", "", statement.totals, statement.currency))
    return out.getvalue()


def _sum_row(kind: str, production: str, totals: Totals, currency: str) -> dict[str, str]:
    row = dict.fromkeys(CSV_COLUMNS, "")
    row.update(
        kind=kind,
        production=production,
        amount=format_money(totals.owed),
        currency=currency,
        description=(
            f"pay {format_money(totals.pay)}; pension and health"
            f" {format_money(totals.pension_health)}; paid {format_money(totals.paid)};"
            f" due {format_money(totals.due)}"
        ),
    )
    return row


def pay_line_json(line: PayLine) -> dict[str, Any]:
    """One pay line as the API and the CLI show it: amount with two decimals, paid or due."""
    return {
        "id": line.id,
        "date": line.date.isoformat(),
        "production": line.production,
        "producer": line.producer,
        "performer": line.performer,
        "kind": str(line.kind),
        "amount": format_money(line.amount),
        "currency": line.currency,
        "basis": basis_of(line),
        "rule": line.rule,
        "rate_row": line.rate_row,
        "replica_or_title": line.subject,
        "use_or_year": line.what,
        "quantity": line.quantity,
        "status": str(line.status),
        "paid_on": line.payment.paid_on.isoformat() if line.payment else None,
        "reference": line.payment.reference if line.payment else None,
        "reverses": line.reverses,
        "ledger_index": line.ledger_index,
    }


def dues_json(report: Iterable[ProducerDues]) -> dict[str, Any]:
    """The union's dues report: per producer, money as two-decimal strings."""
    return {
        "producers": [
            {
                "producer": r.producer,
                "lines": r.lines,
                "owed": format_money(r.owed),
                "paid": format_money(r.paid),
                "due": format_money(r.due),
                "pension_health_due": format_money(r.pension_health_due),
                "lines_due": r.lines_due,
                "oldest_due": None if r.oldest_due is None else r.oldest_due.isoformat(),
            }
            for r in report
        ]
    }


def funds_json(shares: Iterable[FundShare]) -> dict[str, Any]:
    """The joint fund's share of each production year."""
    return {
        "funds": [
            {
                "production": s.production,
                "year": s.year,
                "qualified": s.qualified,
                "fund": format_money(s.fund),
                "run": s.run_id,
            }
            for s in shares
        ]
    }
