"""``likeness statement``, ``likeness pay-line show|mark-paid|correct`` and ``likeness report
dues|unpaid|funds``: money owed, paid and explained (SPEC §12)."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Any

import typer

from likeness.cli._boot import bootstrap
from likeness.cli._ids import MAX_NUMBER, id_value
from likeness.cli._output import console, print_json, print_table
from likeness.cli._principal import current
from likeness.compensation.rounding import format_money
from likeness.domain.payments import PayLine
from likeness.errors import InvalidInputError
from likeness.interchange.statements import (
    describe,
    dues_json,
    funds_json,
    pay_line_json,
    statement_csv,
    statement_json,
)
from likeness.services import payments, statements

pay_line_app = typer.Typer(
    help="Pay lines: what is owed for each use and residual, and whether it was paid.",
    no_args_is_help=True,
)
report_app = typer.Typer(
    help="The union's money reports: dues by producer, late lines, residual fund shares.",
    no_args_is_help=True,
)


def _date(value: str | None, option: str, default: dt.date | None = None) -> dt.date:
    if value is None:
        if default is None:
            raise InvalidInputError(f"{option} is required (expected a date as YYYY-MM-DD)")
        return default
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInputError(f"{option} {value!r} (expected a date as YYYY-MM-DD)") from None


def _write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder (never half a
    file); refuse a folder or a missing parent with a clear line."""
    if path.is_dir():
        raise InvalidInputError(f"{path} is a folder (expected a file name to write)")
    if not path.parent.is_dir():
        raise InvalidInputError(f"{path.parent} does not exist (expected an existing folder)")
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def statement(
    performer: Annotated[
        str, typer.Argument(help="The performer's id, e.g. P1.", callback=id_value)
    ],
    start: Annotated[str, typer.Option("--from", help="First day, YYYY-MM-DD.")],
    until: Annotated[str, typer.Option("--until", help="Last day (included), YYYY-MM-DD.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")] = False,
    csv_file: Annotated[Path | None, typer.Option("--csv", help="Write CSV to FILE.")] = None,
    pdf_file: Annotated[Path | None, typer.Option("--pdf", help="Write a PDF to FILE.")] = None,
) -> None:
    """A performer's statement: every line owed in the period, paid or due, with totals."""
    if sum([as_json, csv_file is not None, pdf_file is not None]) > 1:
        raise InvalidInputError("choose one of --json, --csv FILE and --pdf FILE")
    first, last = _date(start, "--from"), _date(until, "--until")
    container = bootstrap()
    with container.uow(write=False) as uow:
        result = statements.statement(uow, current(), performer, first, last)
    if as_json:
        print_json(statement_json(result))
        return
    if csv_file is not None:
        _write_atomically(csv_file, statement_csv(result).encode("utf-8"))
        console.print(f"wrote {csv_file}: {result.totals.lines} line(s)")
        return
    if pdf_file is not None:
        from likeness.interchange.statement_pdf import statement_pdf

        today = container.deps.clock().date()
        _write_atomically(pdf_file, statement_pdf(result, generated=today))
        console.print(f"wrote {pdf_file}: {result.totals.lines} line(s)")
        return
    data = statement_json(result)
    rows = [
        {**row, "amount": f"{row['currency']} {row['amount']}", "what": row["description"]}
        for row in data["lines"]
    ]
    title = f"Statement of {data['name']} ({performer}), {data['from']} to {data['until']}"
    print_table(title, ["line", "date", "what", "amount", "status", "ledger_index"], rows)
    t = data["totals"]
    console.print(
        f"owed {data['currency']} {t['owed']} (pay {t['pay']}, pension and health"
        f" {t['pension_health']}); paid {t['paid']}; due {t['due']}"
    )


def _line_json(line: PayLine, reversed_by: int | None) -> dict[str, Any]:
    return {**pay_line_json(line), "description": describe(line), "reversed_by": reversed_by}


@pay_line_app.command("show")
def show(
    line_id: Annotated[int, typer.Argument(help="The pay line's id.", min=1, max=MAX_NUMBER)],
) -> None:
    """One pay line as JSON: what it is for, how it was computed, paid or due."""
    container = bootstrap()
    with container.uow(write=False) as uow:
        line, reversed_by = payments.get_line(uow, current(), line_id)
    print_json(_line_json(line, reversed_by))


