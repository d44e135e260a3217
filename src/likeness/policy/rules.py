"""The rules of SPEC §4 as small objects behind Protocols, combined with :class:`AllOf`.

Two kinds of rule:

- :class:`RequestRule` looks at the request and the world (§4.1, and §4.4's justification);
- :class:`ConsentRule` looks at one consent against the request (§4.2).

Each returns the reason codes it fails with, an empty tuple when it passes. :class:`AllOf` runs
every child and collects the failures (so a deny lists *every* failing code); an empty
:class:`AllOf` is refused when built, because a policy without rules must not allow anything
(compare sigstore's ``AllOf``, which fails closed on no children). :func:`first_passing` is the
"any of these consents" combinator of §4.2.

Rule sets (:mod:`likeness.policy.rulesets`) pick optional rules by code from :data:`OPTIONAL_RULES`;
a future agreement adds a data file and, at most, one class here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from likeness.domain.consents import WILDCARD, Consent, UseKind
from likeness.domain.decisions import Check, Reason
from likeness.domain.ids import UNION, PerformerId
from likeness.domain.performers import Performer, RepresentativeKind
from likeness.domain.productions import Production
from likeness.domain.replicas import Replica
from likeness.domain.requests import Request, RequestKind
from likeness.domain.strikes import Strike
from likeness.policy.validity import ValidityCheck, validity_problems

_48_HOURS = dt.timedelta(hours=48)

# one-code answers, built once: rules run on the hot path of every decision
_BACKGROUND_COUNT_SUBSTITUTION = (Reason.BACKGROUND_COUNT_SUBSTITUTION.value,)
_CONSENT_ENDED_AT_DEATH = (Reason.CONSENT_ENDED_AT_DEATH.value,)
_CONSENT_EXPIRED = (Reason.CONSENT_EXPIRED.value,)
_CONSENT_NOT_AUTHORIZED = (Reason.CONSENT_NOT_AUTHORIZED.value,)
_CONSENT_NOT_YET_VALID = (Reason.CONSENT_NOT_YET_VALID.value,)
_CONSENT_REVOKED = (Reason.CONSENT_REVOKED.value,)
_MINOR_PROTECTED_USE = (Reason.MINOR_PROTECTED_USE.value,)
_NO_BUSINESS_REASON = (Reason.NO_BUSINESS_REASON.value,)
_PRODUCER_NOT_AUTHORIZED = (Reason.PRODUCER_NOT_AUTHORIZED.value,)
_PRODUCTION_NOT_COVERED = (Reason.PRODUCTION_NOT_COVERED.value,)
_REPLICA_NOT_COVERED = (Reason.REPLICA_NOT_COVERED.value,)
_SCAN_NOTICE_LATE = (Reason.SCAN_NOTICE_LATE.value,)
_STRIKE_IN_EFFECT = (Reason.STRIKE_IN_EFFECT.value,)
_SYNTHETIC_NEEDS_JUSTIFICATION = (Reason.SYNTHETIC_NEEDS_JUSTIFICATION.value,)
_USE_NOT_COVERED = (Reason.USE_NOT_COVERED.value,)
_INVALID = Reason.CONSENT_INVALID.value

#: uses a minor's replica may never be put to, whatever the consent says (SPEC §4.1, §7)
PROTECTED_USES = frozenset({UseKind.NUDITY.value, UseKind.SEXUAL_CONTENT.value})


# RequestFacts, ConsentFacts and Asked are plain slotted classes rather than frozen dataclasses:
# they are built for every decision (and a million times when consents load), and a frozen
# dataclass pays an object.__setattr__ call per field. Nothing outside the engine mutates them.


class RequestFacts:
    """A request with the parts of the world it names, looked up once per decision.

    ``performer`` is whom the request is about: the replica's performer, the named performer,
    or the performer a synthetic request resembles. ``strikes`` are those that could concern the
    producer (against it, or against all).
    """

    __slots__ = ("performer", "production", "replica", "request", "strikes", "unknown")

    def __init__(
        self,
        request: Request,
        production: Production | None,
        replica: Replica | None,
        performer: Performer | None,
        unknown: tuple[str, ...],
        strikes: Sequence[Strike],
    ) -> None:
        self.request = request
        self.production = production
        self.replica = replica
        self.performer = performer
        self.unknown = unknown
        self.strikes = strikes


class ConsentFacts:
    """A consent with what does not depend on the request, computed once when it is loaded.

    ``problems`` are its SPEC §5 problems under the base checks; rule sets that add checks get
    theirs computed on first use and kept in ``extra_problems``; ``authorized`` says whether
    ``given_by`` had authority on ``signed_on``; ``performer`` is whom it is about. The
    consent's window and scope are copied onto the facts for the hot path.
    """

    __slots__ = (
        "authorized",
        "consent",
        "extra_problems",
        "id",
        "lifetime_only",
        "performer",
        "problems",
        "productions",
        "replica",
        "revoked_on",
        "subject_performer",
        "uses",
        "valid_from",
        "valid_until",
    )

    def __init__(
        self,
        consent: Consent,
        performer: Performer | None,
        problems: tuple[str, ...],
        authorized: bool,
    ) -> None:
        self.consent = consent
        self.performer = performer
        self.problems = problems
        self.authorized = authorized
        # created on first use: most consents are never judged under a rule set adding checks
        self.extra_problems: dict[str, tuple[str, ...]] | None = None
        self.id = consent.id
        self.replica = consent.replica
        self.subject_performer = consent.performer
        self.valid_from = consent.valid_from
        self.valid_until = consent.valid_until
        self.revoked_on = consent.revoked_on
        self.lifetime_only = consent.lifetime_only
        self.productions = consent.productions
        self.uses = consent.uses

    def problems_under(
        self, rule_set: str, checks: tuple[ValidityCheck, ...] = ()
    ) -> tuple[str, ...]:
        """SPEC §5 problems under ``rule_set``: the base ones plus those its ``checks`` find
        (computed once per rule set, then kept)."""
        if not checks:
            return self.problems
        if self.extra_problems is None:
            self.extra_problems = {}
        extra = self.extra_problems.get(rule_set)
        if extra is None:
            extra = validity_problems(self.consent, self.performer, checks)
            self.extra_problems[rule_set] = extra
        return self.problems + extra if extra else self.problems


class Asked:
    """What the consent path checks a consent against: the subject, the use, the production,
    the date, and the rule set (its id and the validity checks it adds)."""

    __slots__ = (
        "date",
        "performer",
        "production",
        "replica",
        "request",
        "rule_set",
        "use",
        "validity_checks",
    )

    def __init__(
        self,
        request: Request,
        use: str,
        replica: str | None,
        performer: PerformerId,
        rule_set: str,
        validity_checks: tuple[ValidityCheck, ...] = (),
    ) -> None:
        self.request = request
        self.date = request.date
        self.production = request.production
        self.use = use
        #: the replica a consent must name, or None when it must name ``performer``
        self.replica = replica
        self.performer = performer
        self.rule_set = rule_set
        self.validity_checks = validity_checks


F = TypeVar("F", contravariant=True)


class Rule(Protocol[F]):
    """A rule: a name for the explanation, and the codes it fails with for some facts."""

    @property
    def name(self) -> str:
        """The check's name in a decision's explanation."""
        ...

    def failures(self, facts: F) -> tuple[str, ...]:
        """Reason codes this rule fails with (empty: it passes)."""
        ...


RequestRule = Rule[RequestFacts]


class ConsentRule(Protocol):
    """A rule about one consent against what is asked (SPEC §4.2)."""

    @property
    def name(self) -> str:
        """The check's name in a decision's explanation."""
        ...

    def failures(self, asked: Asked, facts: ConsentFacts) -> tuple[str, ...]:
        """Reason codes this consent fails with (empty: it passes)."""
        ...


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class AllOf(Generic[T]):
    """Every rule must pass; :meth:`evaluate` returns each failing rule as a :class:`Check`."""

    rules: tuple[Rule[T], ...]
    #: the names of the rules, in the order they run
    names: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        # An empty AllOf would pass everything: fail closed by refusing to build it.
        if not self.rules:
            raise ValueError("AllOf needs at least one rule (an empty policy would allow all)")
        object.__setattr__(self, "names", tuple(rule.name for rule in self.rules))

    def evaluate(self, facts: T) -> list[Check]:
        """Run every rule; the failing ones with their codes (empty list: all passed)."""
        failed: list[Check] = []
        for rule in self.rules:
            codes = rule.failures(facts)
            if codes:
                failed.append(Check(rule.name, codes))
        return failed


@dataclass(frozen=True, slots=True)
class AllOfConsent:
    """Every consent rule must pass for one consent; the failing codes, in rule order."""

    rules: tuple[ConsentRule, ...]
    #: the names of the rules, in the order they run
    names: tuple[str, ...] = field(init=False)
    # the rules' bound ``failures`` methods, looked up once (they run for every consent examined)
    _checks: tuple[Callable[[Asked, ConsentFacts], tuple[str, ...]], ...] = field(
        init=False, repr=False
    )

    def __post_init__(self) -> None:
        if not self.rules:
            raise ValueError("AllOfConsent needs at least one rule (it would pass any consent)")
        object.__setattr__(self, "names", tuple(rule.name for rule in self.rules))
        object.__setattr__(self, "_checks", tuple(rule.failures for rule in self.rules))

    def failures(self, asked: Asked, facts: ConsentFacts) -> tuple[str, ...]:
        """Every code the consent fails with (empty: it passes)."""
        codes: tuple[str, ...] = ()
        for check in self._checks:
            found = check(asked, facts)
            if found:
                codes += found
        return codes


def first_passing(
    policy: AllOfConsent, asked: Asked, consents: Iterable[ConsentFacts]
) -> tuple[ConsentFacts | None, list[Check]]:
    """AnyOf over consents: the first that passes ``policy``, else None and every failure."""
    failed: list[Check] = []
    for facts in consents:
        codes = policy.failures(asked, facts)
        if not codes:
            return facts, failed
        failed.append(Check("consent", codes, facts.id))
    return None, failed


# --- §4.1 checks on every request ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProducerIsAuthorized:
    """``producer-not-authorized``: the requester is not the producer of the production."""

    name: str = "producer-authorized"

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

    name: str = "strike-in-effect"

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

    name: str = "minor-protected-use"

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

    name: str = "background-count"

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

    name: str = "scan-notice"

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

    name: str = "business-reason"

    def failures(self, facts: RequestFacts) -> tuple[str, ...]:
        """See the class docstring; a blank reason is no reason."""
        request = facts.request
        if request.kind is RequestKind.CREATE and not (request.business_reason or "").strip():
            return _NO_BUSINESS_REASON
        return ()


@dataclass(frozen=True, slots=True)
class SyntheticJustified:
    """``synthetic-needs-justification`` (§7): a synthetic performer in a human role, with no
    justification given."""

    name: str = "synthetic-justification"

    def failures(self, facts: RequestFacts) -> tuple[str, ...]:
        """See the class docstring."""
        request = facts.request
        if (
            request.kind is RequestKind.SYNTHETIC
            and request.human_role
            and not (request.justification or "").strip()
        ):
            return _SYNTHETIC_NEEDS_JUSTIFICATION
        return ()


# --- §4.2 checks on each consent ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ConsentIsValid:
    """``consent-invalid`` with the SPEC §5 codes listed too."""

    name: str = "consent-valid"

    def failures(self, asked: Asked, facts: ConsentFacts) -> tuple[str, ...]:
        """See the class docstring."""
        problems = facts.problems_under(asked.rule_set, asked.validity_checks)
        return (_INVALID, *problems) if problems else ()


@dataclass(frozen=True, slots=True)
class ConsentIsAuthorized:
    """``consent-not-authorized``: given by someone without authority on ``signed_on``."""

    name: str = "consent-authorized"

    def failures(self, asked: Asked, facts: ConsentFacts) -> tuple[str, ...]:
        """See the class docstring (computed once per consent by :func:`has_authority`)."""
        return () if facts.authorized else _CONSENT_NOT_AUTHORIZED


@dataclass(frozen=True, slots=True)
class ConsentOutlivesPerformer:
    """``consent-ended-at-death``: ``lifetime_only`` and the performer died before the date."""

    name: str = "consent-lifetime"

    def failures(self, asked: Asked, facts: ConsentFacts) -> tuple[str, ...]:
        """See the class docstring."""
        if not facts.lifetime_only:
            return ()
        performer = facts.performer
        if performer is not None and performer.is_dead_on(asked.date):
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
        day = asked.date
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

#: §4.1 checks every rule set runs
BASE_REQUEST_RULES: tuple[RequestRule, ...] = (
    ProducerIsAuthorized(),
    IdsAreKnown(),
    BackgroundNotCounted(),
    ScanNoticeGiven(),
)

#: rules a rule set may add by naming their code in ``checks`` of its ruleset.yaml
OPTIONAL_RULES: dict[str, RequestRule] = {
    Reason.STRIKE_IN_EFFECT.value: StrikeNotInEffect(),
    Reason.MINOR_PROTECTED_USE.value: MinorNotInProtectedUse(),
    Reason.NO_BUSINESS_REASON.value: BusinessReasonGiven(),
    Reason.SYNTHETIC_NEEDS_JUSTIFICATION.value: SyntheticJustified(),
}

#: optional rules that run on synthetic requests after §4.1, beside the §4.4 consent check
SYNTHETIC_STAGE = frozenset({Reason.SYNTHETIC_NEEDS_JUSTIFICATION.value})

#: the order of §4.1 codes in a decision, whatever order the rule set lists its checks in
REQUEST_RULE_ORDER = (
    "producer-authorized",
    "ids-known",
    "strike-in-effect",
    "minor-protected-use",
    "background-count",
    "scan-notice",
    "business-reason",
)


def has_authority(consent: Consent, performer: Performer | None) -> bool:
    """Whether ``consent.given_by`` could consent for ``performer`` on ``signed_on`` (SPEC §4.2).

    - the performer, alive and 18 or older;
    - while alive, a representative with ``may_consent``, or a guardian for a minor;
    - after death, the estate; the union only when no estate representative is registered
      (an agent's authority ends with the performer's death).

    >>> has_authority(Consent("C", "union", dt.date(2024, 7, 20), True, ("F",), ("create",),
    ...                       "d", performer="P4"), None)
    False
    """
    if performer is None:
        return False
    signed = consent.signed_on
    given_by = consent.given_by
    if performer.is_dead_on(signed):
        if given_by == UNION:
            return not performer.has_estate()
        rep = performer.representative(given_by)
        return rep is not None and rep.kind is RepresentativeKind.ESTATE
    if given_by == performer.id:
        return not performer.is_minor_on(signed)
    rep = performer.representative(given_by)
    if rep is None:
        return False
    if rep.kind is RepresentativeKind.GUARDIAN and performer.is_minor_on(signed):
        return True
    return rep.may_consent
