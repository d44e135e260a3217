"""Consents: what a performer (or someone with authority) agreed to (SPEC §2, §3, §5).

A :class:`Consent` is checked at construction for its *structural* invariants only (exactly one
subject, a sane window, a non-negative amount, known use codes). Whether it is *valid* under
SPEC §5 (separately signed, not blanket, not perpetual, ...) is computed by the policy package:
invalid consents are still stored, for the record, so they must be constructible.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum

from likeness.domain.ids import ConsentId, PerformerId, ProductionId, ReplicaId

#: ``productions: ["*"]`` / ``uses: ["*"]``: a blanket grant (always invalid, SPEC §5)
WILDCARD = "*"

#: the currency of every amount unless a consent says otherwise
DEFAULT_CURRENCY = "USD"


class UseKind(StrEnum):
    """What may be done with a replica (SPEC §3)."""

    CREATE = "create"
    AS_SCRIPTED = "as-scripted"
    NEW_PERFORMANCE = "new-performance"
    CROWD_MULTIPLICATION = "crowd-multiplication"
    STUNT = "stunt"
    DUBBING = "dubbing"
    PROMOTION = "promotion"
    TRAINING = "training"
    ALTERATION = "alteration"
    NUDITY = "nudity"
    SEXUAL_CONTENT = "sexual-content"


USE_CODES: frozenset[str] = frozenset(u.value for u in UseKind)


class PayPer(StrEnum):
    """What a bargained amount is counted per: each day of replica performance, or the use."""

    DAY = "day"
    USE = "use"


@dataclass(frozen=True, slots=True)
class Compensation:
    """Bargained pay: ``amount`` per ``day`` or per ``use`` (an amount of 0 is a stated term)."""

    amount: Decimal
    per: PayPer
    currency: str = DEFAULT_CURRENCY

    def __post_init__(self) -> None:
        if self.amount < 0:
            raise ValueError(f"compensation amount {self.amount} is negative")
        if len(self.currency) != 3 or not self.currency.isalpha() or not self.currency.isupper():
            raise ValueError(
                f"compensation currency {self.currency!r} (expected a 3-letter code such as USD)"
            )

    def bargained(self, days: int) -> Decimal:
        """What the consent promises for ``days`` of replica performance."""
        return self.amount * days if self.per is PayPer.DAY else self.amount


@dataclass(frozen=True, slots=True)
class Consent:
    """One consent; ``replica`` xor ``performer`` is its subject (SPEC §2).

    A replica consent covers that replica; a performer consent covers ``create`` of that
    performer's replicas and synthetic performers that resemble them. ``revoked_on`` is set by a
    revocation, ``suspended_on`` by a suspension during a video-game strike (SPEC §7); a consent
    is never deleted.
    """

    id: ConsentId
    given_by: str
    signed_on: dt.date
    separately_signed: bool
    productions: tuple[str, ...]
    uses: tuple[str, ...]
    description: str
    replica: ReplicaId | None = None
    performer: PerformerId | None = None
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    compensation: Compensation | None = None
    lifetime_only: bool = False
    revoked_on: dt.date | None = None
    suspended_on: dt.date | None = None
    #: the consent request (SPEC §11) this consent answered, if any
    request: str | None = None

    def __post_init__(self) -> None:
        if not self.id:
            raise ValueError("a consent needs an id")
        if (self.replica is None) == (self.performer is None):
            raise ValueError(
                f"consent {self.id}: names {'both' if self.replica else 'neither'} a replica and"
                " a performer (expected exactly one subject)"
            )
        if not self.given_by:
            raise ValueError(f"consent {self.id}: given_by is empty (expected who consented)")
        unknown = [u for u in self.uses if u != WILDCARD and u not in USE_CODES]
        if unknown:
            raise ValueError(
                f"consent {self.id}: uses {unknown} (expected codes of SPEC §3 or '*')"
            )
        if (
            self.valid_from is not None
            and self.valid_until is not None
            and self.valid_until < self.valid_from
        ):
            raise ValueError(
                f"consent {self.id}: valid_until {self.valid_until} is before valid_from"
                f" {self.valid_from}"
            )

    @property
    def subject(self) -> str:
        """The replica or performer id the consent names."""
        return self.replica if self.replica is not None else str(self.performer)

    def covers_production(self, production: str) -> bool:
        """Whether ``production`` is named (a ``*`` names every one, and is invalid anyway)."""
        # tuples, not sets: a consent names a handful, and a million consents are held at once
        return production in self.productions or WILDCARD in self.productions

    def covers_use(self, use: str) -> bool:
        """Whether ``use`` is named (a ``*`` names every use, and is invalid anyway)."""
        return use in self.uses or WILDCARD in self.uses

    def is_revoked_on(self, day: dt.date) -> bool:
        """Revoked on or before ``day`` (uses before the revocation stay valid)."""
        return self.revoked_on is not None and self.revoked_on <= day

    def revoked(self, on: dt.date) -> Consent:
        """A copy revoked on ``on``; a consent already revoked keeps its earlier date."""
        if self.revoked_on is not None and self.revoked_on <= on:
            return self
        return replace(self, revoked_on=on)

    def suspended(self, on: dt.date) -> Consent:
        """A copy suspended from ``on``; a consent already suspended keeps its earlier date."""
        if self.suspended_on is not None and self.suspended_on <= on:
            return self
        return replace(self, suspended_on=on)


@dataclass(frozen=True, slots=True)
class StoredConsent:
    """A consent as recorded, with the SPEC §5 problems found when it was recorded."""

    consent: Consent
    problems: tuple[str, ...] = ()

    @property
    def valid(self) -> bool:
        """Whether it was recorded without a validity problem."""
        return not self.problems


def production_ids(consent: Consent) -> tuple[ProductionId, ...]:
    """The named production ids, without the ``*`` wildcard."""
    return tuple(ProductionId(p) for p in consent.productions if p != WILDCARD)
