"""The producer's portal (SPEC §12): register productions and replicas, upload assets, ask
decisions, record uses and mark pay lines paid. Consent requests are in
:mod:`likeness.web.producer_requests`.

Each form posts to a route that calls one service, as the API's routes do; a refused form comes
back with the message next to it and nothing stored.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from likeness.deps import ContainerDep, ReadUow
from likeness.domain.consents import UseKind
from likeness.domain.principals import Principal, Role
from likeness.interchange.parsing import parse_request
from likeness.services import activity, payments, registry, replica_assets
from likeness.services.assets import AssetUpload
from likeness.services.decisions import decide_requests
from likeness.services.unit_of_work import UnitOfWork
from likeness.services.uses import record_use
from likeness.web.auth import PortalPrincipal
from likeness.web.forms import (
    EXEMPT_PURPOSES,
    FEATURES,
    REQUEST_KINDS,
    form_values,
    new_key,
    parse_day,
    problem_lines,
    use_request_document,
)
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

PRODUCTION_KINDS = ("theatrical", "television", "hb-svod", "video-game")
REPLICA_KINDS = ("employment-based", "independently-created")
MEDIA = ("face", "body", "voice", "movement")


def _registry(
    request: Request,
    uow: UnitOfWork,
    principal: Principal,
    *,
    errors: dict[str, Any] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    only_for(principal, Role.PRODUCER)
    return render(
        request,
        "producer_home.html",
        status,
        productions=[
            registry.record_as_document(p) for p in registry.list_productions(uow, principal)
        ],
        replicas=[registry.record_as_document(r) for r in registry.list_replicas(uow, principal)],
        performers=registry.list_performers(uow, principal),
        kinds=PRODUCTION_KINDS,
        replica_kinds=REPLICA_KINDS,
        media=MEDIA,
        errors=errors or {},
        values=values or {},
    )


@router.get("/producer", response_class=HTMLResponse)
def producer_home(request: Request, uow: ReadUow, principal: PortalPrincipal) -> HTMLResponse:
    """The producer's productions and replicas, with the forms to register more."""
    return _registry(request, uow, principal)


def _register(
    request: Request,
    uow: UnitOfWork,
    principal: Principal,
    section: str,
    document: dict[str, Any],
    form: CheckedForm,
) -> Response:
    try:
        added = registry.add_record(uow, principal, section, document)
    except FORM_ERRORS as exc:
        uow.rollback()
        values = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf"}
        return _registry(
            request,
            uow,
            principal,
            errors={section: problem_lines(exc)},
            values=values,
            status=form_status(exc),
        )
    return redirect(request, "/producer", f"Registered {section[:-1]} {added.id}.")


@router.post("/producer/productions", response_class=HTMLResponse)
def register_production(
    request: Request, form: CheckedForm, uow: WriteUow, principal: PortalPrincipal
) -> Response:
    """Register a production of this producer."""
    document = {
        "id": field(form, "id"),
        "title": field(form, "title"),
        "producer": principal.party,
        "kind": field(form, "kind"),
        "principal_photography": field(form, "principal_photography") or None,
    }
    return _register(request, uow, principal, "productions", document, form)


@router.post("/producer/replicas", response_class=HTMLResponse)
def register_replica(
    request: Request, form: CheckedForm, uow: WriteUow, principal: PortalPrincipal
) -> Response:
    """Register a replica made in (or for) one of this producer's productions."""
    document = {
        "id": field(form, "id"),
        "performer": field(form, "performer"),
        "kind": field(form, "kind"),
        "media": [m for m in form.getlist("media") if isinstance(m, str)],
        "made_in": field(form, "made_in") or None,
        "made_on": field(form, "made_on") or None,
    }
    return _register(request, uow, principal, "replicas", document, form)


def _store_upload(
    container: ContainerDep, principal: Principal, replica_id: str, upload: AssetUpload
) -> bool:
    asset = upload.complete()
    with container.uow() as uow:
        _, new = replica_assets.record_asset(uow, principal, replica_id, asset, upload.place)
    if not new:
        upload.discard()
    return new


@router.post("/producer/replicas/{replica_id}/assets", response_class=HTMLResponse)
async def upload_asset(
    request: Request,
    replica_id: str,
    form: CheckedForm,
    principal: PortalPrincipal,
    container: ContainerDep,
) -> Response:
    """Store an uploaded file as the replica's asset, with its size and SHA-256."""
    sent = form.get("file")
    if not isinstance(sent, UploadFile) or not sent.filename:
        return redirect(request, "/producer", "Choose a file to upload first.")
    name = sent.filename.replace("/", "_").replace("\\", "_")
    upload = AssetUpload(
        container.settings.assets_dir, replica_id, name, container.settings.max_asset_bytes
    )
    try:
        while chunk := await sent.read(1 << 16):
            upload.write(chunk)
        new = await run_in_threadpool(_store_upload, container, principal, replica_id, upload)
    except BaseException:
        upload.discard()
        raise
    said = "stored with its SHA-256" if new else "was already registered"
    return redirect(request, "/producer", f"{name} of replica {replica_id} {said}.")


