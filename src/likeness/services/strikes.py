"""Strikes (SPEC §2, §7): declaring one is a ledger entry in the same transaction.

A strike changes decisions (``strike-in-effect`` under 2026, ``consent-suspended`` under the
2025 Interactive Media Agreement) and consent validity (``signed-during-strike``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from likeness.domain.principals import Principal
from likeness.domain.strikes import Strike
from likeness.errors import (
    ConflictError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
    RecordInvalidError,
)
from likeness.services.access import Action, Record, RecordKind, may, require
from likeness.services.unit_of_work import UnitOfWork


def strike_document(strike: Strike) -> dict[str, object]:
    """A strike in the file format of SPEC §9 (``against``, ``from``, ``until``)."""
    return {
        **({} if strike.id is None else {"id": strike.id}),
        "against": "all" if strike.against is None else list(strike.against),
        "from": strike.start.isoformat(),
        "until": None if strike.until is None else strike.until.isoformat(),
    }


def declare_strike(uow: UnitOfWork, principal: Principal, strike: Strike) -> Strike:
    """Store ``strike`` and its ``strike-declared`` ledger entry, then commit (the union, or
    the operator; :class:`ForbiddenError` for anyone else, :class:`RecordInvalidError` for a
    producer that is not registered)."""
    permission = may(principal, Action.DECLARE_STRIKE, Record(RecordKind.STRIKE, "new"))
    if not permission.allowed:  # a new strike has no existence to hide: 403, not 404
        raise ForbiddenError(
            f"{principal.actor} may not declare a strike (the union declares strikes)",
            errors=permission.reasons,
        )
    for producer in strike.against or ():
        if uow.producers.get(producer) is None:
            raise RecordInvalidError(
                "strike", "against", producer, "the id of a registered producer, or all"
            )
    strike = dataclasses.replace(strike, id=uow.strikes.add(strike))
    uow.ledger.append("strike-declared", principal.actor, strike_document(strike))
    uow.commit()
    return strike


def end_strike(uow: UnitOfWork, principal: Principal, strike_id: int, until: dt.date) -> Strike:
    """Record ``until``, the day work resumed, on a strike still in effect, with its
    ``strike-ended`` ledger entry (the union or the operator)."""
    missing = f"strike {strike_id} does not exist (expected the id of a declared strike)"
    strike = uow.strikes.get(strike_id)
    if strike is None:
        raise NotFoundError(missing)
    require(principal, Action.END_STRIKE, Record(RecordKind.STRIKE, str(strike_id)), missing)
    if strike.until is not None:
        raise ConflictError(f"strike {strike_id} already ended: work resumed on {strike.until}")
    if until < strike.start:
        raise InvalidInputError(
            f"strike {strike_id}: until {until} is before it began on {strike.start}"
            " (expected the day work resumed)"
        )
    uow.strikes.end(strike_id, until)
    ended = dataclasses.replace(strike, until=until)
    uow.ledger.append("strike-ended", principal.actor, strike_document(ended))
    uow.commit()
    return ended


def list_strikes(uow: UnitOfWork, principal: Principal) -> list[Strike]:
    """The strikes ``principal`` sees (the union and the operator: all; anyone else: none),
    in the order they were declared."""
    return [
        strike
        for strike in uow.strikes.list()
        if may(principal, Action.SEE, Record(RecordKind.STRIKE, str(strike.id))).visible
    ]
