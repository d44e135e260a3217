"""Matches and findings (SPEC §13) as JSON, the same in the CLI and the API."""

from __future__ import annotations

from typing import Any

from likeness.domain.findings import Finding, Match, format_time


def match_json(match: Match) -> dict[str, Any]:
    """One match: where, whom, how close, and whether a recorded use covers it."""
    return {
        "file": match.file,
        "sha256": match.sha256,
        "time_s": round(match.time_s, 3),
        "time": format_time(match.time_s),
        "medium": match.medium.value,
        "performer": match.performer,
        "replica": match.replica,
        "score": round(match.score, 4),
        "measure": match.measure,
        "threshold": match.threshold,
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
        "time_s": finding.time_s,
        "time": format_time(finding.time_s),
        "score": finding.score,
        "reason": finding.reason,
        "found_at": finding.found_at,
        "found_by": finding.found_by,
        "ledger_index": finding.ledger_index,
    }
