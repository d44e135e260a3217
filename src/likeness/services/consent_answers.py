"""Answering consent requests (SPEC §11): grant, refuse, withdraw and expiry.

Only a pending request moves; answering any other is a :class:`ConflictError` naming its state.
A request whose ``respond_by`` has passed is expired, and the expiry is written (with its ledger
entry) the first time anything tries to move it. A grant makes the consent (``given_by`` the
party answering, ``signed_on`` the day of the answer, ``separately_signed``, ``request``), and
is refused with ``signed-during-strike`` (and any other SPEC §5 code) when the consent would be
invalid on that day. Each step is a ledger entry and tells whom it concerns
(:mod:`likeness.services.notices`), in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from likeness.domain.consent_requests import ConsentRequest, RequestState, Transition
from likeness.domain.consents import Consent
from likeness.domain.principals import Principal, Role
from likeness.errors import ConflictError, ForbiddenError, InvalidInputError
from likeness.interchange.documents import to_jsonable
from likeness.interchange.report import consent_to_document
from likeness.policy.consent_rules import may_consent_for
from likeness.services.access import Action, require
from likeness.services.collaborators import Collaborators
from likeness.services.consent_requests import missing_request, today_of, visible_request
from likeness.services.consent_world import consent_problems
from likeness.services.notices import answered_notices
from likeness.services.records import acts_for, consent_request_record
from likeness.services.unit_of_work import UnitOfWork

_MAX_REASON = 2000


def _move(
    uow: UnitOfWork, principal: Principal, request: ConsentRequest, moved: ConsentRequest
) -> None:
    if not uow.consent_requests.move(moved):
        uow.rollback()
        raise ConflictError(
            f"consent request {request.id} was answered meanwhile (expected a pending request;"
            " show it to see its state)"
        )
    uow.ledger.append(
        f"consent-request-{moved.state}",
        principal.actor,
        {
            "request": moved.id,
            # whom it is about and whose productions it names: who may read the entry (§10)
            "performer": moved.about,
            "producer": moved.producer,
            "productions": list(moved.productions),
            "state": str(moved.state),
            "answered_by": moved.answered_by,
            "answered_on": None if moved.answered_on is None else moved.answered_on.isoformat(),
            "reason": moved.reason,
            "consent": moved.consent,
        },
    )


def _pending(
    uow: UnitOfWork, principal: Principal, request: ConsentRequest, what: str, today: dt.date
) -> None:
    """Raise :class:`ConflictError` unless pending; write an expiry that is due first."""
    state = request.state_on(today)
    if state is RequestState.EXPIRED and request.state is RequestState.PENDING:
        _move(uow, principal, request, request.moved(Transition.EXPIRE))
        uow.commit()
    if state is not RequestState.PENDING:
        when = f" (respond_by was {request.respond_by})" if state is RequestState.EXPIRED else ""
        raise ConflictError(
            f"consent request {request.id} is {state}{when}; only a pending request can be {what}"
        )


def _answering_party(
    uow: UnitOfWork,
    principal: Principal,
    request: ConsentRequest,
    by: str | None,
    today: dt.date,
) -> str:
    """Who answers: the principal's own party with authority today (SPEC §4.2), or for the
    operator the party ``by`` names, which needs the same authority."""
    performer = uow.performers.get(request.about)
    whom = acts_for(uow, principal)
    require(
        principal,
        Action.ANSWER_CONSENT_REQUEST,
        consent_request_record(request),
        missing_request(request.id),
        acts_for=whom,
        performer=performer,
        day=today,
    )
    party = principal.consents_as if principal.role is not Role.OPERATOR else by
    if party is None:
        raise InvalidInputError(
            f"answer consent request {request.id}: say who answers (--by: the performer, a"
            " representative id or union)"
        )
    if by is not None and by != party:
        raise ForbiddenError(
            f"{principal.actor} may not answer as {by!r} (expected {party!r}: you answer as"
            " yourself)"
        )
    if not may_consent_for(party, performer, today):
        raise ForbiddenError(
            f"{party} may not consent for performer {request.about} on {today} (SPEC §4.2: the"
            " performer if alive and adult, a representative with may_consent, a guardian, the"
            " estate, or the union when there is no estate)"
        )
    return party


@dataclass(frozen=True)
class Granted:
    """A granted request and the consent it made."""

    request: ConsentRequest
    consent: Consent


def grant_request(
    uow: UnitOfWork,
    principal: Principal,
    request_id: str,
    *,
    by: str | None = None,
    deps: Collaborators,
) -> Granted:
    """Grant a pending request: the consent is made and stored, then decided on like any.

    Raises :class:`NotFoundError` (unknown or invisible), :class:`ConflictError` (not
    pending; the expiry is written when due), :class:`ForbiddenError` (no authority today)
    and :class:`InvalidInputError` with the §5 codes when the consent would be invalid on the
    day of the answer (e.g. ``signed-during-strike``); the request then stays pending.
    """
    today = today_of(deps)
    request = visible_request(uow, principal, request_id)
    _pending(uow, principal, request, "granted", today)
    party = _answering_party(uow, principal, request, by, today)
    consent = request.consent_by(f"C-{request.id}", party, today)
    problems = consent_problems(uow, consent, deps=deps)
    if problems:
        raise InvalidInputError(
            f"consent request {request.id} cannot be granted on {today}: the consent would be"
            " invalid (expected a day it passes SPEC §5; it stays pending); its problems:",
            errors=problems,
        )
    if uow.consents.get(consent.id) is not None:
        raise ConflictError(f"consent {consent.id} already exists (expected a new id)")
    moved = request.moved(Transition.GRANT, by=party, on=today, consent=consent.id)
    uow.consents.add(consent, ())
    uow.ledger.append(
        "consent-granted", principal.actor, to_jsonable(consent_to_document(consent, ()))
    )
    _move(uow, principal, request, moved)
    answered_notices(uow, moved, deps.clock())
    uow.commit()
    return Granted(moved, consent)


def refuse_request(
    uow: UnitOfWork,
    principal: Principal,
    request_id: str,
    reason: str | None = None,
    *,
    by: str | None = None,
    deps: Collaborators,
) -> ConsentRequest:
    """Refuse a pending request, with an optional reason for the producer."""
    today = today_of(deps)
    if reason is not None and len(reason) > _MAX_REASON:
        raise InvalidInputError(
            f"reason is {len(reason)} characters (expected at most {_MAX_REASON})"
        )
    request = visible_request(uow, principal, request_id)
    _pending(uow, principal, request, "refused", today)
    party = _answering_party(uow, principal, request, by, today)
    text = reason.strip() if reason else None
    moved = request.moved(Transition.REFUSE, by=party, on=today, reason=text or None)
    _move(uow, principal, request, moved)
    answered_notices(uow, moved, deps.clock())
    uow.commit()
    return moved


def withdraw_request(
    uow: UnitOfWork, principal: Principal, request_id: str, *, deps: Collaborators
) -> ConsentRequest:
    """The producer takes back a pending request (nobody may answer it afterwards)."""
    today = today_of(deps)
    request = visible_request(uow, principal, request_id)
    require(
        principal,
        Action.REQUEST_CONSENT,
        consent_request_record(request),
        missing_request(request_id),
        acts_for=acts_for(uow, principal),
    )
    _pending(uow, principal, request, "withdrawn", today)
    moved = request.moved(Transition.WITHDRAW, on=today)
    _move(uow, principal, request, moved)
    uow.commit()
    return moved


def expire_requests(uow: UnitOfWork, principal: Principal, *, deps: Collaborators) -> int:
    """Write the expiry of every pending request whose ``respond_by`` has passed; return how
    many (each with its ledger entry, all in one transaction)."""
    if principal.role is not Role.OPERATOR:
        raise ForbiddenError(f"{principal.actor} may not expire requests (the operator's job)")
    due = uow.consent_requests.pending_due(today_of(deps))
    for request in due:
        _move(uow, principal, request, request.moved(Transition.EXPIRE))
    uow.commit()
    return len(due)
