"""What a performer sees about themselves: their replicas, the consents that name them or their
replicas (each with its standing on the day), and every pay line their likeness has earned."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from likeness.compensation.rounding import format_money
from likeness.domain.principals import Principal
from likeness.interchange.documents import to_jsonable
from likeness.interchange.report import consent_to_document
from likeness.interchange.statements import basis_of
from likeness.services import registry
from likeness.services.collaborators import Collaborators
from likeness.services.consent_world import standings
from likeness.services.consents import list_consents
from likeness.services.unit_of_work import UnitOfWork


def performer_overview(
    uow: UnitOfWork, principal: Principal, performer_id: str, *, deps: Collaborators
) -> dict[str, Any]:
    """The performer's record, replicas, consents (each with its standing today, as the
    decision engine judges it) and pay lines with totals per kind and currency, as far as
    ``principal`` may see them (a producer: the id and name only).

    Raises :class:`~likeness.errors.NotFoundError` for an unknown or invisible performer."""
    permission = registry.see_performer(uow, principal, performer_id)
    performer = registry.get_performer(uow, principal, performer_id)
    if permission.limited:
        return {
            "performer": registry.performer_document(performer, limited=True),
            "replicas": [],
            "consents": [],
            "pay_lines": [],
            "totals": [],
        }
    lines = uow.uses.pay_lines(performer_id=performer.id)
    found = list_consents(uow, principal, performer.id)
    totals: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for line in lines:
        totals[(str(line.kind), line.currency)] += line.amount
    return {
        "performer": registry.record_as_document(performer),
        "replicas": [
            registry.record_as_document(r)
            for r in registry.list_replicas(uow, principal, performer.id)
        ],
        "consents": [
            {
                **to_jsonable(consent_to_document(s.consent, s.problems)),
                "standing": standing.as_document(),
            }
            for s, standing in zip(
                found, standings(uow, [s.consent for s in found], deps=deps), strict=True
            )
        ],
        "pay_lines": [
            to_jsonable(
                {
                    "date": p.date,
                    "production": p.production,
                    "kind": str(p.kind),
                    "amount": format_money(p.amount),
                    "currency": p.currency,
                    "basis": basis_of(p),
                    "rule": p.rule,
                    "rate_row": p.rate_row,
                }
            )
            for p in lines
        ],
        "totals": [
            {"kind": kind, "currency": currency, "amount": format_money(amount)}
            for (kind, currency), amount in sorted(totals.items())
        ],
    }
