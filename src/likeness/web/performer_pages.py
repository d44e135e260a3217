"""The performer's portal (SPEC §12): what exists of them and who asked, answered, used and paid.

A performer sees their own pages; a representative those of the performers they act for (an
estate answers for a deceased performer); the union all of them. Any other performer's pages
answer 404, exactly as a missing performer (SPEC §10): each page asks the services first.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from likeness.deps import ContainerDep, ReadUow
from likeness.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from likeness.interchange.statements import statement_csv
from likeness.services import (
    activity,
    consent_answers,
    consent_requests,
    consents,
    registry,
    use_queries,
)
from likeness.services.notices import list_notices
from likeness.services.overview import performer_overview
from likeness.services.pages import every
from likeness.services.records import acts_for
from likeness.services.statements import statement
from likeness.services.unit_of_work import UnitOfWork
from likeness.web.auth import PortalPrincipal
from likeness.web.charts import earnings_chart
from likeness.web.forms import parse_day, problem_lines
from likeness.web.pages import CheckedForm, WriteUow, field, form_status, redirect, render, today

router = APIRouter(include_in_schema=False)

#: the errors a form can cause that the page shows next to the form (anything else: error page)
FORM_ERRORS = (InvalidInputError, ConflictError, ForbiddenError)


def subject_of(uow: UnitOfWork, principal: Any, performer_id: str) -> dict[str, Any]:
    """The performer as the visitor sees them; a producer (who sees only a name) gets 404 too:
    these pages are the performer's own."""
    permission = registry.see_performer(uow, principal, performer_id)
    performer = registry.get_performer(uow, principal, performer_id)
    if permission.limited:
        raise NotFoundError(f"performer {performer_id!r} does not exist")
    return registry.record_as_document(performer)


@router.get("/my-performers", response_class=HTMLResponse)
def my_performers(request: Request, uow: ReadUow, principal: PortalPrincipal) -> Response:
    """A representative's performers (a performer goes straight to their own pages)."""
    if principal.party and str(principal.role) == "performer":
        return RedirectResponse(f"/performers/{principal.party}/requests", status_code=303)
    whom = sorted(acts_for(uow, principal))
    people = [registry.record_as_document(registry.get_performer(uow, principal, p)) for p in whom]
    return render(request, "my_performers.html", people=people)


def _requests_page(
    request: Request,
    uow: UnitOfWork,
    principal: Any,
    container: ContainerDep,
    performer_id: str,
    *,
    errors: dict[str, Any] | None = None,
    status: int = 200,
) -> HTMLResponse:
    person = subject_of(uow, principal, performer_id)
    found = consent_requests.list_requests(uow, principal, deps=container.deps)
    mine = [consent_requests.request_document(r) for r in found if r.about == performer_id]
    return render(
        request,
        "performer_requests.html",
        status,
        person=person,
        tab="requests",
        waiting=[r for r in mine if r["state"] == "pending"],
        answered=[r for r in mine if r["state"] != "pending"],
        errors=errors or {},
        today=today(container),
    )


@router.get("/performers/{performer_id}/requests", response_class=HTMLResponse)
def requests_page(
    request: Request,
    performer_id: str,
    uow: ReadUow,
    principal: PortalPrincipal,
    container: ContainerDep,
) -> HTMLResponse:
    """Consent requests waiting for an answer, with their full terms, and those answered."""
    return _requests_page(request, uow, principal, container, performer_id)


def _about(uow: UnitOfWork, principal: Any, request_id: str) -> str:
    return str(consent_requests.visible_request(uow, principal, request_id).about)


