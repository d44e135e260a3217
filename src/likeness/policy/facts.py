"""What a decision looks at, gathered once: the request with the parts of the world it names,
each consent with what does not depend on a request, and what the consent path asks.

These are inputs to the rules of :mod:`likeness.policy.rules` (§4.1),
:mod:`likeness.policy.consent_rules` (§4.2) and :mod:`likeness.policy.obligations` (§4.5).
"""

from __future__ import annotations

from collections.abc import Sequence

from likeness.domain.consents import Consent
from likeness.domain.ids import PerformerId
from likeness.domain.performers import Performer
from likeness.domain.productions import Production
from likeness.domain.replicas import Replica
from likeness.domain.requests import Request
from likeness.domain.strikes import Strike
from likeness.policy.validity import NO_STRIKES, StrikeCalendar, ValidityCheck, validity_problems

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
    theirs computed on first use and kept for the last rule set asked (``extra_for``,
    ``extra_problems``: a consent is nearly always judged under one rule set; the engine clears
    them when a strike is declared, as ``signed-during-strike`` depends on strikes);
    ``authorized`` says whether
    ``given_by`` had authority on ``signed_on``; ``performer`` is whom it is about. The
    consent's window and scope are copied onto the facts for the hot path.
    """

    __slots__ = (
        "authorized",
        "consent",
        "extra_for",
        "extra_problems",
        "id",
        "lifetime_only",
        "performer",
        "problems",
        "productions",
        "replica",
        "revoked_on",
        "subject_performer",
        "suspended_on",
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
        self.extra_for: str | None = None
        self.extra_problems: tuple[str, ...] = ()
        self.id = consent.id
        self.replica = consent.replica
        self.subject_performer = consent.performer
        self.valid_from = consent.valid_from
        self.valid_until = consent.valid_until
        self.revoked_on = consent.revoked_on
        self.suspended_on = consent.suspended_on
        self.lifetime_only = consent.lifetime_only
        self.productions = consent.productions
        self.uses = consent.uses

    def problems_under(
        self,
        rule_set: str,
        checks: tuple[ValidityCheck, ...] = (),
        strikes: StrikeCalendar = NO_STRIKES,
    ) -> tuple[str, ...]:
        """SPEC §5 problems under ``rule_set``: the base ones plus those its ``checks`` find
        (computed once per rule set, then kept)."""
        if not checks:
            return self.problems
        if self.extra_for == rule_set:
            return self.extra_problems
        extra = validity_problems(self.consent, self.performer, checks, strikes)
        self.extra_for = rule_set
        # kept whole (base + extra), so the hot path returns it without building a tuple
        self.extra_problems = self.problems + extra if extra else self.problems
        return self.extra_problems


class Asked:
    """What the consent path checks a consent against: the subject, the use, the production,
    the date, the rule set (its id and the validity checks it adds), the strikes that could
    concern the request's producer and the world's strike calendar (for validity)."""

    __slots__ = (
        "calendar",
        "date",
        "performer",
        "production",
        "replica",
        "request",
        "rule_set",
        "strikes",
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
        strikes: Sequence[Strike] = (),
        calendar: StrikeCalendar = NO_STRIKES,
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
        self.strikes = strikes
        self.calendar = calendar
