"""Rule sets (SPEC §7) as data: ``rulesets/<id>/ruleset.yaml`` names the optional checks.

A ruleset file lists

- ``checks``: optional rules by reason code (each rule's name), added to the base rules of §4:
  request rules (``strike-in-effect``, ``no-business-reason``, ``minor-protected-use``), synthetic
  rules (``synthetic-needs-justification``) and consent rules (``consent-suspended``);
- ``validity``: optional consent validity checks by problem code (``term-exceeds-legal-cap``,
  ``signed-during-strike``);
- ``term_cap``: the numbers of the legal term cap, when ``validity`` names it;
- ``obligations``: optional obligations of §4.5 by code (``union-bargain``, ``label-ai-output``).

Adding a rule set is adding a folder with ``ruleset.yaml`` and ``rates.yaml``; a check that no
rule set had before is one new class in :mod:`likeness.policy.rules`,
:mod:`likeness.policy.synthetic`, :mod:`likeness.policy.consent_rules`,
:mod:`likeness.policy.validity` or :mod:`likeness.policy.obligations`, registered there once by
its code. The exemptions of §4.3 (:mod:`likeness.policy.exemptions`) and the resemblance rule of
§4.4 run under every rule set.

>>> load_rule_set("sag-aftra-tv-theatrical-2026").adds("strike-in-effect")
True
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from likeness.domain.decisions import Obligation, Problem
from likeness.errors import InvalidInputError
from likeness.policy.combinators import AllOf, AllOfConsent, ObligationRule, RequestRule
from likeness.policy.consent_rules import CONSENT_RULE_ORDER, CONSENT_RULES, OPTIONAL_CONSENT_RULES
from likeness.policy.facts import RequestFacts
from likeness.policy.obligations import (
    BASE_OBLIGATION_RULES,
    OBLIGATION_RULE_ORDER,
    OPTIONAL_OBLIGATION_RULES,
)
from likeness.policy.rules import BASE_REQUEST_RULES, OPTIONAL_RULES, REQUEST_RULE_ORDER
from likeness.policy.synthetic import OPTIONAL_SYNTHETIC_RULES, SYNTHETIC_RULE_ORDER
from likeness.policy.validity import NotSignedDuringStrike, TermWithinLegalCap, ValidityCheck
from likeness.rulesets import read_data_file


@dataclass(frozen=True, slots=True)
class RuleSet:
    """The rules of one agreement: §4.1 request rules, synthetic rules, §4.2 consent rules,
    extra validity checks (§5) and the obligations of an allowed decision (§4.5)."""

    id: str
    title: str
    optional: frozenset[str]
    request_rules: AllOf[RequestFacts]
    synthetic_rules: tuple[RequestRule, ...]
    validity_checks: tuple[ValidityCheck, ...]
    consent_rules: AllOfConsent = CONSENT_RULES
    obligation_rules: tuple[ObligationRule, ...] = BASE_OBLIGATION_RULES
    #: the obligation rules' bound methods, looked up once (they run on every allowed decision)
    obligation_checks: tuple[
        Callable[[RequestFacts, tuple[str, ...]], tuple[Obligation, ...]], ...
    ] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        checks = tuple(rule.obligations for rule in self.obligation_rules)
        object.__setattr__(self, "obligation_checks", checks)

    def adds(self, code: str) -> bool:
        """Whether this rule set adds the optional check ``code`` to the base rules."""
        return code in self.optional


def _validity_check(code: str, spec: Mapping[str, Any], source: str) -> ValidityCheck:
    if code == Problem.TERM_EXCEEDS_LEGAL_CAP.value:
        cap = spec.get("term_cap")
        if not isinstance(cap, Mapping):
            raise InvalidInputError(
                f"{source}: term_cap missing (expected {{adult_years: N, minor_years: N}})"
            )
        return TermWithinLegalCap(int(cap["adult_years"]), int(cap["minor_years"]))
    if code == Problem.SIGNED_DURING_STRIKE.value:
        return NotSignedDuringStrike()
    expected = f"{Problem.TERM_EXCEEDS_LEGAL_CAP.value}, {Problem.SIGNED_DURING_STRIKE.value}"
    raise InvalidInputError(f"{source}: validity {code!r} (expected one of {expected})")


def parse_rule_set(spec: Mapping[str, Any], source: str) -> RuleSet:
    """Build a :class:`RuleSet` from a loaded ``ruleset.yaml``; unknown codes are errors."""
    checks = [str(code) for code in spec.get("checks") or []]
    known_checks = {**OPTIONAL_RULES, **OPTIONAL_SYNTHETIC_RULES, **OPTIONAL_CONSENT_RULES}
    unknown = [code for code in checks if code not in known_checks]
    if unknown:
        raise InvalidInputError(
            f"{source}: checks {unknown} (expected any of {sorted(known_checks)})"
        )
    request_rules = [*BASE_REQUEST_RULES]
    request_rules += [OPTIONAL_RULES[c] for c in checks if c in OPTIONAL_RULES]
    request_rules.sort(key=lambda rule: REQUEST_RULE_ORDER.index(rule.name))
    synthetic = [OPTIONAL_SYNTHETIC_RULES[c] for c in checks if c in OPTIONAL_SYNTHETIC_RULES]
    synthetic.sort(key=lambda rule: SYNTHETIC_RULE_ORDER.index(rule.name))
    consent_rules = [*CONSENT_RULES.rules]
    consent_rules += [OPTIONAL_CONSENT_RULES[c] for c in checks if c in OPTIONAL_CONSENT_RULES]
    consent_rules.sort(key=lambda rule: CONSENT_RULE_ORDER.index(rule.name))
    validity_codes = [str(code) for code in spec.get("validity") or []]
    validity = tuple(_validity_check(code, spec, source) for code in validity_codes)
    obligation_codes = [str(code) for code in spec.get("obligations") or []]
    unknown = [code for code in obligation_codes if code not in OPTIONAL_OBLIGATION_RULES]
    if unknown:
        raise InvalidInputError(
            f"{source}: obligations {unknown} (expected any of {sorted(OPTIONAL_OBLIGATION_RULES)})"
        )
    obligations = [*BASE_OBLIGATION_RULES]
    obligations += [OPTIONAL_OBLIGATION_RULES[c] for c in obligation_codes]
    obligations.sort(key=lambda rule: OBLIGATION_RULE_ORDER.index(rule.name))
    return RuleSet(
        id=str(spec["id"]),
        title=str(spec.get("title", spec["id"])),
        optional=frozenset(checks) | frozenset(validity_codes) | frozenset(obligation_codes),
        request_rules=AllOf(tuple(request_rules)),
        synthetic_rules=tuple(synthetic),
        validity_checks=validity,
        consent_rules=AllOfConsent(tuple(consent_rules)),
        obligation_rules=tuple(obligations),
    )


@cache
def load_rule_set(rule_set: str) -> RuleSet:
    """Load ``rulesets/<rule_set>/ruleset.yaml`` shipped with the package (cached).

    Raises :class:`InvalidInputError` naming the rule set when there is no such folder.
    """
    source = f"rulesets/{rule_set}/ruleset.yaml"
    spec = read_data_file(rule_set, "ruleset.yaml")
    if spec.get("id") != rule_set:
        raise InvalidInputError(f"{source}: id is not {rule_set!r} (expected the folder name)")
    return parse_rule_set(spec, source)
