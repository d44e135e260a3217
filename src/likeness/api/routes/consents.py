"""``/v1`` consent routes (SPEC §10): read, give, revoke and suspend, and a performer's list.

Giving, revoking and suspending need authority on the day (SPEC §4.2): the services decide it
through the access module; a consent the caller may not see answers 404, a visible one with no
authority 403, an invalid consent 422 with its SPEC §5 problems.
"""

from __future__ import annotations

from fastapi import APIRouter, status

from likeness.api.params import Json, Limit, Offset, PathId
from likeness.api.responses import READ, WRITE
from likeness.api.schemas import ConsentCreate, ConsentPage, ConsentPublic, DayBody
from likeness.api.views import consent_view, page_view
from likeness.deps import ApiPrincipal, ApiReadUow, ApiWriteUow, ContainerDep
from likeness.domain.consents import StoredConsent
from likeness.errors import RecordInvalidError
from likeness.interchange.schemas import consent_from_record
from likeness.services import consents
from likeness.services.consent_world import standings
from likeness.services.pages import Page, page_of
from likeness.services.unit_of_work import UnitOfWork

router = APIRouter(prefix="/v1", tags=["consents"])


def _views(uow: UnitOfWork, found: list[StoredConsent], container: ContainerDep) -> list[Json]:
    """Each consent with its standing today, as the decision engine judges it."""
    stood = standings(uow, [s.consent for s in found], deps=container.deps)
    return [consent_view(s, st) for s, st in zip(found, stood, strict=True)]


@router.get(
    "/consents/{consent_id}",
    response_model=ConsentPublic,
    response_model_exclude_unset=True,
    responses=READ,
)
def get_consent(
    consent_id: PathId, uow: ApiReadUow, principal: ApiPrincipal, container: ContainerDep
) -> Json:
    """One consent, with its validity as recorded (SPEC §5 problems) and its ``standing``
    today: valid, or revoked, not authorized, ended at death, expired, suspended, invalid."""
    return _views(uow, [consents.get_consent(uow, principal, consent_id)], container)[0]


@router.get(
    "/performers/{performer_id}/consents",
    response_model=ConsentPage,
    response_model_exclude_unset=True,
    responses=READ,
)
def performer_consents(
    performer_id: PathId,
    uow: ApiReadUow,
    principal: ApiPrincipal,
    container: ContainerDep,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Json:
    """The consents naming the performer or their replicas that the caller sees, each with
    its ``standing`` today."""
    found = consents.list_consents(uow, principal, performer_id)
    page = page_of(found, limit, offset)
    views: Page[Json] = Page(
        _views(uow, page.items, container), page.total, page.limit, page.offset
    )
    return page_view(views, lambda view: view)


@router.post(
    "/consents",
    status_code=status.HTTP_201_CREATED,
    response_model=ConsentPublic,
    response_model_exclude_unset=True,
    responses=WRITE,
)
def give_consent(
    body: ConsentCreate, uow: ApiWriteUow, principal: ApiPrincipal, container: ContainerDep
) -> Json:
    """Give a consent (the performer, a representative with authority, the union for a
    deceased performer without an estate); an invalid one is refused with its problems."""
    try:
        consent = consent_from_record(body)
    except ValueError as exc:
        raise RecordInvalidError(f"consent {body.id}", "consent", None, str(exc)) from None
    stored = consents.grant_consent(uow, principal, consent, deps=container.deps)
    return _views(uow, [stored], container)[0]


@router.post(
    "/consents/{consent_id}/revoke",
    response_model=ConsentPublic,
    response_model_exclude_unset=True,
    responses=WRITE,
)
def revoke_consent(
    consent_id: PathId,
    body: DayBody,
    uow: ApiWriteUow,
    principal: ApiPrincipal,
    container: ContainerDep,
) -> Json:
    """Revoke a consent from ``on`` (uses before stay valid; nothing is deleted)."""
    stored = consents.revoke_consent(uow, principal, consent_id, body.on, deps=container.deps)
    return _views(uow, [stored], container)[0]


@router.post(
    "/consents/{consent_id}/suspend",
    response_model=ConsentPublic,
    response_model_exclude_unset=True,
    responses=WRITE,
)
def suspend_consent(
    consent_id: PathId,
    body: DayBody,
    uow: ApiWriteUow,
    principal: ApiPrincipal,
    container: ContainerDep,
) -> Json:
    """Suspend a consent from ``on`` during a video-game strike (SPEC §7)."""
    stored = consents.suspend_consent(uow, principal, consent_id, body.on, deps=container.deps)
    return _views(uow, [stored], container)[0]
