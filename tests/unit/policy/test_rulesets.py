"""Rule sets are data: a new agreement is a ruleset.yaml naming checks, not new code."""

from __future__ import annotations

import pytest

from likeness.domain.decisions import ObligationKind, Reason
from likeness.errors import InvalidInputError
from likeness.policy.consent_rules import CONSENT_RULES, OPTIONAL_CONSENT_RULES
from likeness.policy.exemptions import EXEMPTIONS
from likeness.policy.obligations import BASE_OBLIGATION_RULES, OPTIONAL_OBLIGATION_RULES
from likeness.policy.rules import BASE_REQUEST_RULES, OPTIONAL_RULES
from likeness.policy.rulesets import load_rule_set, parse_rule_set
from likeness.policy.synthetic import OPTIONAL_SYNTHETIC_RULES, RESEMBLANCE
from likeness.rulesets import RULE_SET_IDS


@pytest.mark.parametrize("rule_set", RULE_SET_IDS)
def test_every_packaged_rule_set_loads_with_the_base_rules_first(rule_set):
    loaded = load_rule_set(rule_set)
    assert loaded.id == rule_set
    assert loaded.request_rules.names[:2] == ("producer-not-authorized", "ids-known")


def test_the_spec_table_of_section_7_is_what_the_data_files_say():
    adds = {r: sorted(load_rule_set(r).optional) for r in RULE_SET_IDS}
    assert adds == {
        "sag-aftra-tv-theatrical-2023": ["label-ai-output", "signed-during-strike"],
        "sag-aftra-tv-theatrical-2026": [
            "label-ai-output",
            "minor-protected-use",
            "no-business-reason",
            "signed-during-strike",
            "strike-in-effect",
            "synthetic-needs-justification",
            "union-bargain",
        ],
        "sag-aftra-interactive-2025": [
            "consent-suspended",
            "label-ai-output",
            "minor-protected-use",
            "signed-during-strike",
        ],
        "no-union": ["label-ai-output", "minor-protected-use", "term-exceeds-legal-cap"],
    }


def test_optional_consent_checks_and_obligations_run_in_spec_order():
    future = parse_rule_set(
        {
            "id": "x",
            "checks": ["consent-suspended"],
            "obligations": ["label-ai-output", "union-bargain"],
        },
        "x",
    )
    names = future.consent_rules.names
    assert names.index("consent-in-force") < names.index("consent-suspended")
    assert names.index("consent-suspended") < names.index("consent-covers")
    assert [rule.name for rule in future.obligation_rules] == [
        "residuals-as-if-performed",
        "notify-union",
        "union-bargain",
        "label-ai-output",
    ]


def test_an_unknown_obligation_is_refused_naming_what_exists():
    with pytest.raises(InvalidInputError, match=r"obligations \['pay-twice'\] \(expected any of"):
        parse_rule_set({"id": "x", "obligations": ["pay-twice"]}, "x")


def test_a_future_agreement_is_a_data_file_whose_checks_run_in_spec_order():
    future = parse_rule_set(
        {"id": "sag-aftra-2030", "checks": ["no-business-reason", "strike-in-effect"]}, "x"
    )
    assert future.request_rules.names == (
        "producer-not-authorized",
        "ids-known",
        "strike-in-effect",
        "background-count-substitution",
        "scan-notice-late",
        "no-business-reason",
    )


def test_an_unknown_check_is_refused_naming_what_exists():
    with pytest.raises(InvalidInputError, match=r"checks \['no-fakes'\] \(expected any of"):
        parse_rule_set({"id": "x", "checks": ["no-fakes"]}, "x")


def test_a_term_cap_without_its_numbers_is_refused():
    with pytest.raises(InvalidInputError, match="term_cap missing"):
        parse_rule_set({"id": "x", "validity": ["term-exceeds-legal-cap"]}, "x")


def test_an_unknown_rule_set_says_which_exist():
    with pytest.raises(InvalidInputError, match=r"not known \(expected one of"):
        load_rule_set("sag-aftra-commercials-2099")


def test_every_rule_is_named_by_its_spec_code_unless_it_gives_several():
    # the rules keeping a descriptive id, as their modules' docstrings say
    several_codes = {"ids-known", "consent-valid", "consent-in-force", "consent-covers"}
    rules = [
        *BASE_REQUEST_RULES,
        *OPTIONAL_RULES.values(),
        *EXEMPTIONS.values(),
        *CONSENT_RULES.rules,
        *OPTIONAL_CONSENT_RULES.values(),
        *OPTIONAL_SYNTHETIC_RULES.values(),
        RESEMBLANCE,
        *BASE_OBLIGATION_RULES,
        *OPTIONAL_OBLIGATION_RULES.values(),
    ]
    codes = {str(code) for code in (*Reason, *ObligationKind)}
    names = [rule.name for rule in rules]
    assert len(names) == len(set(names))
    assert [name for name in names if name not in codes] == sorted(several_codes, key=names.index)


def test_optional_rules_are_registered_under_their_own_names():
    registries = (OPTIONAL_RULES, OPTIONAL_CONSENT_RULES, OPTIONAL_SYNTHETIC_RULES)
    for registry in (*registries, OPTIONAL_OBLIGATION_RULES):
        assert all(code == rule.name for code, rule in registry.items())
