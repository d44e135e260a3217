"""Consent validity (SPEC §5): each check a small object giving the problem codes it finds.

Validity depends on the consent, its performer, the rule set and the strikes (``signed-during-
strike``), never on the request, so the engine computes it once per consent (and rule set) and
reuses it for every decision; a new strike clears what was computed.

What blanket and perpetual wording is, is decided in :mod:`likeness.policy.wording`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from likeness.domain.consents import USE_CODES, WILDCARD, Consent, UseKind
from likeness.domain.decisions import Problem
from likeness.domain.performers import Performer
from likeness.policy.wording import is_blanket_wording, is_perpetual_wording

# words that say nothing about what is made or where it appears, when they are all there is
_FILLER_WORDS = (
    "a an the of for and or to in on as by with use uses used using usage this that these its"
    " replica replicas digital consent consents performer performers any all"
)
_FILLER = frozenset(_FILLER_WORDS.split())

#: fewer words than this and a description cannot say what is made and where (SPEC §5)
MIN_DESCRIPTION_WORDS = 8

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")

#: uses whose consent needs no compensation terms (SPEC §5 no-compensation)
_UNPAID_USES = frozenset({UseKind.AS_SCRIPTED.value, UseKind.CREATE.value})

#: words of every use code, so "new performance" restates ``new-performance``
_USE_WORDS = frozenset(word for code in USE_CODES for word in code.split("-"))


class StrikeCalendar(Protocol):
    """Which producers were on strike when (the engine answers from its world)."""

    def struck(self, productions: Iterable[str], day: dt.date) -> bool:
        """Whether a strike against the producer of one of ``productions`` covers ``day``."""
        ...


class _NoStrikes:
    """A calendar with no strike in it."""

    def struck(self, productions: Iterable[str], day: dt.date) -> bool:
        """Never struck."""
        return False


#: the calendar of a world without strikes
NO_STRIKES: StrikeCalendar = _NoStrikes()


class ValidityCheck(Protocol):
    """One check of SPEC §5: the problem codes it finds (empty when the consent passes)."""

    @property
    def name(self) -> str:
        """The check's name."""
        ...

    def problems(
        self, consent: Consent, performer: Performer | None, strikes: StrikeCalendar = NO_STRIKES
    ) -> tuple[str, ...]:
        """Problem codes of ``consent`` (``performer`` is who it is about, if known)."""
        ...


@lru_cache(maxsize=65536)
def is_specific_description(description: str) -> bool:
    """At least 8 words, and more than a restatement of use codes with filler words."""
    words = _WORD.findall(description.lower())
    if len(words) < MIN_DESCRIPTION_WORDS:
        return False
    return any(w not in _FILLER and w not in _USE_WORDS for w in words)


@dataclass(frozen=True, slots=True)
class SeparatelySigned:
    """``not-separately-signed``: signed inside the employment contract or voucher."""

    name: str = "separately-signed"

    def problems(
        self, consent: Consent, performer: Performer | None, strikes: StrikeCalendar = NO_STRIKES
    ) -> tuple[str, ...]:
        """See the class docstring."""
        return () if consent.separately_signed else (Problem.NOT_SEPARATELY_SIGNED.value,)


@dataclass(frozen=True, slots=True)
class NamedScope:
    """``blanket-scope``: no productions or uses named, a ``*``, or blanket wording."""

    name: str = "named-scope"

    def problems(
        self, consent: Consent, performer: Performer | None, strikes: StrikeCalendar = NO_STRIKES
    ) -> tuple[str, ...]:
        """See the class docstring."""
        blanket = (
            not consent.productions
            or not consent.uses
            or WILDCARD in consent.productions
            or WILDCARD in consent.uses
            or is_blanket_wording(consent.description)
        )
        return (Problem.BLANKET_SCOPE.value,) if blanket else ()


@dataclass(frozen=True, slots=True)
class LimitedTerm:
    """``perpetual-term``: no ``valid_until``, or perpetual wording in the description."""

    name: str = "limited-term"

    def problems(
        self, consent: Consent, performer: Performer | None, strikes: StrikeCalendar = NO_STRIKES
    ) -> tuple[str, ...]:
        """See the class docstring."""
        perpetual = consent.valid_until is None or is_perpetual_wording(consent.description)
        return (Problem.PERPETUAL_TERM.value,) if perpetual else ()


