"""Consent use cases: grant (refusing invalid consents unless kept for the record), revoke
(``revoked_on``, never deletion) and list. Each change writes its ledger entry in the same
transaction (SPEC §8).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from likeness.compensation.pay import RateBookPay
from likeness.domain.consents import Consent, StoredConsent
from likeness.domain.ids import ProductionId
from likeness.domain.world import World
from likeness.errors import ConflictError, InvalidInputError, NotFoundError, RecordInvalidError
from likeness.interchange.documents import to_jsonable
from likeness.interchange.records import parse_record
from likeness.interchange.scenario import ConsentRecord, consent_from_record, consent_to_document
from likeness.policy.engine import DecisionEngine
from likeness.services.unit_of_work import ConsentUnitOfWork

#: the ledger actor for changes made by an operator
OPERATOR = "operator"


def parse_consent_document(data: Mapping[str, Any], label: str = "consent") -> Consent:
    """A consent given in the file format (an ``expect`` key is refused here).

    Raises :class:`RecordInvalidError` naming the field, the value and what was expected.
    """
    rec = parse_record(ConsentRecord, data, label)
    if rec.expect is not None:
        raise RecordInvalidError(label, "expect", "…", "no expect outside a scenario file")
    try:
        return consent_from_record(rec)
    except ValueError as exc:
        raise InvalidInputError(f"{label}: {exc}") from None


def _world_for(uow: ConsentUnitOfWork, consent: Consent) -> World:
    """The slice of the registry a consent's validity and authority depend on."""
    world = World()
    if consent.replica is not None:
        replica = uow.replicas.get(consent.replica)
        if replica is None:
            raise NotFoundError(
                f"consent {consent.id}: replica {consent.replica!r} does not exist"
                " (expected a registered replica)"
            )
        world.replicas[replica.id] = replica
        performer_id: str = replica.performer
    else:
        performer_id = str(consent.performer)
    performer = uow.performers.get(performer_id)
    if performer is None:
        raise NotFoundError(
            f"consent {consent.id}: performer {performer_id!r} does not exist"
            " (expected a registered performer)"
        )
    world.performers[performer.id] = performer
    for pid in consent.productions:
        production = uow.productions.get(pid)
        if production is not None:
            world.productions[ProductionId(pid)] = production
    return world


def consent_problems(uow: ConsentUnitOfWork, consent: Consent) -> tuple[str, ...]:
    """SPEC §5 problems of ``consent`` under the rule sets of the productions it names."""
    engine = DecisionEngine(_world_for(uow, consent), RateBookPay())
    return engine.problems_of(consent)


def grant_consent(
    uow: ConsentUnitOfWork,
    consent: Consent,
    *,
    store_invalid: bool = False,
    actor: str = OPERATOR,
) -> StoredConsent:
    """Record ``consent``; an invalid one (SPEC §5) is refused unless ``store_invalid``.

    Raises :class:`ConflictError` for a used id, :class:`NotFoundError` for an unknown subject
    and :class:`InvalidInputError` listing the problems of an invalid consent.

    Example: ``grant_consent(uow, consent)`` returns ``StoredConsent(consent, ())``.
    """
    if uow.consents.get(consent.id) is not None:
        raise ConflictError(f"consent {consent.id} already exists (expected a new id)")
    problems = consent_problems(uow, consent)
    if problems and not store_invalid:
        raise InvalidInputError(
            f"consent {consent.id} is invalid (expected a consent that passes SPEC §5; use"
            " --store-invalid to keep it for the record); its problems:",
            errors=problems,
        )
    uow.consents.add(consent, problems)
    uow.ledger.append("consent-granted", actor, to_jsonable(consent_to_document(consent, problems)))
    uow.commit()
    return StoredConsent(consent, problems)


def revoke_consent(
    uow: ConsentUnitOfWork, consent_id: str, on: dt.date, *, actor: str = OPERATOR
) -> StoredConsent:
    """Revoke a consent from ``on`` (uses before it stay valid); nothing is deleted.

    Raises :class:`NotFoundError` for an unknown id and :class:`ConflictError` when the consent
    was already revoked.
    """
    stored = uow.consents.get(consent_id)
    if stored is None:
        raise NotFoundError(f"consent {consent_id!r} does not exist (expected a recorded consent)")
    if stored.consent.revoked_on is not None:
        raise ConflictError(
            f"consent {consent_id} was already revoked on {stored.consent.revoked_on}"
            f" (expected a consent in force; asked to revoke on {on})"
        )
    uow.consents.revoke(consent_id, on)
    uow.ledger.append(
        "consent-revoked", actor, {"consent": consent_id, "revoked_on": on.isoformat()}
    )
    uow.commit()
    return StoredConsent(stored.consent.revoked(on), stored.problems)


def list_consents(
    uow: ConsentUnitOfWork, performer_id: str | None = None
) -> Sequence[StoredConsent]:
    """Consents in stored order; with ``performer_id`` those naming the performer or one of
    their replicas. Raises :class:`NotFoundError` for an unknown performer."""
    if performer_id is not None and uow.performers.get(performer_id) is None:
        raise NotFoundError(f"performer {performer_id!r} does not exist")
    return uow.consents.list(performer_id)
