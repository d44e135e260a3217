"""Strikes (SPEC §2, §7): declaring one is a ledger entry in the same transaction.

A strike changes decisions (``strike-in-effect`` under 2026, ``consent-suspended`` under the
2025 Interactive Media Agreement) and consent validity (``signed-during-strike``).
"""

from __future__ import annotations

from likeness.domain.strikes import Strike
from likeness.services.unit_of_work import ConsentUnitOfWork

#: the ledger actor for changes made by an operator
OPERATOR = "operator"


def strike_document(strike: Strike) -> dict[str, object]:
    """A strike in the file format of SPEC §9 (``against``, ``from``, ``until``)."""
    return {
        "against": "all" if strike.against is None else list(strike.against),
        "from": strike.start.isoformat(),
        "until": None if strike.until is None else strike.until.isoformat(),
    }


def declare_strike(uow: ConsentUnitOfWork, strike: Strike, *, actor: str = OPERATOR) -> Strike:
    """Store ``strike`` and its ``strike-declared`` ledger entry, then commit."""
    uow.strikes.add(strike)
    uow.ledger.append("strike-declared", actor, strike_document(strike))
    uow.commit()
    return strike
