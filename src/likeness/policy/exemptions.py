"""The exemptions of SPEC §4.3 (requests that need no consent), as rule objects.

An exemption judges one kind of request once §4.1 has passed. Where it :meth:`~Exemption.applies`
it runs (a decision's ``ran`` names it) and its :meth:`~Exemption.failures` say what happens:

- ``()``: exempt, allowed with the exemption's code as the reason (:attr:`~Exemption.reasons`)
  and paid at :attr:`~Exemption.basis` (no pay line when None);
- codes: denied with them, listed as this check's failure;
- ``None``: not exempt, so the request needs consent like any other (§4.2).

Each exemption's name is the SPEC code it allows with. ``as-scripted-in-original-production``
also denies with ``no-creation-consent``; it keeps the name of the allowing code, which is what
it checks for. The exemptions run under every rule set (§7 adds none), registered once in
:data:`EXEMPTIONS` by the kind of request they judge.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from likeness.domain.consents import UseKind
from likeness.domain.decisions import PayBasis, Reason
from likeness.domain.replicas import ReplicaKind
from likeness.domain.requests import RequestKind
from likeness.policy.facts import ConsentFacts, RequestFacts
from likeness.policy.validity import StrikeCalendar, ValidityCheck

#: alteration purposes that need no consent when the result is substantially as scripted (§4.3)
EXEMPT_ALTERATION_PURPOSES = frozenset(
    {
        "cosmetic",
        "wardrobe",
        "noise-reduction",
        "timing",
        "continuity",
        "pitch-tone",
        "effects",
        "standards-and-practices",
        "ratings",
        "dialogue-adjustment",
    }
)

_AS_SCRIPTED = UseKind.AS_SCRIPTED.value
_CREATE = UseKind.CREATE
_EMPLOYMENT_BASED = ReplicaKind.EMPLOYMENT_BASED
_NO_CREATION_CONSENT = (Reason.NO_CREATION_CONSENT.value,)
_EXEMPT: tuple[str, ...] = ()


class ConsentIndex(StrikeCalendar, Protocol):
    """The consents an exemption may look at (the engine's :class:`~.index.WorldIndex`)."""

    def examined(self, replica: str | None, performer: str) -> Sequence[ConsentFacts]:
        """The consents naming ``replica`` (when given), then those naming ``performer``."""
        ...


class JudgedUnder(Protocol):
    """What of a rule set an exemption needs (a :class:`~.rulesets.RuleSet` has it)."""

    @property
    def id(self) -> str:
        """The rule set's id (SPEC §7)."""
        ...

    @property
    def validity_checks(self) -> tuple[ValidityCheck, ...]:
        """The §5 checks the rule set adds."""
        ...


class Exemption(Protocol):
    """A rule of §4.3: a request that needs no consent (see the module docstring)."""

    @property
    def name(self) -> str:
        """The SPEC code an exempt request is allowed with, and the check's name."""
        ...

    @property
    def reasons(self) -> tuple[str, ...]:
        """The reasons of an exempt decision (``(name,)``, built once)."""
        ...

    @property
    def basis(self) -> PayBasis | None:
        """The §6 floor an exempt request is paid at; None: no pay line."""
        ...

    def applies(self, facts: RequestFacts) -> bool:
        """Whether this exemption judges the request (it then shows as run)."""
        ...

    def failures(
        self, facts: RequestFacts, rule_set: JudgedUnder, consents: ConsentIndex
    ) -> tuple[str, ...] | None:
        """``()`` exempt, codes to deny with, or None: not exempt, consent needed."""
        ...


@dataclass(frozen=True, slots=True)
class AsScriptedInOriginalProduction:
    """``as-scripted-in-original-production``: an ``employment-based`` replica used
    ``as-scripted`` in the production it was made in, with a consent to ``create`` it; without
    one, deny ``no-creation-consent``.

    The consent to create must be valid (§5, under the request's rule set), given with
    authority, cover ``create`` and name the replica, or the performer and that production. An
    ``as-scripted`` use anywhere else is not judged here: it needs consent like any use.
    """

    name: str = Reason.AS_SCRIPTED_IN_ORIGINAL_PRODUCTION.value
    reasons: tuple[str, ...] = (Reason.AS_SCRIPTED_IN_ORIGINAL_PRODUCTION.value,)
    basis: PayBasis | None = PayBasis.ORIGINAL_PRODUCTION

    def applies(self, facts: RequestFacts) -> bool:
        """An ``as-scripted`` use of an employment-based replica in its ``made_in`` production."""
        replica = facts.replica
        return (
            facts.request.use == _AS_SCRIPTED
            and replica is not None
            and replica.kind is _EMPLOYMENT_BASED
            and replica.made_in == facts.request.production
        )

    def failures(
        self, facts: RequestFacts, rule_set: JudgedUnder, consents: ConsentIndex
    ) -> tuple[str, ...] | None:
        """Exempt with a consent to create the replica, else ``no-creation-consent``."""
        replica = facts.replica
        performer = facts.performer
        assert replica is not None and performer is not None  # §4.1 found them
        for found in consents.examined(replica.id, performer.id):
            consent = found.consent
            if (
                not found.authorized
                or not consent.covers_use(_CREATE)
                or found.problems_under(rule_set.id, rule_set.validity_checks, consents)
            ):
                continue
            if consent.replica == replica.id or (
                consent.performer == performer.id
                and replica.made_in is not None
                and consent.covers_production(replica.made_in)
            ):
                return _EXEMPT
        return _NO_CREATION_CONSENT


@dataclass(frozen=True, slots=True)
class AlterationExempt:
    """``alteration-exempt``: an ``alteration`` for one of :data:`EXEMPT_ALTERATION_PURPOSES`
    whose result the request states is substantially as scripted, performed or recorded.

    Any other alteration needs consent like a use. An exempt one is part of work already paid,
    so it has no pay line (SPEC §6).
    """

    name: str = Reason.ALTERATION_EXEMPT.value
    reasons: tuple[str, ...] = (Reason.ALTERATION_EXEMPT.value,)
    basis: PayBasis | None = None

    def applies(self, facts: RequestFacts) -> bool:
        """Every alteration is judged (and shows this check as run)."""
        return True

    def failures(
        self, facts: RequestFacts, rule_set: JudgedUnder, consents: ConsentIndex
    ) -> tuple[str, ...] | None:
        """Exempt, or None: the alteration needs consent (it never denies by itself)."""
        request = facts.request
        if request.purpose in EXEMPT_ALTERATION_PURPOSES and request.substantially_as_scripted:
            return _EXEMPT
        return None


#: the exemption that judges each kind of request (SPEC §4.3), under every rule set
EXEMPTIONS: dict[RequestKind, Exemption] = {
    RequestKind.USE: AsScriptedInOriginalProduction(),
    RequestKind.ALTERATION: AlterationExempt(),
}
