"""``/v1`` decisions and uses (SPEC §10): decide one request or a batch, record a use once
under an ``Idempotency-Key``, and read recorded uses and pay lines.

A producer asks only about its own productions: a request naming another producer's production
(or asking in another producer's name) is refused before the engine runs, as if the
production did not exist.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Response, status
from fastapi.responses import JSONResponse

from likeness.api.params import Json, Limit, Offset, PathId, PathNumber
from likeness.api.responses import READ, WRITE
from likeness.api.schemas import (
    BatchPublic,
    BatchRequest,
    DecisionPublic,
    DecisionRequest,
    PayLinePage,
    UsePage,
    UsePublic,
)
from likeness.api.views import decision_view, page_view, pay_line_view, use_view
from likeness.deps import ApiPrincipal, ApiReadUow, ApiWriteUow, ContainerDep
from likeness.domain.ids import KEY_GRAMMAR, KEY_PATTERN
from likeness.domain.requests import Request
from likeness.interchange.records import Key, build_checked
from likeness.interchange.schemas import RequestRecord, request_from_record
from likeness.services import use_queries
from likeness.services.decisions import decide_requests
from likeness.services.uses import record_use

router = APIRouter(prefix="/v1", tags=["decisions and uses"])

IdempotencyKey = Annotated[
    Key,
    Header(
        alias="Idempotency-Key",
        description="The producer's key for this use: the same key and body answer the first"
        f" answer again; the same key with another body is a 409. It is {KEY_GRAMMAR}; any"
        " other answers 422 naming the header.",
        json_schema_extra={"pattern": f"^{KEY_PATTERN.pattern}$"},
    ),
]


def _request(record: RequestRecord, label: str) -> Request:
    """The domain request of a body that reads but may not hold together (a ``use`` request
    without a use or a replica): that is bad input, 422 naming the request, never a crash."""
    return build_checked(label, lambda: request_from_record(record))


@router.post("/decisions", response_model=DecisionPublic, responses=WRITE)
def decide(
    body: DecisionRequest, uow: ApiReadUow, principal: ApiPrincipal, container: ContainerDep
) -> JSONResponse:
    """Decide one request (SPEC §4): allow or deny, the reasons, and the obligations."""
    request = _request(body, "request")
    (decision,) = decide_requests(uow, principal, [request], deps=container.deps)
    # the view already has the documented shape (checked by the schemathesis test): sent as
    # is, without validating it again against the model, on the API's busiest route
    return JSONResponse(decision_view(decision))


@router.post("/decisions/batch", response_model=BatchPublic, responses=WRITE)
def decide_batch(
    body: BatchRequest, uow: ApiReadUow, principal: ApiPrincipal, container: ContainerDep
) -> JSONResponse:
    """Decide up to 10,000 requests; the answers come in the order asked."""
    requests = [_request(r, f"requests[{i}]") for i, r in enumerate(body.requests)]
    decisions = decide_requests(uow, principal, requests, deps=container.deps)
    return JSONResponse({"decisions": [decision_view(d) for d in decisions]})


@router.post(
    "/uses",
    status_code=status.HTTP_201_CREATED,
    response_model=UsePublic,
    responses={**WRITE, 200: {"description": "denied (the decision is stored), or a replay"}},
)
def record(
    body: DecisionRequest,
    key: IdempotencyKey,
    response: Response,
    uow: ApiWriteUow,
    principal: ApiPrincipal,
    container: ContainerDep,
) -> Json:
    """Decide the request and record it once under the key: 201 with the use when allowed,
    200 with the stored decision when denied or when the key was seen before."""
    document = body.model_dump(mode="json", exclude_unset=True)
    outcome = record_use(uow, principal, document, key, deps=container.deps)
    if outcome.replayed or outcome.record.use_id is None:
        response.status_code = status.HTTP_200_OK
    if outcome.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return use_view(outcome.record)


@router.get("/uses/{use_id}", response_model=UsePublic, responses=READ)
def get_use(use_id: PathNumber, uow: ApiReadUow, principal: ApiPrincipal) -> Json:
    """One recorded use: its request, the decision that allowed it, and its pay lines."""
    return use_view(use_queries.get_use(uow, principal, use_id))


@router.get("/performers/{performer_id}/uses", response_model=UsePage, responses=READ)
def performer_uses(
    performer_id: PathId,
    uow: ApiReadUow,
    principal: ApiPrincipal,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Json:
    """The uses of the performer's likeness the caller sees, in the order recorded."""
    page = use_queries.performer_uses(uow, principal, performer_id, limit=limit, offset=offset)
    return page_view(page, use_view)


@router.get("/performers/{performer_id}/pay-lines", response_model=PayLinePage, responses=READ)
def performer_pay_lines(
    performer_id: PathId,
    uow: ApiReadUow,
    principal: ApiPrincipal,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Json:
    """The pay lines owed to the performer that the caller sees, in the order recorded."""
    page = use_queries.performer_pay_lines(uow, principal, performer_id, limit=limit, offset=offset)
    return page_view(page, pay_line_view)
