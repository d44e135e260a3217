"""Rule sets (SPEC §7) as data: ``rulesets/<id>/ruleset.yaml`` names the optional checks.

A ruleset file lists

- ``checks``: optional request rules by reason code (``strike-in-effect``, ``no-business-reason``,
  ``minor-protected-use``, ``synthetic-needs-justification``), added to the base rules of §4;
- ``validity``: optional consent validity checks by problem code (``term-exceeds-legal-cap``);
- ``term_cap``: the numbers of the legal term cap, when ``validity`` names it.

Adding a rule set is adding a folder with ``ruleset.yaml`` and ``rates.yaml``; a check that no
rule set had before is one new class in :mod:`likeness.policy.rules` or
:mod:`likeness.policy.validity`, registered by its code.

>>> load_rule_set("sag-aftra-tv-theatrical-2026").adds("strike-in-effect")
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from likeness.domain.decisions import Problem
from likeness.errors import InvalidInputError
from likeness.policy.rules import (
    BASE_REQUEST_RULES,
    OPTIONAL_RULES,
    REQUEST_RULE_ORDER,
    SYNTHETIC_STAGE,
    AllOf,
    RequestFacts,
    RequestRule,
)
from likeness.policy.validity import TermWithinLegalCap, ValidityCheck
from likeness.rulesets import read_data_file

#: every rule set this installation ships (SPEC §7)


@dataclass(frozen=True, slots=True)
class RuleSet:
    """The rules of one agreement: §4.1 request rules, synthetic rules, extra validity checks."""

    id: str
    title: str
    optional: frozenset[str]
    request_rules: AllOf[RequestFacts]
    synthetic_rules: tuple[RequestRule, ...]
    validity_checks: tuple[ValidityCheck, ...]

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
    raise InvalidInputError(
        f"{source}: validity {code!r} (expected one of {Problem.TERM_EXCEEDS_LEGAL_CAP.value})"
    )


def parse_rule_set(spec: Mapping[str, Any], source: str) -> RuleSet:
    """Build a :class:`RuleSet` from a loaded ``ruleset.yaml``; unknown codes are errors."""
    checks = [str(code) for code in spec.get("checks") or []]
    unknown = [code for code in checks if code not in OPTIONAL_RULES]
    if unknown:
        raise InvalidInputError(
            f"{source}: checks {unknown} (expected any of {sorted(OPTIONAL_RULES)})"
        )
    request_rules = [*BASE_REQUEST_RULES]
    request_rules += [OPTIONAL_RULES[c] for c in checks if c not in SYNTHETIC_STAGE]
    request_rules.sort(key=lambda rule: REQUEST_RULE_ORDER.index(rule.name))
    synthetic = tuple(OPTIONAL_RULES[c] for c in checks if c in SYNTHETIC_STAGE)
    validity = tuple(
        _validity_check(str(code), spec, source) for code in spec.get("validity") or []
    )
    return RuleSet(
        id=str(spec["id"]),
        title=str(spec.get("title", spec["id"])),
        optional=frozenset(checks) | frozenset(str(c) for c in spec.get("validity") or []),
        request_rules=AllOf(tuple(request_rules)),
        synthetic_rules=synthetic,
        validity_checks=validity,
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
