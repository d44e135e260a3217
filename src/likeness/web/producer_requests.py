"""A producer's consent requests in the portal (SPEC §11): the form that asks, the list of
requests with their answers, and withdrawal.

The form shows SPEC §5 problems while the description is typed: a small script posts the form
to ``/producer/consent-requests/check``, which runs the same preview the service runs before it
stores a request, and shows the answer next to the fields. Without JavaScript nothing is lost:
sending the form runs the same checks and shows the same problems next to the same fields.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from likeness.deps import ContainerDep, ReadUow
from likeness.domain.principals import Principal, Role
from likeness.errors import InvalidInputError
from likeness.services import consent_answers, consent_requests, registry
from likeness.services.unit_of_work import UnitOfWork
from likeness.web.auth import PortalPrincipal
from likeness.web.forms import (
    USE_CODES,
    consent_request_document,
    field_problems,
    problem_lines,
)
from likeness.web.pages import CheckedForm, WriteUow, form_status, only_for, redirect, render, today
from likeness.web.performer_pages import FORM_ERRORS

router = APIRouter(include_in_schema=False)


def _form_values(form: CheckedForm | None) -> dict[str, Any]:
    if form is None:
        return {"productions": [], "uses": [], "per": "use"}
    values: dict[str, Any] = {
        k: v
        for k, v in form.items()
        if isinstance(v, str) and k not in ("csrf", "productions", "uses")
    }
    values["productions"] = [v for v in form.getlist("productions") if isinstance(v, str)]
    values["uses"] = [v for v in form.getlist("uses") if isinstance(v, str)]
    return values


def _page(
    request: Request,
    uow: UnitOfWork,
    principal: Principal,
    container: ContainerDep,
    *,
    form: CheckedForm | None = None,
    errors: dict[str, Any] | None = None,
    status: int = 200,
) -> HTMLResponse:
    only_for(principal, Role.PRODUCER)
    found = consent_requests.list_requests(uow, principal, deps=container.deps)
    return render(
        request,
        "producer_requests.html",
        status,
        requests=[consent_requests.request_document(r) for r in reversed(found)],
        productions=registry.list_productions(uow, principal),
        replicas=registry.list_replicas(uow, principal),
        use_codes=USE_CODES,
        values=_form_values(form),
        errors=errors or {},
        today=today(container),
    )


@router.get("/producer/consent-requests", response_class=HTMLResponse)
def requests_page(
    request: Request, uow: ReadUow, principal: PortalPrincipal, container: ContainerDep
) -> HTMLResponse:
    """The form to ask for consent, and every request this producer made with its answer."""
    return _page(request, uow, principal, container)


def _checked(
    uow: UnitOfWork, principal: Principal, form: CheckedForm, container: ContainerDep
) -> dict[str, Any]:
    """What the form would send: its §5 problems by field, or the error that stops it."""
    try:
        preview = consent_requests.preview_request(
            uow, principal, consent_request_document(form), deps=container.deps
        )
    except FORM_ERRORS as exc:
        return {"fields": {}, "form": problem_lines(exc)}
    return {"fields": field_problems(preview.problems), "form": None}


@router.post("/producer/consent-requests/check", response_class=HTMLResponse)
def check(
    request: Request,
    form: CheckedForm,
    uow: ReadUow,
    principal: PortalPrincipal,
    container: ContainerDep,
) -> HTMLResponse:
    """The §5 problems of the form as typed so far, as the fragment the form shows (nothing
    is stored)."""
    found = _checked(uow, principal, form, container)
    problems = [text for texts in found["fields"].values() for text in texts]
    return render(request, "_request_problems.html", problems=problems)


@router.post("/producer/consent-requests", response_class=HTMLResponse)
def create(
    request: Request,
    form: CheckedForm,
    uow: WriteUow,
    principal: PortalPrincipal,
    container: ContainerDep,
) -> Response:
    """Send the request: refused, with its problems next to the fields, when the consent it
    would make is invalid (SPEC §5); nothing is stored then."""
    try:
        made = consent_requests.create_request(
            uow, principal, consent_request_document(form), deps=container.deps
        )
    except FORM_ERRORS as exc:
        uow.rollback()
        errors: dict[str, Any] = {"form": problem_lines(exc)}
        if isinstance(exc, InvalidInputError) and exc.errors:
            errors |= field_problems(exc.errors)
        return _page(
            request, uow, principal, container, form=form, errors=errors, status=form_status(exc)
        )
    return redirect(
        request,
        "/producer/consent-requests",
        f"Request {made.id} was sent; {made.about} has until {made.respond_by} to answer.",
    )


@router.post("/producer/consent-requests/{request_id}/withdraw", response_class=HTMLResponse)
def withdraw(
    request: Request,
    request_id: str,
    form: CheckedForm,
    uow: WriteUow,
    principal: PortalPrincipal,
    container: ContainerDep,
) -> Response:
    """Take back a pending request."""
    try:
        consent_answers.withdraw_request(uow, principal, request_id, deps=container.deps)
    except FORM_ERRORS as exc:
        uow.rollback()
        return _page(
            request,
            uow,
            principal,
            container,
            errors={request_id: problem_lines(exc)},
            status=form_status(exc),
        )
    return redirect(request, "/producer/consent-requests", f"Request {request_id} is withdrawn.")
