"""Strikes (SPEC §2, §7): declaring one is a ledger entry in the same transaction.

A strike changes decisions (``strike-in-effect`` under 2026, ``consent-suspended`` under the
2025 Interactive Media Agreement) and consent validity (``signed-during-strike``).
"""

from __future__ import annotations

from likeness.domain.principals import Principal
from likeness.domain.strikes import Strike
from likeness.services.access import Action, Record, RecordKind, require
from likeness.services.unit_of_work import UnitOfWork


def strike_document(strike: Strike) -> dict[str, object]:
    """A strike in the file format of SPEC §9 (``against``, ``from``, ``until``)."""
    return {
        "against": "all" if strike.against is None else list(strike.against),
        "from": strike.start.isoformat(),
        "until": None if strike.until is None else strike.until.isoformat(),
    }


def declare_strike(uow: UnitOfWork, principal: Principal, strike: Strike) -> Strike:
    """Store ``strike`` and its ``strike-declared`` ledger entry, then commit (the union, or
    the operator; :class:`ForbiddenError` / :class:`NotFoundError` for anyone else)."""
    require(principal, Action.DECLARE_STRIKE, Record(RecordKind.STRIKE, "new"), "no such strike")
    uow.strikes.add(strike)
    uow.ledger.append("strike-declared", principal.actor, strike_document(strike))
    uow.commit()
    return strike
