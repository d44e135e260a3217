"""Asking for consent (SPEC §11): create, preview, show and list consent requests.

:func:`create_request` runs the SPEC §5 checks on the consent the request would make and
refuses it with their codes, so blanket or perpetual terms never reach a performer; it goes to
everyone who may consent on the day (:func:`~likeness.policy.consent_rules.who_may_consent`),
with a ``consent-requested`` notice and a ledger entry in the same transaction. Answers (grant,
refuse, withdraw, expiry) are in :mod:`likeness.services.consent_answers`. A request shows its
state as it stands today: a pending one past ``respond_by`` shows ``expired``.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from likeness.domain.consent_requests import ConsentRequest, RequestState
from likeness.domain.consents import WILDCARD, Compensation
from likeness.domain.decisions import Problem
from likeness.domain.ids import PerformerId, ReplicaId
from likeness.domain.performers import Performer
from likeness.domain.principals import Principal, Role
from likeness.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from likeness.interchange.documents import to_jsonable
from likeness.interchange.records import located, parse_record
from likeness.interchange.schemas import ConsentRequestRecord
from likeness.policy.consent_rules import who_may_consent
from likeness.services.access import Action, may, require
from likeness.services.collaborators import Collaborators
from likeness.services.consent_world import consent_problems, subject_of
from likeness.services.notices import Recipient, party_of, requested_notices
from likeness.services.records import (
    acts_for,
    consent_request_record,
    production_record,
)
from likeness.services.unit_of_work import UnitOfWork

#: how long a performer has to answer when the request names no ``respond_by``
DEFAULT_DAYS_TO_ANSWER = 14
#: §5 codes that depend on the day the consent is signed, so on the answer, not the request
_DEPENDS_ON_ANSWER_DAY = frozenset({Problem.SIGNED_DURING_STRIKE.value})


def missing_request(request_id: str) -> str:
    return f"consent request {request_id!r} does not exist (expected a consent request id)"


@dataclass(frozen=True)
class Preview:
    """What a request would be: its terms, the §5 problems of the consent it would make (none:
    it may be sent) and who may answer it today."""

    request: ConsentRequest
    problems: tuple[str, ...]
    answerers: tuple[Recipient, ...]


def today_of(deps: Collaborators) -> dt.date:
    return deps.clock().astimezone(dt.UTC).date()


def _draft(
    uow: UnitOfWork, principal: Principal, data: Mapping[str, Any], today: dt.date
) -> tuple[ConsentRequest, Performer]:
    """The request in ``data`` checked against what ``principal`` sees and may do."""
    rec = parse_record(ConsentRequestRecord, data, "consent request")
    producer = rec.producer
    if principal.role is Role.PRODUCER:
        if producer is not None and producer != principal.party:
            raise ForbiddenError(
                f"{principal.actor} may not ask for consent as producer {producer!r}"
                f" (expected producer {principal.party!r}: you ask for your own productions)"
            )
        producer = principal.party
    elif principal.role is not Role.OPERATOR:
        raise ForbiddenError(
            f"{principal.actor} may not ask for consent (producers ask, for their productions)"
        )
    if producer is None:
        raise InvalidInputError("consent request: producer missing (expected a producer id)")
    if (rec.replica is None) == (rec.performer is None):
        raise InvalidInputError(
            "consent request: name exactly one subject (expected replica: ID for a use of a"
            " replica, or performer: ID to create replicas or a synthetic performer)"
        )
    for pid in rec.productions:
        if pid == WILDCARD:
            continue  # a blanket grant: refused below with blanket-scope
        production = uow.productions.get(pid)
        missing = f"consent request: production {pid!r} does not exist"
        if production is None:
            raise NotFoundError(missing + " (expected a registered production)")
        require(principal, Action.REQUEST_CONSENT, production_record(production), missing)
        if production.producer != producer:
            raise ForbiddenError(
                f"production {pid} is {production.producer}'s, not {producer}'s (expected"
                " productions of the producer asking)"
            )
    # any registered replica: a producer asks about a replica it will use, whoever made it
    # (decisions name unknown replicas as such, so its existence is no secret to a producer)
    _, performer = subject_of(uow, rec.replica, rec.performer, "consent request")
    respond_by = rec.respond_by or today + dt.timedelta(days=DEFAULT_DAYS_TO_ANSWER)
    if respond_by < today:
        raise InvalidInputError(
            f"consent request: respond_by {respond_by} is in the past (expected today, {today},"
            " or later)"
        )
    comp = rec.compensation
    try:
        request = ConsentRequest(
            id=rec.id or f"CR-{today:%Y%m%d}-{secrets.token_hex(4)}",
            producer=producer,
            about=PerformerId(performer.id),
            productions=tuple(rec.productions),
            uses=tuple(str(u) for u in rec.uses),
            description=rec.description.strip(),
            respond_by=respond_by,
            created_on=today,
            replica=None if rec.replica is None else ReplicaId(rec.replica),
            performer=None if rec.performer is None else PerformerId(rec.performer),
            valid_from=rec.valid_from,
            valid_until=rec.valid_until,
            compensation=None
            if comp is None
            else Compensation(comp.amount, comp.per, comp.currency),
            lifetime_only=rec.lifetime_only,
        )
    except ValueError as exc:
        raise InvalidInputError(located("consent request", str(exc))) from None
    return request, performer


def _answerers(performer: Performer, day: dt.date) -> tuple[Recipient, ...]:
    return tuple(party_of(p, performer) for p in who_may_consent(performer, day))


def _problems_at_request(
    uow: UnitOfWork,
    request: ConsentRequest,
    performer: Performer,
    today: dt.date,
    deps: Collaborators,
) -> tuple[str, ...]:
    consent = request.consent_by(f"{request.id}-preview", performer.id, today)
    found = consent_problems(uow, consent, deps=deps)
    return tuple(code for code in found if code not in _DEPENDS_ON_ANSWER_DAY)


def preview_request(
    uow: UnitOfWork, principal: Principal, data: Mapping[str, Any], *, deps: Collaborators
) -> Preview:
    """The request in ``data`` as it would be sent, with its problems; nothing is stored."""
    today = today_of(deps)
    request, performer = _draft(uow, principal, data, today)
    problems = _problems_at_request(uow, request, performer, today, deps)
    return Preview(request, problems, _answerers(performer, today))


def create_request(
    uow: UnitOfWork, principal: Principal, data: Mapping[str, Any], *, deps: Collaborators
) -> ConsentRequest:
    """Store the request in ``data`` and tell everyone who may answer it.

    Raises :class:`InvalidInputError` with the §5 codes when the consent it would make is
    invalid (nothing is stored), or when nobody may consent for the performer today;
    :class:`NotFoundError` / :class:`ForbiddenError` for what the producer may not name; and
    :class:`ConflictError` for an id in use.
    """
    preview = preview_request(uow, principal, data, deps=deps)
    request = preview.request
    if preview.problems:
        raise InvalidInputError(
            f"consent request {request.id} would make an invalid consent (expected terms that"
            " pass SPEC §5: named productions and uses, an end date, a specific description,"
            " compensation); its problems:",
            errors=preview.problems,
        )
    if not preview.answerers:
        raise InvalidInputError(
            f"consent request {request.id}: nobody may consent for performer {request.about}"
            f" on {request.created_on} (expected a guardian for a minor, or an estate)"
        )
    if uow.consent_requests.get(request.id) is not None:
        raise ConflictError(f"consent request {request.id} already exists (expected a new id)")
    uow.consent_requests.add(request)
    uow.ledger.append("consent-request-created", principal.actor, request_document(request))
    requested_notices(uow, request, preview.answerers, deps.clock())
    uow.commit()
    return request


def request_document(request: ConsentRequest, on: dt.date | None = None) -> dict[str, Any]:
    """The request as the API, CLI and ledger show it (state on ``on`` when given)."""
    comp = request.compensation
    doc: dict[str, Any] = {"id": request.id, "producer": request.producer}
    doc["replica" if request.replica is not None else "performer"] = request.subject
    doc.update(
        {
            "about": request.about,
            "productions": list(request.productions),
            "uses": list(request.uses),
            "description": request.description,
            "valid_from": request.valid_from,
            "valid_until": request.valid_until,
            "compensation": None
            if comp is None
            else {"amount": comp.amount, "per": comp.per.value, "currency": comp.currency},
            "lifetime_only": request.lifetime_only,
            "respond_by": request.respond_by,
            "created_on": request.created_on,
            "state": str(request.state if on is None else request.state_on(on)),
            "answered_by": request.answered_by,
            "answered_on": request.answered_on,
            "reason": request.reason,
            "consent": request.consent,
        }
    )
    return dict(to_jsonable(doc))


def visible_request(uow: UnitOfWork, principal: Principal, request_id: str) -> ConsentRequest:
    request = uow.consent_requests.get(request_id)
    if request is None:
        raise NotFoundError(missing_request(request_id))
    whom = acts_for(uow, principal)
    require(
        principal,
        Action.SEE,
        consent_request_record(request),
        missing_request(request_id),
        acts_for=whom,
    )
    return request


def get_request(
    uow: UnitOfWork, principal: Principal, request_id: str, *, deps: Collaborators
) -> ConsentRequest:
    """The request as it stands today (a pending one past ``respond_by`` shows ``expired``)."""
    request = visible_request(uow, principal, request_id)
    return replace(request, state=request.state_on(today_of(deps)))


def list_requests(
    uow: UnitOfWork,
    principal: Principal,
    *,
    state: RequestState | None = None,
    deps: Collaborators,
) -> Sequence[ConsentRequest]:
    """The requests ``principal`` sees, in the order made, as they stand today; with
    ``state`` only those in it."""
    today = today_of(deps)
    whom = acts_for(uow, principal)
    role = principal.role
    if role is Role.PERFORMER:
        found = uow.consent_requests.list(about=[str(principal.party)])
    elif role is Role.REPRESENTATIVE:
        found = uow.consent_requests.list(about=whom)
    elif role is Role.PRODUCER:
        found = uow.consent_requests.list(producers=[str(principal.party)])
    else:
        found = uow.consent_requests.list()
    shown = []
    for request in found:
        if may(principal, Action.SEE, consent_request_record(request), acts_for=whom).visible:
            current = replace(request, state=request.state_on(today))
            if state is None or current.state is state:
                shown.append(current)
    return shown
