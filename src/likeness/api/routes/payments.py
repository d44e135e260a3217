"""``/v1`` pay lines, statements and the union's reports (SPEC §10, §12).

A statement answers JSON, or CSV or PDF when the ``Accept`` header asks for ``text/csv`` or
``application/pdf``; all three carry the same cents. A producer marks its lines paid; the union
corrects a line by reversing it (never an edit) and reads the reports.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query
from fastapi.responses import Response

from likeness.api.money_schemas import (
    CorrectBody,
    CorrectionPublic,
    DuesReport,
    FundReport,
    MarkPaidBody,
    PayLineDetail,
    StatementPublic,
    UnpaidReportPublic,
)
from likeness.api.params import Json, PathId, PathNumber
from likeness.api.responses import READ, WRITE
from likeness.api.views import pay_line_view
from likeness.deps import ApiPrincipal, ApiReadUow, ApiWriteUow, ContainerDep
from likeness.errors import NotAcceptableError
from likeness.interchange.statements import (
    dues_json,
    funds_json,
    statement_csv,
    statement_json,
)
from likeness.services import payments, statements

router = APIRouter(prefix="/v1", tags=["payments and statements"])

_JSON, _CSV, _PDF = "application/json", "text/csv", "application/pdf"
_STATEMENT_CONTENT = {
    200: {
        "description": "the statement as JSON, or as CSV or PDF (by Accept)",
        "content": {_CSV: {"schema": {"type": "string"}}, _PDF: {"schema": {"type": "string"}}},
    },
    406: {"description": "none of the accepted media types can be given"},
}


def _media_type(accept: str | None) -> str:
    """JSON, CSV or PDF, whichever ``accept`` prefers first (JSON when it says nothing)."""
    if not accept or not accept.strip():
        return _JSON
    ranked = []
    for position, part in enumerate(accept.split(",")):
        media, *params = [p.strip() for p in part.split(";")]
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranked.append((-quality, position, media.lower()))
    for quality, _, media in sorted(ranked):
        if quality == 0:
            continue
        if media in (_JSON, "application/*", "*/*"):
            return _JSON
        if media in (_CSV, "text/*"):
            return _CSV
        if media == _PDF:
            return _PDF
    raise NotAcceptableError(
        f"Accept {accept!r}: a statement is application/json, text/csv or application/pdf"
    )


@router.get(
    "/performers/{performer_id}/statement",
    response_model=StatementPublic,
    responses={**READ, **_STATEMENT_CONTENT},  # type: ignore[dict-item]
)
def performer_statement(
    performer_id: PathId,
    uow: ApiReadUow,
    principal: ApiPrincipal,
    container: ContainerDep,
    start: Annotated[dt.date, Query(alias="from", description="first day, YYYY-MM-DD")],
    until: Annotated[dt.date, Query(description="last day (included), YYYY-MM-DD")],
    accept: Annotated[str | None, Header()] = None,
) -> Any:
    """The performer's statement for the period: JSON, or CSV / PDF by ``Accept``."""
    media = _media_type(accept)
    found = statements.statement(uow, principal, performer_id, start, until)
    name = f"statement-{performer_id}-{start}-{until}"
    if media == _CSV:
        headers = {"Content-Disposition": f'attachment; filename="{name}.csv"'}
        return Response(statement_csv(found), media_type="text/csv; charset=utf-8", headers=headers)
    if media == _PDF:
        from likeness.interchange.statement_pdf import statement_pdf

        pdf = statement_pdf(found, generated=container.deps.clock().date())
        headers = {"Content-Disposition": f'inline; filename="{name}.pdf"'}
        return Response(pdf, media_type=_PDF, headers=headers)
    return statement_json(found)


@router.get("/pay-lines/{line_id}", response_model=PayLineDetail, responses=READ)
def get_pay_line(line_id: PathNumber, uow: ApiReadUow, principal: ApiPrincipal) -> Json:
    """One pay line: what it is for, how it was computed, paid or due."""
    line, reversed_by = payments.get_line(uow, principal, line_id)
    return {**pay_line_view(line), "reversed_by": reversed_by}


@router.post("/pay-lines/{line_id}/paid", response_model=PayLineDetail, responses=WRITE)
def mark_paid(
    line_id: PathNumber,
    body: MarkPaidBody,
    uow: ApiWriteUow,
    principal: ApiPrincipal,
    container: ContainerDep,
) -> Json:
    """The producer records that it paid the line (once; 409 when already paid)."""
    line = payments.mark_paid(
        uow,
        principal,
        line_id,
        reference=body.reference,
        paid_on=body.paid_on,
        deps=container.deps,
    )
    return {**pay_line_view(line), "reversed_by": None}


@router.post("/pay-lines/{line_id}/correct", response_model=CorrectionPublic, responses=WRITE)
def correct_pay_line(
    line_id: PathNumber,
    body: CorrectBody,
    uow: ApiWriteUow,
    principal: ApiPrincipal,
    container: ContainerDep,
) -> Json:
    """The union corrects a line: a reversing line, and one of the right amount if given."""
    done = payments.correct_line(
        uow, principal, line_id, reason=body.reason, amount=body.amount, deps=container.deps
    )
    replacement = done.replacement
    return {
        "reversal": pay_line_view(done.reversal),
        "replacement": None if replacement is None else pay_line_view(replacement),
    }


@router.get("/reports/dues", response_model=DuesReport, responses=READ)
def dues(uow: ApiReadUow, principal: ApiPrincipal) -> Json:
    """Pay owed, paid and due by each producer (the union)."""
    return dues_json(statements.dues_report(uow, principal))


@router.get("/reports/unpaid", response_model=UnpaidReportPublic, responses=READ)
def unpaid(
    uow: ApiReadUow,
    principal: ApiPrincipal,
    container: ContainerDep,
    days: Annotated[int, Query(ge=1, le=3660, description="late after this many days")] = 30,
) -> Json:
    """Lines still unpaid ``days`` days after their date (the union)."""
    today = container.deps.clock().date()
    report = statements.unpaid_report(uow, principal, today, days)
    return {
        "as_of": today.isoformat(),
        "days": days,
        "lines": [pay_line_view(x) for x in report.lines],
    }


@router.get("/reports/funds", response_model=FundReport, responses=READ)
def funds(uow: ApiReadUow, principal: ApiPrincipal) -> Json:
    """The joint fund's share of each production year, from its latest residual run."""
    return funds_json(statements.fund_report(uow, principal))