@dataclass(frozen=True, slots=True)
class SpecificDescription:
    """``description-not-specific``: under 8 words, or only restating the use codes."""

    name: str = "specific-description"

    def problems(
        self, consent: Consent, performer: Performer | None, strikes: StrikeCalendar = NO_STRIKES
    ) -> tuple[str, ...]:
        """See the class docstring."""
        if is_specific_description(consent.description):
            return ()
        return (Problem.DESCRIPTION_NOT_SPECIFIC.value,)


@dataclass(frozen=True, slots=True)
class CompensationStated:
    """``no-compensation``: covers a use beyond ``as-scripted``/``create`` with no terms.

    An amount of 0 is a stated term and passes.
    """

    name: str = "compensation-stated"

    def problems(
        self, consent: Consent, performer: Performer | None, strikes: StrikeCalendar = NO_STRIKES
    ) -> tuple[str, ...]:
        """See the class docstring."""
        if consent.compensation is not None or all(u in _UNPAID_USES for u in consent.uses):
            return ()
        return (Problem.NO_COMPENSATION.value,)


def _years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a common year: the term ends on 1 March
        return dt.date(day.year + years, 3, 1)


@dataclass(frozen=True, slots=True)
class TermWithinLegalCap:
    """``term-exceeds-legal-cap`` (no-union, SPEC §7).

    A consent about a living adult runs at most ``adult_years`` from ``signed_on``; one signed
    while the performer is a minor at most ``minor_years`` and never past their 18th birthday
    (ending on the birthday itself is allowed). A consent with no end exceeds any cap. Consents
    signed after the performer's death (by the estate or the union) are not capped by this law.
    """

    adult_years: int
    minor_years: int
    name: str = "term-within-legal-cap"

    def problems(
        self, consent: Consent, performer: Performer | None, strikes: StrikeCalendar = NO_STRIKES
    ) -> tuple[str, ...]:
        """See the class docstring."""
        if performer is None or performer.is_dead_on(consent.signed_on):
            return ()
        until = consent.valid_until
        if performer.is_minor_on(consent.signed_on):
            cap = min(
                _years_after(consent.signed_on, self.minor_years), performer.eighteenth_birthday()
            )
        else:
            cap = _years_after(consent.signed_on, self.adult_years)
        if until is None or until > cap:
            return (Problem.TERM_EXCEEDS_LEGAL_CAP.value,)
        return ()


@dataclass(frozen=True, slots=True)
class NotSignedDuringStrike:
    """``signed-during-strike`` (SPEC §7, the union rule sets): ``signed_on`` is a day that a
    strike against the producer of one of the consent's productions covers (no consent to
    replicas on a picket line; ``until``, the day work resumed, is not covered)."""

    name: str = "signed-during-strike"

    def problems(
        self, consent: Consent, performer: Performer | None, strikes: StrikeCalendar = NO_STRIKES
    ) -> tuple[str, ...]:
        """See the class docstring."""
        if strikes.struck(consent.productions, consent.signed_on):
            return (Problem.SIGNED_DURING_STRIKE.value,)
        return ()


#: the checks of SPEC §5 that every rule set runs, in the order codes are listed
BASE_VALIDITY_CHECKS: tuple[ValidityCheck, ...] = (
    SeparatelySigned(),
    NamedScope(),
    LimitedTerm(),
    SpecificDescription(),
    CompensationStated(),
)


def validity_problems(
    consent: Consent,
    performer: Performer | None,
    checks: tuple[ValidityCheck, ...],
    strikes: StrikeCalendar = NO_STRIKES,
) -> tuple[str, ...]:
    """Every problem code ``checks`` find in ``consent``, in check order.

    >>> from likeness.domain.consents import Consent
    >>> c = Consent("C2", "P2", dt.date(2024, 3, 2), False, ("*",), ("*",),
    ...             "use it for the rest of eternity on any project")
    >>> validity_problems(c, None, BASE_VALIDITY_CHECKS)
    ('not-separately-signed', 'blanket-scope', 'perpetual-term', 'no-compensation')
    """
    found: list[str] = []
    for check in checks:
        found.extend(check.problems(consent, performer, strikes))
    return tuple(found)
