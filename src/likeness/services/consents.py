"""Consent use cases: grant (refusing invalid consents unless kept for the record), revoke
(``revoked_on``, never deletion), suspend during a video-game strike (``suspended_on``) and
list. Each change writes its ledger entry in the same transaction (SPEC §8).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from likeness.domain.consents import Consent, StoredConsent
from likeness.domain.decisions import Reason
from likeness.domain.notices import NoticeKind
from likeness.domain.performers import Performer
from likeness.domain.principals import Principal, Role
from likeness.errors import (
    ConflictError,
    Error,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
    RecordInvalidError,
)
from likeness.interchange.documents import to_jsonable
from likeness.interchange.records import build_checked, parse_record
from likeness.interchange.report import consent_to_document
from likeness.interchange.schemas import ConsentRecord, consent_from_record
from likeness.policy.consent_rules import may_consent_for
from likeness.services.access import Action, Record, RecordKind, may, require
from likeness.services.collaborators import Collaborators
from likeness.services.consent_world import consent_problems, world_for
from likeness.services.notices import consent_changed_notices
from likeness.services.records import acts_for, consent_record
from likeness.services.registration_checks import check_new_consent
from likeness.services.unit_of_work import UnitOfWork


def _missing(consent_id: str) -> str:
    return f"consent {consent_id!r} does not exist (expected a recorded consent)"


def _as_party(principal: Principal, given_by: str, what: str) -> None:
    """A performer, representative or the union acts as itself; only the operator records
    what someone else did (raises :class:`ForbiddenError`)."""
    own = principal.consents_as
    if principal.role is not Role.OPERATOR and own != given_by:
        raise ForbiddenError(
            f"{principal.actor} may not {what} as {given_by!r}"
            f" (expected given_by {own!r}: you act as yourself)"
        )


def parse_consent_document(data: Mapping[str, Any], label: str = "consent") -> Consent:
    """A consent given in the file format (an ``expect`` key is refused here).

    Raises :class:`RecordInvalidError` naming the field, the value and what was expected.
    """
    rec = parse_record(ConsentRecord, data, label)
    if rec.expect is not None:
        raise RecordInvalidError(label, "expect", "…", "no expect outside a scenario file")
    return build_checked(label, lambda: consent_from_record(rec))


def grant_consent(
    uow: UnitOfWork,
    principal: Principal,
    consent: Consent,
    *,
    store_invalid: bool = False,
    deps: Collaborators,
) -> StoredConsent:
    """Record ``consent`` given by ``principal`` (the operator records anyone's); an invalid
    one (SPEC §5) is refused unless ``store_invalid``.

    Raises :class:`NotFoundError` for an unknown (or invisible) subject,
    :class:`ForbiddenError` when the principal has no authority on ``signed_on`` (SPEC §4.2,
    §10), :class:`ConflictError` for a used id and :class:`InvalidInputError` listing the
    problems of an invalid consent.

    Example: ``grant_consent(uow, OPERATOR, consent)`` returns ``StoredConsent(consent, ())``.
    """
    stored = _grant(uow, principal, consent, store_invalid=store_invalid, deps=deps)
    uow.commit()
    return stored


def grant_consents(
    uow: UnitOfWork,
    principal: Principal,
    documents: Sequence[tuple[str, Mapping[str, Any]]],
    *,
    store_invalid: bool = False,
    deps: Collaborators,
) -> list[StoredConsent]:
    """Record every consent of ``documents`` (``(label, mapping)`` pairs, e.g. the consents
    of one file) in one transaction: all of them, or none.

    The first refusal (a malformed record, an invalid or unauthorized consent, a used id)
    raises its error with ``stored nothing: `` before its message, and nothing is written.

    Example: ``grant_consents(uow, OPERATOR, [("f.yaml: consent", {...})])`` returns one
    ``StoredConsent``.
    """
    stored: list[StoredConsent] = []
    try:
        for label, data in documents:
            consent = parse_consent_document(data, label)
            stored.append(_grant(uow, principal, consent, store_invalid=store_invalid, deps=deps))
    except Error as exc:
        uow.rollback()
        exc.message = f"stored nothing: {exc.message}"
        exc.args = (exc.message, *exc.args[1:])
        raise
    uow.commit()
    return stored


def _grant(
    uow: UnitOfWork,
    principal: Principal,
    consent: Consent,
    *,
    store_invalid: bool,
    deps: Collaborators,
) -> StoredConsent:
    """:func:`grant_consent` without the commit (the caller commits)."""
    record = consent_record(uow, consent)
    missing = f"consent {consent.id}: {consent.subject!r} does not exist"
    whom = acts_for(uow, principal)
    require(principal, Action.SEE, record, missing, acts_for=whom)
    if principal.consents_as is None and principal.role is not Role.OPERATOR:
        # gives no consent at all: the same refusal whatever the subject (it may not exist)
        require(principal, Action.GIVE_CONSENT, record, missing, acts_for=whom)
    world = world_for(uow, consent)
    performer = deps.engine(world).performer_of(consent)
    require(
        principal,
        Action.GIVE_CONSENT,
        record,
        missing,
        acts_for=whom,
        performer=performer,
        day=consent.signed_on,
    )
    _as_party(principal, consent.given_by, "give consent")
    check_new_consent(uow, consent, performer)
    if uow.consents.get(consent.id) is not None:
        raise ConflictError(f"consent {consent.id} already exists (expected a new id)")
    problems = consent_problems(uow, consent, deps=deps)
    if problems and not store_invalid:
        raise InvalidInputError(
            f"consent {consent.id} is invalid (expected a consent that passes SPEC §5; use"
            " --store-invalid to keep it for the record); its problems:",
            errors=problems,
        )
    uow.consents.add(consent, problems)
    uow.ledger.append(
        "consent-granted", principal.actor, to_jsonable(consent_to_document(consent, problems))
    )
    return StoredConsent(consent, problems)


def revoke_consent(
    uow: UnitOfWork,
    principal: Principal,
    consent_id: str,
    on: dt.date | None = None,
    *,
    deps: Collaborators,
) -> StoredConsent:
    """Revoke a consent from ``on`` (today by the installation's clock when None); uses before
    it stay valid and nothing is deleted: a revocation never rewrites the past (SPEC §4.2).

    Whoever may give the consent on ``on`` may revoke it (SPEC §10). Raises
    :class:`NotFoundError` for an unknown or invisible id, :class:`ForbiddenError` without
    authority, :class:`InvalidInputError` for a date before ``signed_on``, and
    :class:`ConflictError` when the consent was already revoked or a use recorded under it is
    dated on or after ``on`` (the revocation would undo it).
    """
    if on is None:
        on = deps.clock().date()
    stored = uow.consents.get(consent_id)
    if stored is None:
        raise NotFoundError(_missing(consent_id))
    performer = deps.engine(world_for(uow, stored.consent)).performer_of(stored.consent)
    require(
        principal,
        Action.REVOKE_CONSENT,
        consent_record(uow, stored.consent),
        _missing(consent_id),
        acts_for=acts_for(uow, principal),
        performer=performer,
        day=on,
    )
    if stored.consent.revoked_on is not None:
        raise ConflictError(
            f"consent {consent_id} was already revoked on {stored.consent.revoked_on}"
            f" (expected a consent in force; asked to revoke on {on})"
        )
    if on < stored.consent.signed_on:
        raise InvalidInputError(
            f"consent {consent_id}: revoked_on {on} is before it was signed on"
            f" {stored.consent.signed_on} (expected a date on or after the signature)"
        )
    _refuse_undoing_uses(uow, consent_id, performer, on)
    uow.consents.revoke(consent_id, on)
    uow.ledger.append(
        "consent-revoked",
        principal.actor,
        {"consent": consent_id, "revoked_on": on.isoformat()},
    )
    record = consent_record(uow, stored.consent)
    by = principal.consents_as or principal.actor
    consent_changed_notices(
        uow,
        NoticeKind.CONSENT_REVOKED,
        stored.consent,
        None if performer is None else performer.id,
        record.producers,
        by,
        on,
        deps.clock(),
    )
    uow.commit()
    return StoredConsent(stored.consent.revoked(on), stored.problems)


def _refuse_undoing_uses(
    uow: UnitOfWork, consent_id: str, performer: Performer | None, on: dt.date
) -> None:
    """:class:`ConflictError` naming the first use recorded under the consent on or after
    ``on``: revoking from then would deny, after the fact, a use that was allowed."""
    if performer is None:
        return
    for record in uow.uses.of_performer(performer.id):
        decision = record.decision
        if record.use_id is None or decision.consent != consent_id:
            continue
        if record.request.date >= on:
            raise ConflictError(
                f"consent {consent_id}: revoked_on {on} would undo use {record.use_id}"
                f" (key {record.key}, dated {record.request.date}) recorded under it"
                f" (expected a date after {record.request.date}: a revocation never rewrites"
                " the past)"
            )


def suspend_consent(
    uow: UnitOfWork,
    principal: Principal,
    consent_id: str,
    on: dt.date,
    by: str | None = None,
    *,
    deps: Collaborators,
) -> StoredConsent:
    """Suspend a consent from ``on`` (SPEC §7, ``sag-aftra-interactive-2025``): ``by`` is who
    suspends it, the principal itself unless the operator records it for someone.

    Whoever may give the consent on ``on`` may suspend it (§4.2 authority on that day: the
    performer, a representative with ``may_consent``, a guardian, the estate, the union when a
    deceased performer has no estate). The consent then fails on every date a strike against
    the request's producer covers. Nothing is deleted; the ledger records who suspended it.

    Raises :class:`NotFoundError` for an unknown id, :class:`ForbiddenError` when ``by`` has no
    authority on ``on``, :class:`ConflictError` for a consent already suspended or revoked, and
    :class:`InvalidInputError` for a date before the signature or a consent whose productions
    are under no rule set that knows suspension.
    """
    stored = uow.consents.get(consent_id)
    if stored is None:
        raise NotFoundError(_missing(consent_id))
    consent = stored.consent
    world = world_for(uow, consent)
    engine = deps.engine(world)
    record = consent_record(uow, consent)
    whom = acts_for(uow, principal)
    # visibility first: an invisible consent answers like a missing one
    require(principal, Action.SEE, record, _missing(consent_id), acts_for=whom)
    performer = engine.performer_of(consent)
    # SPEC §10: the principal's own authority on the day, decided by the access module
    require(
        principal,
        Action.SUSPEND_CONSENT,
        record,
        _missing(consent_id),
        acts_for=whom,
        performer=performer,
        day=on,
    )
    by = by if by is not None else principal.consents_as
    if by is None:
        raise InvalidInputError(
            f"suspend consent {consent_id}: say who suspends it (--by: the performer, a"
            " representative id or union)"
        )
    _as_party(principal, by, "suspend consent")
    # the operator records a suspension by someone else: that party needs the authority
    if principal.role is Role.OPERATOR and not may_consent_for(by, performer, on):
        subject = consent.performer if performer is None else performer.id
        raise ForbiddenError(
            f"{by} may not suspend consent {consent_id} on {on}: only whoever may consent for"
            f" performer {subject} that day may (the performer if alive and adult, a representative"
            " with may_consent, a guardian, the estate, or the union when there is no estate)"
        )
    agreements = sorted({p.agreement for p in world.productions.values()})
    code = Reason.CONSENT_SUSPENDED.value
    if not any(engine.rule_set(agreement).adds(code) for agreement in agreements):
        raise InvalidInputError(
            f"consent {consent_id} covers productions under {', '.join(agreements) or 'no'}"
            " rule set, which knows no suspension (expected a consent for a production under"
            " sag-aftra-interactive-2025; revoke it instead)"
        )
    if on < consent.signed_on:
        raise InvalidInputError(
            f"consent {consent_id}: --on {on} is before it was signed on {consent.signed_on}"
            " (expected a date on or after the signature)"
        )
    if consent.revoked_on is not None:
        raise ConflictError(
            f"consent {consent_id} was revoked on {consent.revoked_on} (expected a consent in"
            f" force; asked to suspend on {on})"
        )
    if consent.suspended_on is not None:
        raise ConflictError(
            f"consent {consent_id} was already suspended on {consent.suspended_on} (expected"
            f" a consent not suspended; asked to suspend on {on})"
        )
    uow.consents.suspend(consent_id, on)
    uow.ledger.append(
        "consent-suspended",
        principal.actor,
        {"consent": consent_id, "suspended_on": on.isoformat(), "by": by},
    )
    consent_changed_notices(
        uow,
        NoticeKind.CONSENT_SUSPENDED,
        consent,
        None if performer is None else performer.id,
        record.producers,
        by,
        on,
        deps.clock(),
    )
    uow.commit()
    return StoredConsent(consent.suspended(on), stored.problems)


def get_consent(uow: UnitOfWork, principal: Principal, consent_id: str) -> StoredConsent:
    """The consent with this id and its problems as recorded; :class:`NotFoundError` when
    there is none or ``principal`` may not see it."""
    stored = uow.consents.get(consent_id)
    if stored is None:
        raise NotFoundError(_missing(consent_id))
    record = consent_record(uow, stored.consent)
    require(principal, Action.SEE, record, _missing(consent_id), acts_for=acts_for(uow, principal))
    return stored


def list_consents(
    uow: UnitOfWork, principal: Principal, performer_id: str | None = None
) -> Sequence[StoredConsent]:
    """The consents ``principal`` sees, in stored order; with ``performer_id`` those naming
    the performer or one of their replicas. Raises :class:`NotFoundError` for an unknown (or
    invisible) performer."""
    missing = f"performer {performer_id!r} does not exist"
    whom = acts_for(uow, principal)
    if performer_id is not None:
        if uow.performers.get(performer_id) is None:
            raise NotFoundError(missing)
        subject = Record(RecordKind.PERFORMER, performer_id, frozenset({performer_id}))
        if principal.role is not Role.PRODUCER:  # a producer sees what names its productions
            require(principal, Action.SEE, subject, missing, acts_for=whom)
    elif principal.role is Role.PERFORMER:
        performer_id = principal.party  # the query is filtered to what they may see
    found = uow.consents.list(performer_id)
    # consents alike in what access depends on (subject, productions) are asked about once
    shown: dict[tuple[object, ...], bool] = {}
    seen = []
    for stored in found:
        consent = stored.consent
        key = (consent.replica, consent.performer, consent.productions)
        if key not in shown:
            record = consent_record(uow, consent)
            shown[key] = may(principal, Action.SEE, record, acts_for=whom).visible
        if shown[key]:
            seen.append(stored)
    return seen
