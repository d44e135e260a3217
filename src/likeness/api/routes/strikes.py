"""``/v1/strikes`` (SPEC §10): the union declares and ends strikes."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, status

from likeness.api.params import PathNumber
from likeness.api.responses import WRITE
from likeness.api.schemas import DayBody, StrikeCreate, StrikePublic
from likeness.deps import ApiPrincipal, ApiWriteUow
from likeness.domain.ids import ProducerId
from likeness.domain.strikes import ALL_PRODUCERS, Strike
from likeness.errors import RecordInvalidError
from likeness.services import strikes

router = APIRouter(prefix="/v1", tags=["strikes"])


def _view(strike: Strike) -> dict[str, Any]:
    return strikes.strike_document(strike)


@router.post(
    "/strikes",
    status_code=status.HTTP_201_CREATED,
    response_model=StrikePublic,
    responses=WRITE,
)
def declare_strike(body: StrikeCreate, uow: ApiWriteUow, principal: ApiPrincipal) -> dict[str, Any]:
    """Declare a strike against some producers (or ``all``) from a day."""
    against = body.against
    if isinstance(against, str) and against != ALL_PRODUCERS:
        against = [against]
    try:
        strike = Strike(
            None if against == ALL_PRODUCERS else tuple(ProducerId(p) for p in against),
            body.from_,
            body.until,
        )
    except ValueError as exc:
        raise RecordInvalidError("strike", "against", body.against, str(exc)) from None
    return _view(strikes.declare_strike(uow, principal, strike))


@router.post("/strikes/{strike_id}/end", response_model=StrikePublic, responses=WRITE)
def end_strike(
    strike_id: PathNumber, body: DayBody, uow: ApiWriteUow, principal: ApiPrincipal
) -> dict[str, Any]:
    """End a strike: ``on`` is the day work resumed."""
    return _view(strikes.end_strike(uow, principal, strike_id, body.on))