@router.post("/consent-requests/{request_id}/grant", response_class=HTMLResponse)
def grant(
    request: Request,
    request_id: str,
    form: CheckedForm,
    uow: WriteUow,
    principal: PortalPrincipal,
    container: ContainerDep,
) -> Response:
    """Grant a pending request: the consent is made, signed today by whoever answers."""
    about = _about(uow, principal, request_id)
    try:
        granted = consent_answers.grant_request(uow, principal, request_id, deps=container.deps)
    except FORM_ERRORS as exc:
        uow.rollback()
        return _requests_page(
            request,
            uow,
            principal,
            container,
            about,
            errors={request_id: problem_lines(exc)},
            status=form_status(exc),
        )
    return redirect(
        request,
        f"/performers/{about}/consents",
        f"You granted {request_id}: consent {granted.consent.id} is now in force.",
    )


@router.post("/consent-requests/{request_id}/refuse", response_class=HTMLResponse)
def refuse(
    request: Request,
    request_id: str,
    form: CheckedForm,
    uow: WriteUow,
    principal: PortalPrincipal,
    container: ContainerDep,
) -> Response:
    """Refuse a pending request, with an optional reason the producer is told."""
    about = _about(uow, principal, request_id)
    reason = field(form, "reason") or None
    try:
        consent_answers.refuse_request(uow, principal, request_id, reason, deps=container.deps)
    except FORM_ERRORS as exc:
        uow.rollback()
        return _requests_page(
            request,
            uow,
            principal,
            container,
            about,
            errors={request_id: problem_lines(exc)},
            status=form_status(exc),
        )
    return redirect(request, f"/performers/{about}/requests", f"You refused {request_id}.")


def _consents_page(
    request: Request,
    uow: UnitOfWork,
    principal: Any,
    container: ContainerDep,
    performer_id: str,
    *,
    errors: dict[str, Any] | None = None,
    status: int = 200,
) -> HTMLResponse:
    person = subject_of(uow, principal, performer_id)
    overview = performer_overview(uow, principal, performer_id, deps=container.deps)
    return render(
        request,
        "performer_consents.html",
        status,
        person=person,
        tab="consents",
        consents=overview["consents"],
        suspendable=activity.suspendable(
            uow, [c["id"] for c in overview["consents"]], today(container)
        ),
        replicas=overview["replicas"],
        errors=errors or {},
        today=today(container),
    )


@router.get("/performers/{performer_id}/consents", response_class=HTMLResponse)
def consents_page(
    request: Request,
    performer_id: str,
    uow: ReadUow,
    principal: PortalPrincipal,
    container: ContainerDep,
) -> HTMLResponse:
    """My replicas and my consents, each with its standing today, Revoke and Suspend."""
    return _consents_page(request, uow, principal, container, performer_id)


def _change_consent(
    request: Request,
    consent_id: str,
    form: CheckedForm,
    uow: UnitOfWork,
    principal: Any,
    container: ContainerDep,
    how: str,
) -> Response:
    stored = consents.get_consent(uow, principal, consent_id)
    about = str(stored.consent.performer or "")
    if stored.consent.replica is not None:
        about = registry.get_replica(uow, principal, stored.consent.replica).performer
    try:
        on = parse_day(field(form, "on"), "on") or today(container)
        if how == "revoke":
            consents.revoke_consent(uow, principal, consent_id, on, deps=container.deps)
        else:
            consents.suspend_consent(uow, principal, consent_id, on, deps=container.deps)
    except FORM_ERRORS as exc:
        uow.rollback()
        return _consents_page(
            request,
            uow,
            principal,
            container,
            about,
            errors={consent_id: problem_lines(exc)},
            status=form_status(exc),
        )
    done = "revoked" if how == "revoke" else "suspended"
    return redirect(
        request, f"/performers/{about}/consents", f"Consent {consent_id} is {done} from {on}."
    )


@router.post("/consents/{consent_id}/revoke", response_class=HTMLResponse)
def revoke(
    request: Request,
    consent_id: str,
    form: CheckedForm,
    uow: WriteUow,
    principal: PortalPrincipal,
    container: ContainerDep,
) -> Response:
    """Revoke a consent from a day (uses before it stay valid)."""
    return _change_consent(request, consent_id, form, uow, principal, container, "revoke")


