"""Settings of the streaming residuals (SPEC §6.1), loaded from ``rulesets/<id>/residuals.yaml``.

Every number the residual rules use (domestic territories, hour rounding, window, thresholds,
tier and year tables, the performers' share) is data in the rule set's file, so it can be edited
without touching code. Each value in the file names its provenance (sourced, derived, sample).

Example::

    settings = load_settings("sag-aftra-tv-theatrical-2023")
    settings.tier_percent(32_000_000)   # Decimal('75')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from likeness.errors import InvalidInputError
from likeness.rulesets import read_data_file

#: the Spark master of a run unless told otherwise: local mode on two cores
DEFAULT_SPARK_MASTER = "local[2]"

PROVENANCES = frozenset({"sourced", "derived", "sample"})


@dataclass(frozen=True, slots=True)
class Tier:
    """Fixed-residual percent for years whose domestic subscribers are below ``below``."""

    below: int | None  # None: no upper bound (the last row)
    percent: Decimal


@dataclass(frozen=True, slots=True)
class ResidualSettings:
    """The residual rules of one rule set; see ``residuals.yaml`` for what each value means."""

    rule_set: str
    domestic_territories: tuple[str, ...]
    hours_rounding: Decimal
    window_days: int
    metric_threshold: Decimal
    bonus_eligible_premiere_from: dt.date
    bonus_percent: Decimal
    performer_share_percent: Decimal
    tiers: tuple[Tier, ...]
    year_percents: tuple[Decimal, ...]  # index 0 is year 1; the last applies to later years

    def __post_init__(self) -> None:
        if not self.domestic_territories:
            raise InvalidInputError(f"{self.rule_set}: domestic_territories is empty")
        if not self.tiers or self.tiers[-1].below is not None:
            raise InvalidInputError(
                f"{self.rule_set}: tiers must end with a row whose below is null"
            )
        bounds = [tier.below for tier in self.tiers[:-1]]
        if any(b is None for b in bounds) or bounds != sorted(bounds):  # type: ignore[type-var]
            raise InvalidInputError(f"{self.rule_set}: tier bounds {bounds} must increase")
        if not self.year_percents:
            raise InvalidInputError(f"{self.rule_set}: the years table is empty")
        if self.window_days < 1:
            raise InvalidInputError(f"{self.rule_set}: window_days {self.window_days} < 1")

    def tier_percent(self, subscribers: int) -> Decimal:
        """The tier percent for a year with ``subscribers`` domestic subscribers."""
        for tier in self.tiers:
            if tier.below is None or subscribers < tier.below:
                return tier.percent
        raise AssertionError("unreachable: the last tier has no bound")  # pragma: no cover

    def year_percent(self, year: int) -> Decimal:
        """The year percent for exhibition year ``year`` (1-based)."""
        if year < 1:
            raise InvalidInputError(f"exhibition year {year} (expected 1 or later)")
        return self.year_percents[min(year, len(self.year_percents)) - 1]


def load_settings(rule_set: str) -> ResidualSettings:
    """Load the residual settings of ``rule_set`` (a SPEC §7 id).

    :raises InvalidInputError: when the rule set does not exist or its file is malformed.
    """
    data = read_data_file(rule_set, "residuals.yaml")
    try:
        return parse_settings(data)
    except (KeyError, TypeError, ValueError, InvalidOperation) as exc:
        raise InvalidInputError(f"{rule_set}/residuals.yaml is malformed: {exc!r}") from exc


def parse_settings(data: Mapping[str, Any]) -> ResidualSettings:
    """Build settings from the parsed YAML document (see :func:`load_settings`)."""
    name = str(data["rule_set"])

    def value(key: str) -> Any:
        entry = data[key]
        _check_provenance(name, key, entry)
        return entry["value"]

    tiers = data["tiers"]
    years = data["years"]
    _check_provenance(name, "tiers", tiers)
    _check_provenance(name, "years", years)
    year_rows = sorted(years["rows"], key=lambda row: int(row["year"]))
    if [int(row["year"]) for row in year_rows] != list(range(1, len(year_rows) + 1)):
        raise InvalidInputError(f"{name}: years must be 1, 2, 3 ... without gaps")
    premiere_from = value("bonus_eligible_premiere_from")
    return ResidualSettings(
        rule_set=name,
        domestic_territories=tuple(str(t) for t in value("domestic_territories")),
        hours_rounding=Decimal(str(value("hours_rounding"))),
        window_days=int(value("window_days")),
        metric_threshold=Decimal(str(value("metric_threshold"))),
        bonus_eligible_premiere_from=(
            premiere_from
            if isinstance(premiere_from, dt.date)
            else dt.date.fromisoformat(str(premiere_from))
        ),
        bonus_percent=Decimal(str(value("bonus_percent"))),
        performer_share_percent=Decimal(str(value("performer_share_percent"))),
        tiers=tuple(
            Tier(
                below=None if row["below"] is None else int(row["below"]),
                percent=Decimal(str(row["percent"])),
            )
            for row in tiers["rows"]
        ),
        year_percents=tuple(Decimal(str(row["percent"])) for row in year_rows),
    )


def _check_provenance(rule_set: str, key: str, entry: Mapping[str, Any]) -> None:
    provenance = entry.get("provenance")
    if provenance not in PROVENANCES:
        raise InvalidInputError(
            f"{rule_set}/residuals.yaml: {key} has provenance {provenance!r} "
            f"(expected one of {', '.join(sorted(PROVENANCES))})"
        )
