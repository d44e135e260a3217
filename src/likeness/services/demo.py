"""Loading the demo data: the stories of the seeds, told as records.

The demo file holds a world (performers, producers, productions, replicas), consents (an
invalid one is kept for the record, as the 2023 studio proposal must be), strikes, suspensions
of consent during a video-game strike, and use requests recorded under fixed keys, some allowed
and some denied.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from likeness.domain.principals import Principal
from likeness.errors import InvalidInputError
from likeness.interchange.parsing import parse_strike
from likeness.services import registry
from likeness.services.collaborators import Collaborators
from likeness.services.consents import grant_consent, parse_consent_document, suspend_consent
from likeness.services.strikes import declare_strike
from likeness.services.unit_of_work import UnitOfWork
from likeness.services.uses import record_use


def load_demo(
    uow: UnitOfWork, principal: Principal, document: Mapping[str, Any], *, deps: Collaborators
) -> str | None:
    """Register the demo world, its consents and its uses into an empty registry, and say
    what was loaded; None when the registry already holds data (nothing is loaded then).
    The operator only: it registers performers and producers."""
    if not registry.load_world(uow).is_empty():
        return None
    world = registry.import_world(uow, principal, document)
    consents = document.get("consents") or []
    for i, raw in enumerate(consents):
        consent = parse_consent_document(raw, f"consents[{i}]")
        grant_consent(uow, principal, consent, store_invalid=True, deps=deps)
    strikes = document.get("strikes") or []
    for i, raw in enumerate(strikes):
        declare_strike(uow, principal, parse_strike(raw, f"strikes[{i}]"))
    for i, item in enumerate(document.get("suspensions") or []):
        if not isinstance(item, Mapping) or not {"consent", "suspended_on", "by"} <= set(item):
            raise InvalidInputError(f"demo suspensions[{i}]: expected consent, suspended_on and by")
        suspend_consent(
            uow, principal, str(item["consent"]), item["suspended_on"], str(item["by"]), deps=deps
        )
    allowed = 0
    uses = document.get("uses") or []
    for i, item in enumerate(uses):
        if not isinstance(item, Mapping) or "key" not in item or "request" not in item:
            raise InvalidInputError(f"demo uses[{i}]: expected a mapping with key and request")
        result = record_use(uow, principal, item["request"], str(item["key"]), deps=deps)
        allowed += result.record.decision.allowed
    return (
        f"{len(world.performers)} performers, {len(world.producers)} producers, "
        f"{len(world.productions)} productions, {len(world.replicas)} replicas, "
        f"{len(consents)} consents, {len(strikes)} strikes, {len(uses)} use requests"
        f" ({allowed} allowed)"
    )
