"""Rules as small objects behind Protocols, and how they combine (compare sigstore's
``verify/policy.py``).

Each rule returns the reason codes it fails with, an empty tuple when it passes. :class:`AllOf`
runs every child and collects the failures (so a deny lists *every* failing code); an empty
:class:`AllOf` is refused when built, because a policy without rules must not allow anything
(compare sigstore's ``AllOf``, which fails closed on no children). :func:`first_passing` is the
"any of these consents" combinator of §4.2. An :class:`ObligationRule` adds obligations to an
allowed decision (§4.5).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from likeness.domain.decisions import Check, Obligation
from likeness.policy.facts import Asked, ConsentFacts, RequestFacts

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


class ObligationRule(Protocol):
    """A rule of §4.5: the obligations it adds to an allowed decision (empty: none)."""

    @property
    def name(self) -> str:
        """The rule's name (its SPEC code)."""
        ...

    def obligations(self, facts: RequestFacts, reasons: tuple[str, ...]) -> tuple[Obligation, ...]:
        """What this rule obliges for the allowed request ``facts`` (allowed for ``reasons``)."""
        ...
