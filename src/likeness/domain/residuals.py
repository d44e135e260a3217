"""Stored residual runs and their lines (SPEC §6.1): what a run recorded, and each performer's
fixed residual and bonus share for a production year."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class ResidualRun:
    """A recorded residual run: where its input came from and its totals."""

    rule_set: str
    engine: str
    source: str
    viewership_rows: int
    production_years: int
    problems: int
    total_fixed: Decimal
    total_bonus: Decimal
    total_fund: Decimal
    result_sha256: str
    recorded_at: str


@dataclass(frozen=True, slots=True)
class ResidualLine:
    """One stored residual line: a performer's fixed residual and bonus share for a year."""

    run_id: int
    production: str
    year: int
    performer: str
    fixed_residual: Decimal
    bonus: Decimal
