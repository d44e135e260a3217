"""The checks of SPEC §4.2 on each consent examined, and the authority to give a consent.

Each rule's name is the SPEC code it fails with. Three rules fail with several codes and keep a
descriptive id instead: ``consent-valid`` (``consent-invalid`` with the §5 codes),
``consent-in-force`` (``consent-not-yet-valid`` / ``consent-expired`` / ``consent-revoked``) and
``consent-covers`` (``production-not-covered`` / ``use-not-covered`` / ``replica-not-covered``).
A decision's explanation shows the consent path as one check, ``consent``, with the codes of each
consent examined (or ``no-consent``). :data:`CONSENT_RULES` are the checks every rule set runs;
rule sets add :data:`OPTIONAL_CONSENT_RULES` by code. When several consents fail, their codes
are listed once each in :data:`CONSENT_CODE_ORDER` (:func:`union_of_codes`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from likeness.domain.consents import WILDCARD, Consent
from likeness.domain.decisions import Check, Problem, Reason
from likeness.domain.ids import UNION
from likeness.domain.performers import Performer, RepresentativeKind
from likeness.policy.combinators import AllOfConsent, ConsentRule
from likeness.policy.facts import Asked, ConsentFacts

_CONSENT_ENDED_AT_DEATH = (Reason.CONSENT_ENDED_AT_DEATH.value,)
_CONSENT_EXPIRED = (Reason.CONSENT_EXPIRED.value,)
_CONSENT_NOT_AUTHORIZED = (Reason.CONSENT_NOT_AUTHORIZED.value,)
_CONSENT_NOT_YET_VALID = (Reason.CONSENT_NOT_YET_VALID.value,)
_CONSENT_REVOKED = (Reason.CONSENT_REVOKED.value,)
_CONSENT_SUSPENDED = (Reason.CONSENT_SUSPENDED.value,)
_PRODUCTION_NOT_COVERED = (Reason.PRODUCTION_NOT_COVERED.value,)
_REPLICA_NOT_COVERED = (Reason.REPLICA_NOT_COVERED.value,)
_USE_NOT_COVERED = (Reason.USE_NOT_COVERED.value,)
_INVALID = Reason.CONSENT_INVALID.value


@dataclass(frozen=True, slots=True)
class ConsentIsValid:
    """``consent-invalid`` with the SPEC §5 codes listed too."""

    name: str = "consent-valid"

    def failures(self, asked: Asked, facts: ConsentFacts) -> tuple[str, ...]:
        """See the class docstring."""
        problems = facts.problems_under(asked.rule_set, asked.validity_checks, asked.calendar)
        return (_INVALID, *problems) if problems else ()


@dataclass(frozen=True, slots=True)
class ConsentIsAuthorized:
    """``consent-not-authorized``: given by someone without authority on ``signed_on``."""

    name: str = Reason.CONSENT_NOT_AUTHORIZED.value

    def failures(self, asked: Asked, facts: ConsentFacts) -> tuple[str, ...]:
        """See the class docstring (computed once per consent by :func:`has_authority`)."""
        return () if facts.authorized else _CONSENT_NOT_AUTHORIZED


@dataclass(frozen=True, slots=True)
class ConsentOutlivesPerformer:
    """``consent-ended-at-death``: ``lifetime_only`` and the performer died before the date."""

    name: str = Reason.CONSENT_ENDED_AT_DEATH.value

    def failures(self, asked: Asked, facts: ConsentFacts) -> tuple[str, ...]:
        """See the class docstring."""
        return ended_at_death(facts, asked.date)


def ended_at_death(facts: ConsentFacts, day: dt.date) -> tuple[str, ...]:
    """``consent-ended-at-death`` when the consent is ``lifetime_only`` and its performer died
    before ``day`` (the check of :class:`ConsentOutlivesPerformer`, and of a consent's
    standing)."""
    if not facts.lifetime_only:
        return ()
    performer = facts.performer
    if performer is not None and performer.is_dead_on(day):
        return _CONSENT_ENDED_AT_DEATH
    return ()


@dataclass(frozen=True, slots=True)
class ConsentInForce:
    """``consent-not-yet-valid`` / ``consent-expired`` / ``consent-revoked`` on the date.

    ``valid_until`` is the last day covered; a revocation covers its own day.
    """

    name: str = "consent-in-force"

    def failures(self, asked: Asked, facts: ConsentFacts) -> tuple[str, ...]:
        """See the class docstring."""
        return out_of_force(facts, asked.date)


def out_of_force(facts: ConsentFacts, day: dt.date) -> tuple[str, ...]:
    """``consent-not-yet-valid`` / ``consent-expired`` / ``consent-revoked`` on ``day`` (the
    check of :class:`ConsentInForce`, and of a consent's standing)."""
    codes: tuple[str, ...] = ()
    valid_from = facts.valid_from
    if valid_from is not None and day < valid_from:
        codes = _CONSENT_NOT_YET_VALID
    valid_until = facts.valid_until
    if valid_until is not None and day > valid_until:
        codes += _CONSENT_EXPIRED
    revoked_on = facts.revoked_on
    if revoked_on is not None and revoked_on <= day:
        codes += _CONSENT_REVOKED
    return codes


@dataclass(frozen=True, slots=True)
class ConsentCoversRequest:
    """``production-not-covered`` / ``use-not-covered`` / ``replica-not-covered``.

    A ``*`` names every production or use (such a consent is invalid anyway).
    """

    name: str = "consent-covers"

    def failures(self, asked: Asked, facts: ConsentFacts) -> tuple[str, ...]:
        """See the class docstring; a ``use`` needs its replica named, a ``create`` its
        performer."""
        codes: tuple[str, ...] = ()
        productions = facts.productions
        if asked.production not in productions and WILDCARD not in productions:
            codes = _PRODUCTION_NOT_COVERED
        uses = facts.uses
        if asked.use not in uses and WILDCARD not in uses:
            codes += _USE_NOT_COVERED
        if asked.replica is not None:
            if facts.replica != asked.replica:
                codes += _REPLICA_NOT_COVERED
        elif facts.subject_performer != asked.performer:
            codes += _REPLICA_NOT_COVERED
        return codes


@dataclass(frozen=True, slots=True)
class ConsentNotSuspended:
    """``consent-suspended`` (§7, ``sag-aftra-interactive-2025``): suspended on or before the
    date, and a strike against the request's producer covers the date.

    The consent passes again on the day the strike ends (``until``, the day work resumed); a
    later strike against the producer suspends it again, as the suspension still stands.
    """

    name: str = Reason.CONSENT_SUSPENDED.value

    def failures(self, asked: Asked, facts: ConsentFacts) -> tuple[str, ...]:
        """See the class docstring."""
        suspended_on = facts.suspended_on
        if suspended_on is None or suspended_on > asked.date:
            return ()
        producer = asked.request.producer
        for strike in asked.strikes:
            if strike.covers(producer, asked.date):
                return _CONSENT_SUSPENDED
        return ()


#: the consent checks of SPEC §4.2, in the order their codes are listed
CONSENT_RULES = AllOfConsent(
    (
        ConsentIsValid(),
        ConsentIsAuthorized(),
        ConsentOutlivesPerformer(),
        ConsentInForce(),
        ConsentCoversRequest(),
    )
)

#: consent checks a rule set may add by naming their code in ``checks`` of its ruleset.yaml
OPTIONAL_CONSENT_RULES: dict[str, ConsentRule] = {
    rule.name: rule for rule in (ConsentNotSuspended(),)
}

#: the order consent checks run in (and so list their codes), whatever order a rule set names
CONSENT_RULE_ORDER = (
    "consent-valid",
    Reason.CONSENT_NOT_AUTHORIZED.value,
    Reason.CONSENT_ENDED_AT_DEATH.value,
    "consent-in-force",
    Reason.CONSENT_SUSPENDED.value,
    "consent-covers",
)

#: the order consent codes are listed in when several consents fail (the §4.2 and §5 tables)
CONSENT_CODE_ORDER: dict[str, int] = {
    code: index
    for index, code in enumerate(
        [
            Reason.CONSENT_INVALID.value,
            *(problem.value for problem in Problem),
            Reason.CONSENT_NOT_AUTHORIZED.value,
            Reason.CONSENT_ENDED_AT_DEATH.value,
            Reason.CONSENT_NOT_YET_VALID.value,
            Reason.CONSENT_EXPIRED.value,
            Reason.CONSENT_REVOKED.value,
            Reason.CONSENT_SUSPENDED.value,
            Reason.PRODUCTION_NOT_COVERED.value,
            Reason.USE_NOT_COVERED.value,
            Reason.REPLICA_NOT_COVERED.value,
        ]
    )
}


def union_of_codes(failed: Sequence[Check]) -> tuple[str, ...]:
    """Every code of ``failed`` (one check per consent), once each, in the order of the §4.2
    and §5 tables.

    >>> union_of_codes([Check("consent", ("use-not-covered",)),
    ...                 Check("consent", ("consent-expired", "use-not-covered"))])
    ('consent-expired', 'use-not-covered')
    """
    if len(failed) == 1:
        return failed[0].codes
    seen = {code for check in failed for code in check.codes}
    return tuple(code for code in CONSENT_CODE_ORDER if code in seen)


def has_authority(consent: Consent, performer: Performer | None) -> bool:
    """Whether ``consent.given_by`` could consent for ``performer`` on ``signed_on`` (SPEC §4.2).

    >>> has_authority(Consent("C", "union", dt.date(2024, 7, 20), True, ("F",), ("create",),
    ...                       "d", performer="P4"), None)
    False
    """
    return may_consent_for(consent.given_by, performer, consent.signed_on)


def may_consent_for(party: str, performer: Performer | None, day: dt.date) -> bool:
    """Whether ``party`` (a performer, representative id or ``union``) may give, or suspend, a
    consent for ``performer`` on ``day`` (SPEC §4.2):

    - the performer, alive and 18 or older;
    - while alive, a representative with ``may_consent``, or a guardian for a minor;
    - after death, the estate; the union only when no estate representative is registered
      (an agent's authority ends with the performer's death).
    """
    if performer is None:
        return False
    if performer.is_dead_on(day):
        if party == UNION:
            return not performer.has_estate()
        rep = performer.representative(party)
        return rep is not None and rep.kind is RepresentativeKind.ESTATE
    if party == performer.id:
        return not performer.is_minor_on(day)
    rep = performer.representative(party)
    if rep is None:
        return False
    if rep.kind is RepresentativeKind.GUARDIAN and performer.is_minor_on(day):
        return True
    return rep.may_consent


def who_may_consent(performer: Performer, day: dt.date) -> tuple[str, ...]:
    """Every party that may consent for ``performer`` on ``day`` (SPEC §4.2, §11: whoever a
    consent request goes to): the performer, their representatives, the union, in that order,
    each only if :func:`may_consent_for` says so."""
    parties = (performer.id, *(rep.id for rep in performer.representatives), UNION)
    return tuple(party for party in parties if may_consent_for(party, performer, day))
