"""The subscriber check: every production-year needs a domestic count on or before its first
day for each domestic territory (``missing-subscribers``, SPEC §6.1)."""

from __future__ import annotations

from collections.abc import Sequence

from likeness.compensation.residuals.compute import ProductionYear, SubscriberIndex
from likeness.compensation.residuals.settings import ResidualSettings
from likeness.compensation.residuals.validation._report import (
    SAMPLE_SIZE,
    Problem,
    Row,
    ValidationReport,
)


def subscribed_years(
    report: ValidationReport,
    years: Sequence[ProductionYear],
    index: SubscriberIndex,
    settings: ResidualSettings,
) -> list[ProductionYear]:
    """Report production-years lacking domestic subscribers; return the others."""
    bad: list[Row] = []
    kept: list[ProductionYear] = []
    for year in years:
        missing = index.missing(year.platform, settings.domestic_territories, year.start)
        total = sum(
            index.latest(year.platform, t, year.start) or 0 for t in settings.domestic_territories
        )
        if missing or total == 0:
            bad.append(
                {
                    "production": year.production,
                    "year": year.year,
                    "platform": year.platform,
                    "year_start": year.start.isoformat(),
                    "missing": ", ".join(missing) if missing else "all counts are 0",
                }
            )
        else:
            kept.append(year)
    if bad:
        report.problems.append(
            Problem(
                "missing-subscribers",
                "subscribers",
                len(bad),
                f"{len(bad)} production-year(s) without domestic subscribers "
                f"({', '.join(settings.domestic_territories)}) on or before the year's first day "
                "(expected a count with as_of on or before it for each domestic territory)",
                tuple(bad[:SAMPLE_SIZE]),
            )
        )
    return kept