@router.post("/consents/{consent_id}/suspend", response_class=HTMLResponse)
def suspend(
    request: Request,
    consent_id: str,
    form: CheckedForm,
    uow: WriteUow,
    principal: PortalPrincipal,
    container: ContainerDep,
) -> Response:
    """Suspend a video-game consent during a strike (SPEC §7)."""
    return _change_consent(request, consent_id, form, uow, principal, container, "suspend")


@router.get("/performers/{performer_id}/uses", response_class=HTMLResponse)
def uses_page(
    request: Request, performer_id: str, uow: ReadUow, principal: PortalPrincipal
) -> HTMLResponse:
    """Every recorded decision about my likeness, newest first: uses and denied attempts."""
    person = subject_of(uow, principal, performer_id)
    records = every(
        lambda limit, offset: use_queries.performer_uses(
            uow, principal, performer_id, limit=limit, offset=offset
        )
    )
    timeline = sorted(records, key=lambda r: (r.request.date, r.recorded_at), reverse=True)
    return render(request, "performer_uses.html", person=person, tab="uses", timeline=timeline)


def _period(
    container: ContainerDep, start: str | None, until: str | None
) -> tuple[dt.date, dt.date]:
    end = parse_day(until or "", "until") or today(container)
    first = parse_day(start or "", "from") or dt.date(end.year - 3, 1, 1)
    return first, end


@router.get("/performers/{performer_id}/pay", response_class=HTMLResponse)
def pay_page(
    request: Request,
    performer_id: str,
    uow: ReadUow,
    principal: PortalPrincipal,
    container: ContainerDep,
) -> HTMLResponse:
    """Pay lines (paid or due), totals, the earnings chart and statement downloads."""
    person = subject_of(uow, principal, performer_id)
    lines = every(
        lambda limit, offset: use_queries.performer_pay_lines(
            uow, principal, performer_id, limit=limit, offset=offset
        )
    )
    first, end = _period(container, None, None)
    if lines:
        first = min(first, min(line.date for line in lines))
    totals: dict[tuple[str, str], Any] = {}
    for line in lines:
        key = (str(line.kind), line.currency)
        totals[key] = totals.get(key, 0) + line.amount
    return render(
        request,
        "performer_pay.html",
        person=person,
        tab="pay",
        lines=lines,
        totals=sorted(totals.items()),
        chart=earnings_chart(lines),
        period={"from": first.isoformat(), "until": end.isoformat()},
    )


@router.get("/performers/{performer_id}/statement.{fmt}")
def statement_file(
    request: Request,
    performer_id: str,
    fmt: str,
    uow: ReadUow,
    principal: PortalPrincipal,
    container: ContainerDep,
) -> Response:
    """The statement for a period as PDF or CSV (the same cents as the API's)."""
    if fmt not in ("pdf", "csv"):
        raise NotFoundError(f"nothing at {request.url.path} (a statement is .pdf or .csv)")
    query = request.query_params
    first, end = _period(container, query.get("from"), query.get("until"))
    found = statement(uow, principal, performer_id, first, end)
    name = f"statement-{performer_id}-{first}-{end}"
    if fmt == "csv":
        headers = {"Content-Disposition": f'attachment; filename="{name}.csv"'}
        return Response(statement_csv(found), media_type="text/csv; charset=utf-8", headers=headers)
    from likeness.interchange.statement_pdf import statement_pdf

    pdf = statement_pdf(found, generated=today(container))
    headers = {"Content-Disposition": f'inline; filename="{name}.pdf"'}
    return Response(pdf, media_type="application/pdf", headers=headers)


@router.get("/notices", response_class=HTMLResponse)
def notices_page(request: Request, uow: ReadUow, principal: PortalPrincipal) -> HTMLResponse:
    """The visitor's notices, newest first."""
    page = list_notices(uow, principal, limit=200)
    return render(request, "notices.html", notices=page.items, total=page.total)
