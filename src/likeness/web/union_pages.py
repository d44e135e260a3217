"""The union's portal (SPEC §12): compliance at a glance (uses per production, denied
attempts, synthetic-performer and bargaining notices, the consents it gave for deceased
performers), strikes (declare, end) and the ledger (checkpoint, verify).

Every service checks the principal itself: another party opening these pages gets what the
services let it see, and the union-only actions answer 403 (SPEC §10).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from likeness.deps import ContainerDep, ReadUow
from likeness.domain.ids import ProducerId
from likeness.domain.notices import NoticeKind
from likeness.domain.principals import Principal, Role
from likeness.domain.strikes import Strike
from likeness.errors import RecordInvalidError
from likeness.interchange.report import consent_to_document
from likeness.services import activity, registry, strikes
from likeness.services.consents import list_consents
from likeness.services.notices import list_notices
from likeness.services.pages import every
from likeness.services.unit_of_work import UnitOfWork
from likeness.web.auth import PortalPrincipal
from likeness.web.forms import parse_day, problem_lines
from likeness.web.ledger_check import latest_checkpoint, verify_ledger
from likeness.web.pages import (
    CheckedForm,
    WriteUow,
    field,
    form_status,
    only_for,
    redirect,
    render,
    today,
)
from likeness.web.performer_pages import FORM_ERRORS

router = APIRouter(include_in_schema=False)


def _union_only(principal: Principal) -> None:
    # the compliance pages gather everything; anyone but the union finds nothing here
    only_for(principal, Role.UNION)


@router.get("/union", response_class=HTMLResponse)
def compliance(request: Request, uow: ReadUow, principal: PortalPrincipal) -> HTMLResponse:
    """Uses per production, denied attempts, union notices and the union's own consents."""
    _union_only(principal)
    records = activity.visible_uses(uow, principal)
    per_production: dict[str, dict[str, int]] = defaultdict(lambda: {"allowed": 0, "denied": 0})
    for record in records:
        outcome = "allowed" if record.decision.allowed else "denied"
        per_production[str(record.request.production)][outcome] += 1
    titles = {p.id: p.title for p in registry.list_productions(uow, principal)}
    everything = every(
        lambda limit, offset: list_notices(uow, principal, limit=limit, offset=offset)
    )
    notices = [n for n in everything if n.kind is NoticeKind.UNION_NOTICE]
    given = [
        _consent_doc(s) for s in list_consents(uow, principal) if s.consent.given_by == "union"
    ]
    return render(
        request,
        "union_home.html",
        per_production=sorted(per_production.items()),
        titles=titles,
        denied=[r for r in reversed(records) if not r.decision.allowed],
        notices=notices,
        given=given,
    )


def _consent_doc(stored: Any) -> dict[str, Any]:
    return dict(consent_to_document(stored.consent, stored.problems))


def _strikes(
    request: Request,
    uow: UnitOfWork,
    principal: Principal,
    container: ContainerDep,
    *,
    errors: dict[str, Any] | None = None,
    status: int = 200,
) -> HTMLResponse:
    _union_only(principal)
    return render(
        request,
        "union_strikes.html",
        status,
        strikes=[strikes.strike_document(s) for s in strikes.list_strikes(uow, principal)],
        producers=registry.list_producers(uow, principal),
        errors=errors or {},
        today=today(container),
    )


@router.get("/union/strikes", response_class=HTMLResponse)
def strikes_page(
    request: Request, uow: ReadUow, principal: PortalPrincipal, container: ContainerDep
) -> HTMLResponse:
    """The strikes declared, with forms to declare one and to end one."""
    return _strikes(request, uow, principal, container)


@router.post("/union/strikes", response_class=HTMLResponse)
def declare(
    request: Request,
    form: CheckedForm,
    uow: WriteUow,
    principal: PortalPrincipal,
    container: ContainerDep,
) -> Response:
    """Declare a strike against some producers (or all) from a day."""
    against = [p for p in form.getlist("against") if isinstance(p, str) and p]
    try:
        start = parse_day(field(form, "from"), "from")
        if start is None:
            raise RecordInvalidError("", "from", None, "the day the strike begins")
        if not against:
            raise RecordInvalidError("", "against", None, "at least one producer, or all")
        struck = None if "all" in against else tuple(ProducerId(p) for p in against)
        try:
            strike = Strike(struck, start, parse_day(field(form, "until"), "until"))
        except ValueError as exc:
            raise RecordInvalidError("strike", "until", field(form, "until"), str(exc)) from None
        declared = strikes.declare_strike(uow, principal, strike)
    except FORM_ERRORS as exc:
        uow.rollback()
        return _strikes(
            request,
            uow,
            principal,
            container,
            errors={"declare": problem_lines(exc)},
            status=form_status(exc),
        )
    return redirect(request, "/union/strikes", f"Strike {declared.id} is declared.")


@router.post("/union/strikes/{strike_id}/end", response_class=HTMLResponse)
def end(
    request: Request,
    strike_id: int,
    form: CheckedForm,
    uow: WriteUow,
    principal: PortalPrincipal,
    container: ContainerDep,
) -> Response:
    """End a strike: the day work resumed."""
    try:
        until = parse_day(field(form, "until"), "until") or today(container)
        strikes.end_strike(uow, principal, strike_id, until)
    except FORM_ERRORS as exc:
        uow.rollback()
        return _strikes(
            request,
            uow,
            principal,
            container,
            errors={str(strike_id): problem_lines(exc)},
            status=form_status(exc),
        )
    return redirect(request, "/union/strikes", f"Strike {strike_id} ended; work resumed {until}.")


def _ledger(
    request: Request,
    uow: UnitOfWork,
    principal: Principal,
    container: ContainerDep,
    result: dict[str, Any] | None,
) -> HTMLResponse:
    _union_only(principal)
    head = latest_checkpoint(uow, container.checkpoint_signer())
    return render(request, "union_ledger.html", head=head, result=result)


@router.get("/union/ledger", response_class=HTMLResponse)
def ledger_page(
    request: Request, uow: ReadUow, principal: PortalPrincipal, container: ContainerDep
) -> HTMLResponse:
    """The newest checkpoint, and the Verify button."""
    return _ledger(request, uow, principal, container, None)


@router.post("/union/ledger/verify", response_class=HTMLResponse)
def verify(
    request: Request,
    form: CheckedForm,
    uow: ReadUow,
    principal: PortalPrincipal,
    container: ContainerDep,
) -> HTMLResponse:
    """Verify the whole ledger now and show the result."""
    _union_only(principal)
    result = verify_ledger(uow, principal, container.checkpoint_signer())
    return _ledger(request, uow, principal, container, result)
