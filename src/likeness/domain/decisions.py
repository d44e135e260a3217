"""Decisions: the answer to a request, with its reasons, the consent cited and the obligations.

Reason codes are spelled exactly as SPEC §4, §5 and §7 spell them; :class:`Reason` lists them.
A decision also carries its explanation: the checks that ran, and which of them failed with
which codes (and for which consent).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

from likeness.domain.consents import Compensation
from likeness.domain.ids import ConsentId, RequestId
from likeness.domain.performers import Performer


class Reason(StrEnum):
    """Every reason code a decision or a consent check can give (SPEC §4, §5, §7)."""

    # §4.1 checks on every request
    PRODUCER_NOT_AUTHORIZED = "producer-not-authorized"
    UNKNOWN_REPLICA = "unknown-replica"
    UNKNOWN_PRODUCTION = "unknown-production"
    UNKNOWN_PERFORMER = "unknown-performer"
    STRIKE_IN_EFFECT = "strike-in-effect"
    MINOR_PROTECTED_USE = "minor-protected-use"
    BACKGROUND_COUNT_SUBSTITUTION = "background-count-substitution"
    SCAN_NOTICE_LATE = "scan-notice-late"
    NO_BUSINESS_REASON = "no-business-reason"
    # §4.2 consent
    COVERED_BY_CONSENT = "covered-by-consent"
    NO_CONSENT = "no-consent"
    CONSENT_INVALID = "consent-invalid"
    CONSENT_NOT_AUTHORIZED = "consent-not-authorized"
    CONSENT_ENDED_AT_DEATH = "consent-ended-at-death"
    CONSENT_NOT_YET_VALID = "consent-not-yet-valid"
    CONSENT_EXPIRED = "consent-expired"
    CONSENT_REVOKED = "consent-revoked"
    CONSENT_SUSPENDED = "consent-suspended"
    PRODUCTION_NOT_COVERED = "production-not-covered"
    USE_NOT_COVERED = "use-not-covered"
    REPLICA_NOT_COVERED = "replica-not-covered"
    # §4.3 exempt
    AS_SCRIPTED_IN_ORIGINAL_PRODUCTION = "as-scripted-in-original-production"
    NO_CREATION_CONSENT = "no-creation-consent"
    ALTERATION_EXEMPT = "alteration-exempt"
    # §4.4 synthetic performers
    NEEDS_PERFORMER_CONSENT = "needs-performer-consent"
    SYNTHETIC_NO_RESEMBLANCE = "synthetic-no-resemblance"
    SYNTHETIC_NEEDS_JUSTIFICATION = "synthetic-needs-justification"


class Problem(StrEnum):
    """Consent validity problems (SPEC §5); a consent with any of them is invalid."""

    NOT_SEPARATELY_SIGNED = "not-separately-signed"
    BLANKET_SCOPE = "blanket-scope"
    PERPETUAL_TERM = "perpetual-term"
    DESCRIPTION_NOT_SPECIFIC = "description-not-specific"
    NO_COMPENSATION = "no-compensation"
    TERM_EXCEEDS_LEGAL_CAP = "term-exceeds-legal-cap"
    SIGNED_DURING_STRIKE = "signed-during-strike"


class ObligationKind(StrEnum):
    """What an allowed decision obliges the producer to do (SPEC §4.5)."""

    RECORD_USE = "record-use"
    PAY = "pay"
    PENSION_HEALTH = "pension-health"
    NOTIFY_UNION = "notify-union"
    RESIDUALS_AS_IF_PERFORMED = "residuals-as-if-performed"
    UNION_BARGAIN = "union-bargain"
    LABEL_AI_OUTPUT = "label-ai-output"


class Obligation(NamedTuple):
    """One obligation; money obligations carry amount, currency, basis, rule and rate row.

    ``basis`` says in words how the amount came about; ``rule`` names the rule of SPEC §6 and the
    rule set; ``rate_row`` names the rate-table row used (``None`` when no table was read).

    A named tuple rather than a frozen dataclass: equally immutable, and several times cheaper
    to build, which matters because every allowed decision builds two to five of them.
    """

    kind: ObligationKind
    amount: Decimal | None = None
    currency: str | None = None
    basis: str | None = None
    rule: str | None = None
    rate_row: str | None = None


class Check(NamedTuple):
    """A check that failed: its name, the codes it gave and, for consent checks, the consent.

    (A named tuple, like :class:`Obligation`, because it is built on the hot path.)
    """

    name: str
    codes: tuple[str, ...]
    consent: ConsentId | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    """``allowed`` or not, the reason codes, the consent cited and, when allowed, obligations.

    ``ran`` names every check that ran, in order; ``failed`` holds those that failed.
    """

    request: RequestId
    allowed: bool
    reasons: tuple[str, ...]
    rule_set: str
    consent: ConsentId | None = None
    obligations: tuple[Obligation, ...] = ()
    ran: tuple[str, ...] = ()
    failed: tuple[Check, ...] = field(default=())

    def __post_init__(self) -> None:
        if not self.reasons:
            raise ValueError(f"decision on {self.request}: no reason given (expected at least one)")
        if not self.allowed and self.obligations:
            raise ValueError(f"decision on {self.request}: a deny carries obligations")

    @property
    def outcome(self) -> str:
        """``allow`` or ``deny``, as every output spells it."""
        return "allow" if self.allowed else "deny"

    def explain(self) -> list[str]:
        """One line per check that ran: ``ok`` or the codes it failed with (and the consent)."""
        failures: dict[str, list[Check]] = {}
        for check in self.failed:
            failures.setdefault(check.name, []).append(check)
        lines = []
        for name in self.ran:
            found = failures.get(name)
            if not found:
                lines.append(f"{name}: ok")
                continue
            for check in found:
                whose = f" (consent {check.consent})" if check.consent else ""
                lines.append(f"{name}{whose}: failed {', '.join(check.codes)}")
        return lines


class PayBasis(StrEnum):
    """Which floor of SPEC §6 applies to a pay line."""

    #: allowed ``create``: one day at max(daily rate, day minimum)
    SCAN_SESSION = "scan-session"
    #: replica performance in the production the replica was made in: days x max(daily, minimum)
    ORIGINAL_PRODUCTION = "original-production"
    #: any other consented use (other production, independently created, synthetic): days x minimum
    OTHER_USE = "other-use"


@dataclass(frozen=True, slots=True)
class PayTerms:
    """What the pay rules need to know about an allowed request (SPEC §6)."""

    rule_set: str
    basis: PayBasis
    performer: Performer
    date: dt.date
    days: int
    compensation: Compensation | None = None
    real_time_generation: bool = False
