"""Recording uses (issue 4): decide, then store the use, its pay lines and their ledger entries.

``record_use`` is idempotent on the producer's key: the same key again returns the first answer
and stores nothing new; the same key with a different request is a conflict. A denied request
stores only its decision (and the decision's ledger entry), and says why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from likeness.domain.principals import Principal, Role
from likeness.domain.requests import Request
from likeness.domain.uses import UseRecord, pay_lines_of
from likeness.errors import ConflictError
from likeness.interchange.decisions import decision_to_json
from likeness.interchange.documents import to_jsonable
from likeness.interchange.parsing import parse_request
from likeness.interchange.records import checked_key
from likeness.services.access import Action, RecordKind, require
from likeness.services.collaborators import Collaborators
from likeness.services.decisions import decide_request, request_record
from likeness.services.notices import use_notices
from likeness.services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class RecordedUse:
    """What ``record_use`` answers: the stored record and whether it was already there."""

    record: UseRecord
    replayed: bool


def request_document(document: Mapping[str, Any]) -> dict[str, Any]:
    """The request as stored and compared: JSON-able, without any scenario ``expect``."""
    return {k: v for k, v in to_jsonable(dict(document)).items() if k != "expect"}


def scoped_key(principal: Principal, key: str) -> str:
    """The key as stored: a producer's keys are its own (``S1/KEY``), so that one producer's
    key never collides with, or reveals, another's; the operator's and union's stay as given."""
    if principal.role is Role.PRODUCER:
        return f"{principal.party}/{key}"
    return key


def _subject_performer(uow: UnitOfWork, request: Request) -> str | None:
    if request.replica is not None:
        replica = uow.replicas.get(request.replica)
        if replica is not None:
            return replica.performer
    return request.performer or request.resembles


def _same_or_conflict(key: str, stored: UseRecord, document: dict[str, Any]) -> RecordedUse:
    if stored.document != document:
        raise ConflictError(
            f"idempotency key {key!r} was used for request {stored.request.id} on "
            f"{stored.recorded_at:%Y-%m-%d %H:%M:%S} UTC with other content "
            "(expected the same request again, or a new key for a new request)"
        )
    return RecordedUse(stored, replayed=True)


def record_use(
    uow: UnitOfWork,
    principal: Principal,
    document: Mapping[str, Any],
    key: str,
    *,
    deps: Collaborators,
    now: Callable[[], dt.datetime] | None = None,
) -> RecordedUse:
    """Decide the request in ``document`` (SPEC §4) and record the outcome under ``key``.

    Allowed: stores the decision, the use and its pay lines, with a ledger entry for each, in
    one transaction. Denied: stores the decision and its ledger entry only. The clock gives the
    time of recording only; the decision depends on the request's date, never on it.

    Raises :class:`ConflictError` when ``key`` was used for a different request, and
    :class:`~likeness.errors.RecordInvalidError` for a malformed request.
    """
    checked_key("idempotency key", key)
    key = scoped_key(principal, key)
    normalized = request_document(document)
    stored = uow.uses.get(key)
    if stored is not None:
        return _same_or_conflict(key, stored, normalized)
    request, _ = parse_request(normalized, "request")
    require(
        principal,
        Action.RECORD_USE,
        request_record(uow, request, RecordKind.USE),
        f"production {request.production!r} does not exist",
    )
    decision = decide_request(uow, principal, request, deps=deps)
    performer = _subject_performer(uow, request)
    lines = pay_lines_of(request, decision, performer) if decision.allowed else ()
    record = UseRecord(key, request, normalized, decision, (now or deps.clock)(), None, lines)
    try:
        record = uow.uses.add(record, performer)
    except ConflictError:
        # another process recorded the same key between our read and our write
        uow.rollback()
        stored = uow.uses.get(key)
        if stored is None:
            raise
        return _same_or_conflict(key, stored, normalized)
    actor = principal.actor
    uow.ledger.append(
        "use-decision",
        actor,
        {"key": key, "request": normalized, "decision": decision_to_json(decision)},
    )
    if decision.allowed:
        use_index = uow.ledger.append(
            "use-recorded",
            actor,
            to_jsonable(
                {
                    "key": key,
                    "use": record.use_id,
                    "request": request.id,
                    "kind": str(request.kind),
                    "producer": request.producer,
                    "production": request.production,
                    "replica": request.replica,
                    "performer": performer,
                    "use_kind": str(request.use),
                    "date": request.date,
                    "days": request.days,
                    "consent": decision.consent,
                }
            ),
        )
        uow.uses.set_ledger_index(record.use_id or 0, use_index)
        indexed = []
        for line in record.pay_lines:
            index = uow.ledger.append(
                "pay-line",
                actor,
                to_jsonable(
                    {
                        "line": line.id,
                        "use": record.use_id,
                        "kind": str(line.kind),
                        "performer": line.performer,
                        "production": line.production,
                        "date": line.date,
                        "amount": line.amount,
                        "currency": line.currency,
                        "basis": line.basis,
                        "rule": line.rule,
                        "rate_row": line.rate_row,
                    }
                ),
            )
            uow.payments.set_ledger_index([line.id or 0], index)
            indexed.append(replace(line, ledger_index=index))
        record = replace(record, pay_lines=tuple(indexed), ledger_index=use_index)
        use_notices(uow, record, performer)
    uow.commit()
    return RecordedUse(record, replayed=False)
