"""``/v1`` consent requests and notices (SPEC §10, §11).

A producer asks (``POST /v1/consent-requests``; ``.../preview`` shows the SPEC §5 problems
without sending); whoever may consent on the day grants or refuses; the producer withdraws.
Answering a request that is not pending is a 409 naming its state. ``GET /v1/notices`` lists
the caller's notices, newest first.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, status

from likeness.api.params import Json, Limit, Offset, PathId
from likeness.api.request_schemas import (
    ConsentRequestCreate,
    ConsentRequestPage,
    ConsentRequestPreview,
    ConsentRequestPublic,
    EmptyBody,
    GrantPublic,
    NoticePage,
    RefuseBody,
)
from likeness.api.responses import READ, WRITE
from likeness.api.views import consent_view, page_view
from likeness.deps import ApiPrincipal, ApiReadUow, ApiWriteUow, ContainerDep
from likeness.domain.consent_requests import ConsentRequest, RequestState
from likeness.domain.consents import StoredConsent
from likeness.domain.notices import Notice
from likeness.services import consent_answers as answers
from likeness.services import consent_requests as requests
from likeness.services.notices import list_notices
from likeness.services.pages import page_of

router = APIRouter(prefix="/v1", tags=["consent requests and notices"])


def request_view(request: ConsentRequest) -> dict[str, Any]:
    """A request as the API shows it (its state as stored by the service)."""
    return requests.request_document(request)


def notice_view(notice: Notice) -> dict[str, Any]:
    """A notice as the API shows it."""
    return {
        "id": notice.id,
        "kind": str(notice.kind),
        "recipient": notice.recipient,
        "recipient_role": str(notice.recipient_role),
        "performer": notice.performer,
        "subject": notice.subject,
        "message": notice.message,
        "data": dict(notice.data),
        "created_at": notice.created_at.isoformat(),
        "delivery": str(notice.delivery),
        "sent_at": None if notice.sent_at is None else notice.sent_at.isoformat(),
    }


def _document(body: ConsentRequestCreate) -> dict[str, Any]:
    return body.model_dump(mode="json", exclude_unset=True)


@router.post(
    "/consent-requests",
    status_code=status.HTTP_201_CREATED,
    response_model=ConsentRequestPublic,
    responses=WRITE,
)
def create_request(
    body: ConsentRequestCreate, uow: ApiWriteUow, principal: ApiPrincipal, container: ContainerDep
) -> Json:
    """Ask for consent; refused with its SPEC §5 codes when the consent would be invalid."""
    request = requests.create_request(uow, principal, _document(body), deps=container.deps)
    return request_view(request)


@router.post("/consent-requests/preview", response_model=ConsentRequestPreview, responses=WRITE)
def preview_request(
    body: ConsentRequestCreate, uow: ApiReadUow, principal: ApiPrincipal, container: ContainerDep
) -> Json:
    """What the request would be, its problems and who may answer it; nothing is stored."""
    preview = requests.preview_request(uow, principal, _document(body), deps=container.deps)
    return {
        "valid": not preview.problems,
        "problems": list(preview.problems),
        "answerers": [{"role": str(r), "party": p} for r, p in preview.answerers],
        "request": request_view(preview.request),
    }


@router.get("/consent-requests", response_model=ConsentRequestPage, responses=READ)
def list_requests(
    uow: ApiReadUow,
    principal: ApiPrincipal,
    container: ContainerDep,
    state: Annotated[RequestState | None, Query(description="only requests in this state")] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Json:
    """The requests the caller sees, in the order made, as they stand today."""
    found = requests.list_requests(uow, principal, state=state, deps=container.deps)
    return page_view(page_of(found, limit, offset), request_view)


@router.get("/consent-requests/{request_id}", response_model=ConsentRequestPublic, responses=READ)
def get_request(
    request_id: PathId, uow: ApiReadUow, principal: ApiPrincipal, container: ContainerDep
) -> Json:
    """One request as it stands today."""
    return request_view(requests.get_request(uow, principal, request_id, deps=container.deps))


@router.post("/consent-requests/{request_id}/grant", response_model=GrantPublic, responses=WRITE)
def grant_request(
    request_id: PathId,
    body: EmptyBody,
    uow: ApiWriteUow,
    principal: ApiPrincipal,
    container: ContainerDep,
) -> Json:
    """Grant a pending request as yourself: the consent is made, signed today."""
    granted = answers.grant_request(uow, principal, request_id, deps=container.deps)
    return {
        "request": request_view(granted.request),
        "consent": consent_view(StoredConsent(granted.consent, ())),
    }


@router.post(
    "/consent-requests/{request_id}/refuse", response_model=ConsentRequestPublic, responses=WRITE
)
def refuse_request(
    request_id: PathId,
    body: RefuseBody,
    uow: ApiWriteUow,
    principal: ApiPrincipal,
    container: ContainerDep,
) -> Json:
    """Refuse a pending request, with an optional reason."""
    refused = answers.refuse_request(uow, principal, request_id, body.reason, deps=container.deps)
    return request_view(refused)


@router.post(
    "/consent-requests/{request_id}/withdraw",
    response_model=ConsentRequestPublic,
    responses=WRITE,
)
def withdraw_request(
    request_id: PathId,
    body: EmptyBody,
    uow: ApiWriteUow,
    principal: ApiPrincipal,
    container: ContainerDep,
) -> Json:
    """The producer withdraws its pending request."""
    withdrawn = answers.withdraw_request(uow, principal, request_id, deps=container.deps)
    return request_view(withdrawn)


@router.get("/notices", response_model=NoticePage, responses=READ)
def notices(
    uow: ApiReadUow, principal: ApiPrincipal, limit: Limit = 100, offset: Offset = 0
) -> Json:
    """The caller's notices, newest first."""
    return page_view(list_notices(uow, principal, limit=limit, offset=offset), notice_view)
