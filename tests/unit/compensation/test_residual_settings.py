"""Residual settings come from each rule set's residuals.yaml, with provenance (SPEC §6.1, §7)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from importlib import resources

import pytest
import yaml

from likeness.compensation.residuals.settings import load_settings, parse_settings
from likeness.errors import InvalidInputError

RULE_SETS = [
    "sag-aftra-tv-theatrical-2023",
    "sag-aftra-tv-theatrical-2026",
    "sag-aftra-interactive-2025",
    "no-union",
]


@pytest.mark.parametrize("rule_set", RULE_SETS)
def test_every_rule_set_has_residual_settings_with_the_spec_sample_values(rule_set):
    settings = load_settings(rule_set)
    assert settings.rule_set == rule_set
    assert settings.domestic_territories == ("US", "CA")
    assert settings.hours_rounding == Decimal("0.1")
    assert settings.window_days == 90
    assert settings.metric_threshold == Decimal("0.20")
    assert settings.bonus_eligible_premiere_from == dt.date(2024, 1, 1)
    assert settings.performer_share_percent == Decimal("75")
    assert [settings.tier_percent(n) for n in (0, 1_000_000, 20_000_000, 45_000_000)] == [
        Decimal("25"), Decimal("50"), Decimal("75"), Decimal("100")
    ]  # fmt: skip
    assert settings.year_percents == (Decimal("30"), Decimal("25"), Decimal("20"), Decimal("10"))


@pytest.mark.parametrize("rule_set", RULE_SETS)
def test_every_value_names_its_provenance(rule_set):
    text = (resources.files("likeness.rulesets") / rule_set / "residuals.yaml").read_text()
    data = yaml.safe_load(text)
    for key, entry in data.items():
        if key == "rule_set":
            continue
        assert entry["provenance"] in {"sourced", "derived", "sample"}, key


def test_an_unknown_rule_set_is_refused_naming_the_known_ones():
    with pytest.raises(InvalidInputError, match=r"rule set 'nope' .*expected one of .*no-union"):
        load_settings("nope")


def test_a_value_without_provenance_is_refused():
    text = (resources.files("likeness.rulesets") / "no-union" / "residuals.yaml").read_text()
    data = yaml.safe_load(text)
    del data["window_days"]["provenance"]
    with pytest.raises(InvalidInputError, match="window_days has provenance None"):
        parse_settings(data)


def test_a_tier_table_without_an_open_last_row_is_refused():
    text = (resources.files("likeness.rulesets") / "no-union" / "residuals.yaml").read_text()
    data = yaml.safe_load(text)
    data["tiers"]["rows"][-1]["below"] = 99
    with pytest.raises(InvalidInputError, match="tiers must end with a row whose below is null"):
        parse_settings(data)