@pay_line_app.command("mark-paid")
def mark_paid(
    line_id: Annotated[int, typer.Argument(help="The pay line's id.", min=1, max=MAX_NUMBER)],
    reference: Annotated[str, typer.Option(help="The transfer's or cheque's reference.")],
    on: Annotated[str | None, typer.Option(help="Day paid, YYYY-MM-DD (default: today).")] = None,
) -> None:
    """The producer records that it paid a line (once; a ledger entry)."""
    container = bootstrap()
    today = container.deps.clock().date()
    with container.uow() as uow:
        line = payments.mark_paid(
            uow,
            current(),
            line_id,
            reference=reference,
            paid_on=_date(on, "--on", today),
            deps=container.deps,
        )
    assert line.payment is not None
    console.print(
        f"pay line {line_id} marked paid on {line.payment.paid_on}"
        f" ({line.currency} {format_money(line.amount)}, ledger entry {line.payment.ledger_index})"
    )


@pay_line_app.command("correct")
def correct(
    line_id: Annotated[int, typer.Argument(help="The pay line's id.", min=1, max=MAX_NUMBER)],
    reason: Annotated[str, typer.Option(help="What was wrong with the line.")],
    amount: Annotated[
        str | None, typer.Option(help="The right amount, e.g. 624.00 (omit to cancel the line).")
    ] = None,
) -> None:
    """The union corrects a line: a reversing line, and a line of the right amount if given."""
    right: Decimal | None = None
    if amount is not None:
        try:
            right = Decimal(amount)
        except InvalidOperation:
            raise InvalidInputError(f"--amount {amount!r} (expected e.g. 624.00)") from None
        if not right.is_finite():
            raise InvalidInputError(f"--amount {amount!r} (expected e.g. 624.00)")
    container = bootstrap()
    with container.uow() as uow:
        done = payments.correct_line(
            uow, current(), line_id, reason=reason, amount=right, deps=container.deps
        )
    console.print(f"pay line {line_id} reversed by line {done.reversal.id}")
    if done.replacement is not None:
        console.print(
            f"line {done.replacement.id} owes {done.replacement.currency}"
            f" {format_money(done.replacement.amount)} in its place"
        )


@report_app.command("dues")
def dues(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Pay owed, paid and due by each producer."""
    container = bootstrap()
    with container.uow(write=False) as uow:
        report = statements.dues_report(uow, current())
    _report(
        dues_json(report),
        "producers",
        as_json,
        "no pay line is owed yet (lines come from `likeness use record` and runs)",
        "Pay due by producer",
        ["producer", "lines", "owed", "paid", "due", "lines_due", "oldest_due"],
    )


@report_app.command("unpaid")
def unpaid(
    days: Annotated[int, typer.Option(help="Late after this many days.")] = 30,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Lines still unpaid DAYS days after their date (default 30)."""
    container = bootstrap()
    today = container.deps.clock().date()
    with container.uow(write=False) as uow:
        report = statements.unpaid_report(uow, current(), today, days)
    rows = [_line_json(x, report.reversed_by.get(x.id or 0)) for x in report.lines]
    _report(
        {"as_of": today, "days": days, "lines": rows},
        "lines",
        as_json,
        f"no line is unpaid {days} days or more after its date",
        f"Lines unpaid {days} days or more, as of {today}",
        ["id", "producer", "performer", "date", "amount", "description"],
    )


@report_app.command("funds")
def funds(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """The joint fund's share of each production year (its latest residual run)."""
    container = bootstrap()
    with container.uow(write=False) as uow:
        shares = statements.fund_report(uow, current())
    _report(
        funds_json(shares),
        "funds",
        as_json,
        "no residual run is recorded yet (`likeness residuals run DIR` stores one)",
        "Residual fund shares",
        ["production", "year", "qualified", "fund", "run"],
    )


def _report(
    data: dict[str, Any], key: str, as_json: bool, empty: str, title: str, columns: list[str]
) -> None:
    """A report as JSON, or its ``key`` rows as a table (``empty`` when there are none)."""
    if as_json:
        print_json(data)
    elif not data[key]:
        console.print(empty)
    else:
        print_table(title, columns, data[key])