def _uses(
    request: Request,
    uow: UnitOfWork,
    principal: Principal,
    container: ContainerDep,
    *,
    errors: dict[str, Any] | None = None,
    values: dict[str, Any] | None = None,
    outcome: Any = None,
    status: int = 200,
) -> HTMLResponse:
    only_for(principal, Role.PRODUCER)
    return render(
        request,
        "producer_uses.html",
        status,
        productions=registry.list_productions(uow, principal),
        replicas=registry.list_replicas(uow, principal),
        uses=list(reversed(activity.visible_uses(uow, principal))),
        performers=registry.list_performers(uow, principal),
        use_codes=[str(u) for u in UseKind],
        request_kinds=REQUEST_KINDS,
        purposes=EXEMPT_PURPOSES,
        features=FEATURES,
        errors=errors or {},
        values=values or {"kind": "use", "date": today(container).isoformat(), "days": "1"},
        key=new_key("portal"),
        outcome=outcome,
    )


@router.get("/producer/uses", response_class=HTMLResponse)
def uses_page(
    request: Request, uow: ReadUow, principal: PortalPrincipal, container: ContainerDep
) -> HTMLResponse:
    """Ask a decision, record a use, and every decision recorded for this producer."""
    return _uses(request, uow, principal, container)


@router.post("/producer/decisions", response_class=HTMLResponse)
def ask_decision(
    request: Request,
    form: CheckedForm,
    uow: ReadUow,
    principal: PortalPrincipal,
    container: ContainerDep,
) -> HTMLResponse:
    """Decide a request without recording anything: allowed or not, and why."""
    try:
        document = use_request_document(form, str(principal.party))
        parsed, _ = parse_request(document, "request")
        (decision,) = decide_requests(uow, principal, [parsed], deps=container.deps)
    except FORM_ERRORS as exc:
        return _uses(
            request,
            uow,
            principal,
            container,
            errors={"use": problem_lines(exc)},
            values=form_values(form),
            status=form_status(exc),
        )
    return _uses(
        request,
        uow,
        principal,
        container,
        values=form_values(form),
        outcome={"decision": decision, "recorded": False, "request": parsed},
    )


@router.post("/producer/uses", response_class=HTMLResponse)
def record(
    request: Request,
    form: CheckedForm,
    uow: WriteUow,
    principal: PortalPrincipal,
    container: ContainerDep,
) -> HTMLResponse:
    """Decide and record the use once under the form's key: allowed, with its pay lines; or
    denied, with the reasons (the denial is recorded too)."""
    try:
        document = use_request_document(form, str(principal.party))
        outcome = record_use(
            uow, principal, document, field(form, "key") or new_key("portal"), deps=container.deps
        )
    except FORM_ERRORS as exc:
        uow.rollback()
        return _uses(
            request,
            uow,
            principal,
            container,
            errors={"use": problem_lines(exc)},
            values=form_values(form),
            status=form_status(exc),
        )
    record = outcome.record
    result = {"decision": record.decision, "recorded": True, "request": record.request}
    return _uses(request, uow, principal, container, outcome=result)


def _pay(
    request: Request,
    uow: UnitOfWork,
    principal: Principal,
    container: ContainerDep,
    *,
    errors: dict[str, Any] | None = None,
    status: int = 200,
) -> HTMLResponse:
    only_for(principal, Role.PRODUCER)
    lines = activity.visible_pay_lines(uow, principal)
    due = sum(1 for line in lines if line.payment is None and line.amount > 0)
    return render(
        request,
        "producer_pay.html",
        status,
        lines=lines,
        due=due,
        errors=errors or {},
        today=today(container),
    )


@router.get("/producer/pay-lines", response_class=HTMLResponse)
def pay_lines(
    request: Request, uow: ReadUow, principal: PortalPrincipal, container: ContainerDep
) -> HTMLResponse:
    """The pay lines this producer owes, paid or due, with a form to mark each paid."""
    return _pay(request, uow, principal, container)


@router.post("/producer/pay-lines/{line_id}/paid", response_class=HTMLResponse)
def mark_paid(
    request: Request,
    line_id: int,
    form: CheckedForm,
    uow: WriteUow,
    principal: PortalPrincipal,
    container: ContainerDep,
) -> Response:
    """Record that the line was paid (reference, date)."""
    try:
        paid_on = parse_day(field(form, "paid_on"), "paid on") or today(container)
        payments.mark_paid(
            uow,
            principal,
            line_id,
            reference=field(form, "reference"),
            paid_on=paid_on,
            deps=container.deps,
        )
    except FORM_ERRORS as exc:
        uow.rollback()
        return _pay(
            request,
            uow,
            principal,
            container,
            errors={str(line_id): problem_lines(exc)},
            status=form_status(exc),
        )
    return redirect(request, "/producer/pay-lines", f"Pay line {line_id} is marked paid.")
