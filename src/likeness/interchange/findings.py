"""Matches and findings (SPEC §13) as JSON, the same in the CLI and the API.

Times and scores are exact decimals (rounded to the millisecond and to 4 places), as every
number in a Likeness document is: never a binary float."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from likeness.domain.findings import Finding, Match, format_time


def match_json(match: Match) -> dict[str, Any]:
    """One match: where, whom, how close, and whether a recorded use covers it."""
    return {
        "file": match.file,
        "sha256": match.sha256,
        "time_s": _exact(match.time_s, 3),
        "time": format_time(match.time_s),
        "medium": match.medium.value,
        "performer": match.performer,
        "replica": match.replica,
        "score": _exact(match.score, 4),
        "measure": match.measure,
        "threshold": _exact(match.threshold, 4),
        "covered": match.coverage.covered,
        "reason": match.coverage.reason,
        "use": match.coverage.use,
        "covered_by": match.coverage.via,
    }


def finding_json(finding: Finding) -> dict[str, Any]:
    """One stored finding."""
    return {
        "id": finding.id,
        "file": finding.file,
        "sha256": finding.sha256,
        "medium": finding.medium.value,
        "performer": finding.performer,
        "replica": finding.replica,
        "time_s": _exact(finding.time_s, 3),
        "time": format_time(finding.time_s),
        "score": _exact(finding.score, 4),
        "reason": finding.reason,
        "source": finding.source,
        "found_at": finding.found_at,
        "found_by": finding.found_by,
        "ledger_index": finding.ledger_index,
    }


def _exact(value: float, places: int) -> Decimal:
    """``value`` rounded to ``places`` as a decimal.

    >>> _exact(0.28417174, 4), _exact(2.0, 3)
    (Decimal('0.2842'), Decimal('2.000'))
    """
    return Decimal(f"{value:.{places}f}")
