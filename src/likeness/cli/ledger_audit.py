"""``likeness ledger audit``: rebuild the records from the ledger's entries and name every
stored row that differs from them, is missing, or has no entry (issue #12).

Registered on the ``ledger`` command group by one line at the end of :mod:`.ledger`.
"""

from __future__ import annotations

from typing import Annotated

import typer

from likeness.cli._boot import bootstrap
from likeness.cli._output import print_json
from likeness.cli._principal import current
from likeness.services.ledger import require_whole_ledger
from likeness.services.ledger_audit import (
    AGGREGATED,
    NOT_AUDITED,
    NOT_AUDITED_COLUMNS,
    AuditReport,
    audit_ledger,
)


def audit(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
) -> None:
    """Check every registry table against the ledger; exit 1 naming each difference.

    The entries are replayed in order to rebuild the rows they record (performers, producers,
    productions, titles, cast, replicas and assets, consents, consent requests, strikes,
    decisions, uses, pay lines, payments, residual runs, accounts, tokens). Each stored row
    that differs is named with its table, id, field, the ledger's value, the stored value and
    the index of the entry that set it; so is a row the ledger has but the table lacks
    ("missing row") and a row no entry created ("no ledger entry").
    """
    principal = current()
    require_whole_ledger(principal)  # before opening the database: a refusal costs nothing
    container = bootstrap()
    with container.uow(write=False) as uow:
        report = audit_ledger(principal, uow.ledger, uow.table_rows)
    if as_json:
        print_json(_json(report))
    else:
        for difference in report.differences:
            print(difference)
        print(_coverage())
        print(_summary(report))
    if not report.clean:
        raise typer.Exit(1)


def _summary(report: AuditReport) -> str:
    checked = f"{report.records} records checked against {report.entries} entries"
    if report.clean:
        return f"ledger audit: {checked}, no differences"
    count = len(report.differences)
    return f"ledger audit: {checked}, {count} difference{'s' if count != 1 else ''}"


def _coverage() -> str:
    """One line saying which tables are not compared row by row (``--json`` says why)."""
    ledger = sorted(t for t in NOT_AUDITED if t.startswith("ledger_"))
    derived = sorted(t for t in NOT_AUDITED if NOT_AUDITED[t].startswith("derived data"))
    others = sorted(t for t in NOT_AUDITED if t not in ledger and t not in derived)
    return (
        f"not audited: {', '.join(others)} (no entry of their own), {', '.join(derived)}"
        f" (derived from ledgered assets), {', '.join(ledger)} (the ledger itself: `likeness"
        f" ledger verify`); checked as totals per residual run: {', '.join(AGGREGATED)}"
    )


def _json(report: AuditReport) -> dict[str, object]:
    return {
        "ok": report.clean,
        "entries": report.entries,
        "records": report.records,
        "differences": [d.to_json() for d in report.differences],
        "aggregated": AGGREGATED,
        "not_audited": NOT_AUDITED,
        "not_audited_columns": NOT_AUDITED_COLUMNS,
    }
