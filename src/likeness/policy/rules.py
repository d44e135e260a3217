"""The checks of SPEC §4.1 on every request, as small objects (:mod:`likeness.policy.combinators`).

Each rule's name (its id in a decision's ``ran`` and ``explain()``) is the SPEC code it fails
with. One rule fails with several codes and keeps a descriptive id instead: ``ids-known``
(``unknown-replica`` / ``unknown-production`` / ``unknown-performer``), so that a request naming
two unknown ids shows one failed check with both codes. Rule sets
(:mod:`likeness.policy.rulesets`) pick optional rules by code from :data:`OPTIONAL_RULES`; a
future agreement adds a data file and, at most, one class here. The exemptions of §4.3 are in
:mod:`likeness.policy.exemptions`, the consent checks of §4.2 in
:mod:`likeness.policy.consent_rules`, the synthetic rules of §4.4 in
:mod:`likeness.policy.synthetic`, the obligations of §4.5 in :mod:`likeness.policy.obligations`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from likeness.domain.consents import UseKind
from likeness.domain.decisions import Reason
from likeness.domain.requests import RequestKind
from likeness.policy.combinators import RequestRule
from likeness.policy.facts import RequestFacts

_48_HOURS = dt.timedelta(hours=48)

# one-code answers, built once: rules run on the hot path of every decision
_BACKGROUND_COUNT_SUBSTITUTION = (Reason.BACKGROUND_COUNT_SUBSTITUTION.value,)
_MINOR_PROTECTED_USE = (Reason.MINOR_PROTECTED_USE.value,)
_NO_BUSINESS_REASON = (Reason.NO_BUSINESS_REASON.value,)
_PRODUCER_NOT_AUTHORIZED = (Reason.PRODUCER_NOT_AUTHORIZED.value,)
_SCAN_NOTICE_LATE = (Reason.SCAN_NOTICE_LATE.value,)
_STRIKE_IN_EFFECT = (Reason.STRIKE_IN_EFFECT.value,)

#: uses a minor's replica may never be put to, whatever the consent says (SPEC §4.1, §7)
PROTECTED_USES = frozenset({UseKind.NUDITY.value, UseKind.SEXUAL_CONTENT.value})


@dataclass(frozen=True, slots=True)
class ProducerIsAuthorized:
    """``producer-not-authorized``: the requester is not the producer of the production."""

    name: str = Reason.PRODUCER_NOT_AUTHORIZED.value

    def failures(self, facts: RequestFacts) -> tuple[str, ...]:
        """See the class docstring; an unknown production is left to :class:`IdsAreKnown`."""
        production = facts.production
        if production is not None and production.producer != facts.request.producer:
            return _PRODUCER_NOT_AUTHORIZED
        return ()


@dataclass(frozen=True, slots=True)
class IdsAreKnown:
    """``unknown-replica`` / ``unknown-production`` / ``unknown-performer``."""

    name: str = "ids-known"

    def failures(self, facts: RequestFacts) -> tuple[str, ...]:
        """See the class docstring (the lookups were made when the facts were gathered)."""
        return facts.unknown


@dataclass(frozen=True, slots=True)
class StrikeNotInEffect:
    """``strike-in-effect`` (§7): a ``use`` or ``create`` on a date a strike covers."""

    name: str = Reason.STRIKE_IN_EFFECT.value

    def failures(self, facts: RequestFacts) -> tuple[str, ...]:
        """See the class docstring; ``until`` is the day work resumed, so not covered."""
        request = facts.request
        if request.kind is not RequestKind.USE and request.kind is not RequestKind.CREATE:
            return ()
        for strike in facts.strikes:
            if strike.covers(request.producer, request.date):
                return _STRIKE_IN_EFFECT
        return ()


@dataclass(frozen=True, slots=True)
class MinorNotInProtectedUse:
    """``minor-protected-use`` (§7): under 18 on the date and the use is nudity or sexual."""

    name: str = Reason.MINOR_PROTECTED_USE.value

    def failures(self, facts: RequestFacts) -> tuple[str, ...]:
        """See the class docstring; no consent can allow it."""
        performer = facts.performer
        if (
            performer is not None
            and facts.request.use in PROTECTED_USES
            and performer.is_minor_on(facts.request.date)
        ):
            return _MINOR_PROTECTED_USE
        return ()


@dataclass(frozen=True, slots=True)
class BackgroundNotCounted:
    """``background-count-substitution``: a background replica counted as a hired extra."""

    name: str = Reason.BACKGROUND_COUNT_SUBSTITUTION.value

    def failures(self, facts: RequestFacts) -> tuple[str, ...]:
        """See the class docstring (a replica of a background performer is a background one)."""
        if (
            facts.request.counts_toward_background
            and facts.replica is not None
            and facts.performer is not None
            and facts.performer.category == "background"
        ):
            return _BACKGROUND_COUNT_SUBSTITUTION
        return ()


@dataclass(frozen=True, slots=True)
class ScanNoticeGiven:
    """``scan-notice-late``: a ``create`` noticed less than 48 hours before the session.

    Exception: a performer engaged less than 48 hours before the session, noticed no later
    than the engagement. A session time with no notice at all counts as late (deny by
    default); a ``create`` that states no session time is not a scan session this rule can
    judge and passes it.
    """

    name: str = Reason.SCAN_NOTICE_LATE.value

    def failures(self, facts: RequestFacts) -> tuple[str, ...]:
        """See the class docstring."""
        request = facts.request
        session = request.session_at
        if request.kind is not RequestKind.CREATE or session is None:
            return ()
        notice = request.notice_at
        if notice is not None and session - notice >= _48_HOURS:
            return ()
        engaged = request.engaged_at
        if (
            notice is not None
            and engaged is not None
            and session - engaged < _48_HOURS
            and notice <= engaged
        ):
            return ()
        return _SCAN_NOTICE_LATE


@dataclass(frozen=True, slots=True)
class BusinessReasonGiven:
    """``no-business-reason`` (§7): a ``create`` with no business reason."""

    name: str = Reason.NO_BUSINESS_REASON.value

    def failures(self, facts: RequestFacts) -> tuple[str, ...]:
        """See the class docstring; a blank reason is no reason."""
        request = facts.request
        if request.kind is RequestKind.CREATE and not (request.business_reason or "").strip():
            return _NO_BUSINESS_REASON
        return ()


BASE_REQUEST_RULES: tuple[RequestRule, ...] = (
    ProducerIsAuthorized(),
    IdsAreKnown(),
    BackgroundNotCounted(),
    ScanNoticeGiven(),
)

#: rules a rule set may add by naming their code in ``checks`` of its ruleset.yaml
OPTIONAL_RULES: dict[str, RequestRule] = {
    rule.name: rule
    for rule in (StrikeNotInEffect(), MinorNotInProtectedUse(), BusinessReasonGiven())
}

#: the order of §4.1 codes in a decision, whatever order the rule set lists its checks in
REQUEST_RULE_ORDER = (
    Reason.PRODUCER_NOT_AUTHORIZED.value,
    "ids-known",
    Reason.STRIKE_IN_EFFECT.value,
    Reason.MINOR_PROTECTED_USE.value,
    Reason.BACKGROUND_COUNT_SUBSTITUTION.value,
    Reason.SCAN_NOTICE_LATE.value,
    Reason.NO_BUSINESS_REASON.value,
)
