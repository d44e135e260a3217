"""Whether a match is licensed, and what happens when it is not (SPEC §13).

A match of performer P's replica in a file is *covered* when the file carries a valid Likeness
C2PA manifest of a recorded use of one of P's replicas, or when the file's SHA-256 is
registered as the output of such a use. Otherwise it is a *finding*: stored once per file
content, replica and medium, written to the ledger (``finding-recorded``) and told to the
performer (their representatives read it too) and the union as a ``finding`` notice with a
takedown notice draft.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from likeness.domain.findings import Coverage, Finding, Match, format_time
from likeness.domain.principals import Principal
from likeness.errors import InvalidInputError, NotFoundError
from likeness.services.access import Action, Record, RecordKind, performers_seen, require
from likeness.services.detection_ports import Credential
from likeness.services.notices import finding_notices
from likeness.services.pages import MAX_LIMIT, Page
from likeness.services.records import acts_for
from likeness.services.unit_of_work import UnitOfWork


def _performer_of_use(uow: UnitOfWork, use_id: int) -> tuple[str | None, str | None]:
    """The replica of a recorded use and the performer it is of (None when no such use)."""
    record = uow.uses.use(use_id)
    if record is None or record.use_id is None or record.request.replica is None:
        return None, None
    replica = uow.replicas.get(record.request.replica)
    return record.request.replica, (replica.performer if replica is not None else None)


def coverage(uow: UnitOfWork, sha256: str, credential: Credential, performer: str) -> Coverage:
    """Whether ``performer``'s likeness in the file (its SHA-256 and checked credential) is
    covered by a recorded use, and how (its manifest first, then its registered digest); or
    why not."""
    manifest = _by_manifest(uow, credential, performer)
    if manifest is not None and manifest.covered:
        return manifest
    for use_id in uow.detection.uses_with_output(sha256):
        _, whose = _performer_of_use(uow, use_id)
        if whose == performer:
            return Coverage(True, f"registered as an output of use {use_id}", use_id, "output")
    if manifest is not None:
        return manifest
    return Coverage(
        False,
        "it carries no Likeness credential and its SHA-256 is not registered as the output of"
        " a recorded use",
    )


def _by_manifest(uow: UnitOfWork, credential: Credential, performer: str) -> Coverage | None:
    """What the file's C2PA credential says for ``performer`` (None: it carries none)."""
    if credential.state == "invalid":
        why = "; ".join(credential.problems) or "it does not validate"
        return Coverage(False, f"its C2PA credential is invalid: {why}")
    if credential.state != "valid":
        return None
    claimed = credential.use.get("use")
    if not isinstance(claimed, int):
        return Coverage(False, "its C2PA credential names no use")
    replica, whose = _performer_of_use(uow, claimed)
    if replica is None:
        return Coverage(False, f"its C2PA credential names use {claimed}, not recorded here")
    if credential.use.get("replica") != replica:
        return Coverage(
            False,
            f"its C2PA credential names replica {credential.use.get('replica')!r} for use"
            f" {claimed}, which is of replica {replica}",
        )
    if whose != performer:
        return Coverage(
            False, f"its C2PA credential names use {claimed}, of another performer's replica"
        )
    return Coverage(True, f"its C2PA credential names use {claimed}", claimed, "manifest")


def takedown_draft(finding: Finding, performer_name: str) -> str:
    """A takedown notice, ready to be completed and sent to whoever hosts the file."""
    where = finding.source or finding.file
    return (
        "TAKEDOWN NOTICE (draft)\n"
        f"Re: {where}\n\n"
        f"This file depicts {performer_name} (performer {finding.performer}): the"
        f" {finding.medium.value} at {format_time(finding.time_s)} matches their digital"
        f" replica {finding.replica} registered with Likeness.\n"
        f"File: {finding.file}\nSHA-256: {finding.sha256}\n"
        f"Where it was found: {where}\n"
        f"Found on {finding.found_at:%Y-%m-%d %H:%M} UTC by {finding.found_by}.\n\n"
        f"No consent covers this use of their likeness: {finding.reason}.\n"
        "We ask that you remove the file or disable access to it, keep a record of who"
        " supplied it, and reply to the performer or their union.\n"
    )


def record_finding(
    uow: UnitOfWork,
    principal: Principal,
    match: Match,
    at: dt.datetime,
    source: str | None = None,
) -> tuple[Finding, bool]:
    """Store an uncovered match as a finding with its ledger entry and notices (in the
    caller's transaction). The same file content, replica and medium again is the finding
    already stored (False), with no new notice."""
    seen = uow.detection.seen(match.sha256, match.replica, match.medium)
    if seen is not None:
        return seen, False
    finding = Finding(
        file=match.file,
        sha256=match.sha256,
        medium=match.medium,
        performer=match.performer,
        replica=match.replica,
        time_s=round(match.time_s, 3),
        score=round(match.score, 4),
        reason=match.coverage.reason,
        found_at=at,
        found_by=principal.actor,
        source=source,
    )
    finding_id = uow.detection.add_finding(finding)
    index = uow.ledger.append(
        "finding-recorded",
        principal.actor,
        {
            "id": finding_id,
            "file": finding.file,
            "sha256": finding.sha256,
            "medium": finding.medium.value,
            "performer": finding.performer,
            "replica": finding.replica,
            "time_ms": round(finding.time_s * 1000),
            "score": str(finding.score),
            "reason": finding.reason,
            "source": source,
        },
    )
    uow.detection.set_finding_ledger_index(finding_id, index)
    finding = replace(finding, id=finding_id, ledger_index=index)
    performer = uow.performers.get(finding.performer)
    name = performer.name if performer is not None else finding.performer
    finding_notices(uow, finding, name, takedown_draft(finding, name), source)
    return finding, True


def _missing(finding_id: int) -> str:
    return f"finding {finding_id} does not exist"


def finding_record(finding: Finding) -> Record:
    """What access to a finding depends on: the performer it is about."""
    return Record(RecordKind.FINDING, str(finding.id), frozenset({finding.performer}))


def get_finding(uow: UnitOfWork, principal: Principal, finding_id: int) -> Finding:
    """One finding, if ``principal`` may see it (the performer, their representatives, the
    union, the operator); else not found, exactly as a missing one."""
    finding = uow.detection.finding(finding_id)
    if finding is None:
        raise NotFoundError(_missing(finding_id))
    whom = acts_for(uow, principal)
    require(principal, Action.SEE, finding_record(finding), _missing(finding_id), acts_for=whom)
    return finding


def draft_for(uow: UnitOfWork, principal: Principal, finding_id: int) -> tuple[Finding, str]:
    """A finding ``principal`` may see and its takedown notice draft."""
    finding = get_finding(uow, principal, finding_id)
    performer = uow.performers.get(finding.performer)
    name = performer.name if performer is not None else finding.performer
    return finding, takedown_draft(finding, name)


def list_findings(
    uow: UnitOfWork,
    principal: Principal,
    *,
    limit: int = 100,
    offset: int = 0,
    performer: str | None = None,
) -> Page[Finding]:
    """The findings ``principal`` may see (about ``performer`` only, when given), newest
    first."""
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInputError(f"limit {limit} is out of range (expected 1 to {MAX_LIMIT})")
    if offset < 0:
        raise InvalidInputError(f"offset {offset} is negative (expected 0 or more)")
    performers = performers_seen(principal, acts_for(uow, principal))
    if performer is not None:
        performers = frozenset({performer}) if performers is None else performers & {performer}
    items, total = uow.detection.findings(performers, limit=limit, offset=offset)
    return Page(items, total, limit, offset)
