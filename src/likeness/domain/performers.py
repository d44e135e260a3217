"""Performers and the representatives who may act for them (SPEC §1, §2)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from likeness.domain.ids import PerformerId, RepresentativeId


class PerformerCategory(StrEnum):
    """What kind of work a performer does; background performers have their own day rate."""

    PRINCIPAL = "principal"
    BACKGROUND = "background"
    STUNT = "stunt"
    SINGER = "singer"
    VOICE = "voice"


class RepresentativeKind(StrEnum):
    """Who a representative is for the performer (SPEC §1)."""

    AGENT = "agent"
    ATTORNEY = "attorney"
    GUARDIAN = "guardian"
    ESTATE = "estate"


ADULT_AGE = 18


@dataclass(frozen=True, slots=True)
class Representative:
    """Someone who acts for a performer; ``may_consent`` says the performer let them consent."""

    id: RepresentativeId
    kind: RepresentativeKind
    may_consent: bool = False
    name: str | None = None


@dataclass(frozen=True, slots=True)
class Performer:
    """A person whose voice or likeness is recorded.

    ``weekly_salary`` and ``day_rate`` are what they are paid, when known (SPEC §6 daily rate).
    """

    id: PerformerId
    name: str
    category: PerformerCategory
    born: dt.date
    died: dt.date | None = None
    union_member_id: str | None = None
    weekly_salary: Decimal | None = None
    day_rate: Decimal | None = None
    representatives: tuple[Representative, ...] = field(default=())

    def __post_init__(self) -> None:
        if not self.id:
            raise ValueError("a performer needs an id")
        if self.died is not None and self.died < self.born:
            raise ValueError(f"performer {self.id}: died {self.died} is before born {self.born}")
        for amount, label in ((self.weekly_salary, "weekly_salary"), (self.day_rate, "day_rate")):
            if amount is not None and amount < 0:
                raise ValueError(f"performer {self.id}: {label} {amount} is negative")
        ids = [rep.id for rep in self.representatives]
        if len(ids) != len(set(ids)):
            raise ValueError(f"performer {self.id}: representative ids repeat: {ids}")

    def age_on(self, day: dt.date) -> int:
        """Completed years of age on ``day`` (a birthday counts on the day itself)."""
        years = day.year - self.born.year
        if (day.month, day.day) < (self.born.month, self.born.day):
            years -= 1
        return years

    def is_minor_on(self, day: dt.date) -> bool:
        """Whether the performer is under 18 on ``day``."""
        return self.age_on(day) < ADULT_AGE

    def is_dead_on(self, day: dt.date) -> bool:
        """Whether the performer died before ``day`` (alive on the day of death itself)."""
        return self.died is not None and self.died < day

    def eighteenth_birthday(self) -> dt.date:
        """The day the performer turns 18 (Feb 29 births turn 18 on Mar 1 in common years)."""
        try:
            return self.born.replace(year=self.born.year + ADULT_AGE)
        except ValueError:
            return dt.date(self.born.year + ADULT_AGE, 3, 1)

    def representative(self, rep_id: str) -> Representative | None:
        """The representative with this id, or None."""
        return next((rep for rep in self.representatives if rep.id == rep_id), None)

    def has_estate(self) -> bool:
        """Whether an estate representative is registered for the performer."""
        return any(rep.kind is RepresentativeKind.ESTATE for rep in self.representatives)
