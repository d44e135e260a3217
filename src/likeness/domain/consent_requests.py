"""Consent requests (SPEC §11): a producer asks; whoever has authority on the day answers.

A request carries the terms of the consent it would make (subject, productions, uses,
description, window, compensation, ``lifetime_only``) and the day it must be answered by. Its
state moves only forward, and only from ``pending``:

>>> next_state(RequestState.PENDING, Transition.GRANT)
<RequestState.GRANTED: 'granted'>
>>> next_state(RequestState.REFUSED, Transition.GRANT)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
ValueError: the request is refused (expected a pending request: only a pending request ...

Whether a request has expired depends on the day asked: a pending request not answered by
``respond_by`` is ``expired`` from the next day on (:meth:`ConsentRequest.state_on`), whether
or not the expiry has been written down yet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from enum import StrEnum

from likeness.domain.consents import USE_CODES, WILDCARD, Compensation, Consent
from likeness.domain.ids import ConsentId, PerformerId, ReplicaId


class RequestState(StrEnum):
    """The states of SPEC §11; every state but ``pending`` is final."""

    PENDING = "pending"
    GRANTED = "granted"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


class Transition(StrEnum):
    """What can happen to a pending request, and the state it leads to."""

    GRANT = "grant"
    REFUSE = "refuse"
    WITHDRAW = "withdraw"
    EXPIRE = "expire"


_LEADS_TO = {
    Transition.GRANT: RequestState.GRANTED,
    Transition.REFUSE: RequestState.REFUSED,
    Transition.WITHDRAW: RequestState.WITHDRAWN,
    Transition.EXPIRE: RequestState.EXPIRED,
}

_PAST = {
    Transition.GRANT: "granted",
    Transition.REFUSE: "refused",
    Transition.WITHDRAW: "withdrawn",
    Transition.EXPIRE: "expired",
}


def next_state(state: RequestState, transition: Transition) -> RequestState:
    """The state after ``transition``; raises ValueError unless the request is pending."""
    if state is not RequestState.PENDING:
        raise ValueError(
            f"the request is {state} (expected a pending request: only a pending request can"
            f" be {_PAST[transition]})"
        )
    return _LEADS_TO[transition]


@dataclass(frozen=True, slots=True)
class ConsentRequest:
    """A producer's request for consent, with the terms of the consent it would make.

    ``replica`` xor ``performer`` is the subject (a performer for ``create`` and synthetic
    performers, SPEC §2); ``about`` is the performer the request is about either way.
    ``answered_by`` and ``answered_on`` are set by a grant or refusal, ``consent`` by a grant.
    """

    id: str
    producer: str
    about: PerformerId
    productions: tuple[str, ...]
    uses: tuple[str, ...]
    description: str
    respond_by: dt.date
    created_on: dt.date
    replica: ReplicaId | None = None
    performer: PerformerId | None = None
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    compensation: Compensation | None = None
    lifetime_only: bool = False
    state: RequestState = RequestState.PENDING
    answered_by: str | None = None
    answered_on: dt.date | None = None
    reason: str | None = None
    consent: ConsentId | None = None

    def __post_init__(self) -> None:
        if not self.id:
            raise ValueError("a consent request needs an id")
        if (self.replica is None) == (self.performer is None):
            raise ValueError(
                f"consent request {self.id}: names {'both' if self.replica else 'neither'} a"
                " replica and a performer (expected exactly one subject)"
            )
        unknown = [u for u in self.uses if u != WILDCARD and u not in USE_CODES]
        if unknown:
            raise ValueError(
                f"consent request {self.id}: uses {unknown} (expected codes of SPEC §3)"
            )
        if (
            self.valid_from is not None
            and self.valid_until is not None
            and self.valid_until < self.valid_from
        ):
            raise ValueError(
                f"consent request {self.id}: valid_until {self.valid_until} is before"
                f" valid_from {self.valid_from}"
            )

    @property
    def subject(self) -> str:
        """The replica or performer id the consent would name."""
        return self.replica if self.replica is not None else str(self.performer)

    def state_on(self, day: dt.date) -> RequestState:
        """The state on ``day``: a pending request is expired once ``respond_by`` has passed."""
        if self.state is RequestState.PENDING and day > self.respond_by:
            return RequestState.EXPIRED
        return self.state

    def consent_by(self, consent_id: str, given_by: str, signed_on: dt.date) -> Consent:
        """The consent a grant makes: the request's terms, signed apart (SPEC §11)."""
        return Consent(
            id=ConsentId(consent_id),
            given_by=given_by,
            signed_on=signed_on,
            separately_signed=True,
            productions=self.productions,
            uses=self.uses,
            description=self.description,
            replica=self.replica,
            performer=self.performer,
            valid_from=self.valid_from,
            valid_until=self.valid_until,
            compensation=self.compensation,
            lifetime_only=self.lifetime_only,
            request=self.id,
        )

    def moved(
        self,
        transition: Transition,
        *,
        by: str | None = None,
        on: dt.date | None = None,
        reason: str | None = None,
        consent: str | None = None,
    ) -> ConsentRequest:
        """A copy after ``transition`` (raises ValueError unless pending)."""
        return replace(
            self,
            state=next_state(self.state, transition),
            answered_by=by,
            answered_on=on,
            reason=reason,
            consent=None if consent is None else ConsentId(consent),
        )
