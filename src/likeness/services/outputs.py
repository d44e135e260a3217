"""The outputs of recorded uses (SPEC §13): ``likeness use credential USE FILE OUT`` signs an
output with a C2PA manifest naming the use, its decision and the ledger index, marked as made
by AI (SPEC §4.5 ``label-ai-output``); ``likeness use output USE FILE`` registers a file's
SHA-256 as an output without signing it. Either way a match of the use's performer in that
file is covered.

Only whoever may record the use (its production's producer, the operator) does either. The
signed file is written first, outside the transaction; if the registration then fails, it is
removed, so the two land together or not at all.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from likeness.domain.principals import Principal
from likeness.domain.uses import UseRecord
from likeness.errors import InvalidInputError
from likeness.services.access import Action, RecordKind, require
from likeness.services.assets import sha256_of
from likeness.services.decisions import request_record
from likeness.services.detection_ports import OutputSigner
from likeness.services.records import acts_for
from likeness.services.unit_of_work import UnitOfWork
from likeness.services.use_queries import get_use


@dataclass(frozen=True, slots=True)
class RegisteredOutput:
    """An output registered for a use: its SHA-256, how (``credential`` or ``registered``),
    whether it was new, and the ledger index of its entry (None when it was already there)."""

    use: int
    sha256: str
    how: str
    new: bool
    ledger_index: int | None
    file: str


def _writable_use(uow: UnitOfWork, principal: Principal, use_id: int) -> UseRecord:
    record = get_use(uow, principal, use_id)
    require(
        principal,
        Action.REGISTER_OUTPUT,
        request_record(uow, record.request, RecordKind.USE),
        f"use {use_id} does not exist (expected the id of a recorded use)",
        acts_for=acts_for(uow, principal),
    )
    return record


def use_assertion(uow: UnitOfWork, record: UseRecord, installation: str) -> dict[str, Any]:
    """What an output's credential says of its use: the use, its decision, replica,
    performer, production, the index of its ``use-recorded`` ledger entry, the installation."""
    request = record.request
    performer = request.performer
    if request.replica is not None:
        replica = uow.replicas.get(request.replica)
        performer = replica.performer if replica is not None else performer
    return {
        "use": record.use_id,
        "decision": record.key,
        "request": request.id,
        "replica": request.replica,
        "performer": performer,
        "production": request.production,
        "producer": request.producer,
        "consent": record.decision.consent,
        "ledger_index": record.ledger_index,
        "installation": installation,
    }


def _register(
    uow: UnitOfWork,
    principal: Principal,
    record: UseRecord,
    sha256: str,
    how: str,
    at: dt.datetime,
    file: str,
) -> RegisteredOutput:
    use_id = record.use_id or 0
    if not uow.detection.add_output(use_id, sha256, how, at, principal.actor):
        return RegisteredOutput(use_id, sha256, how, False, None, file)
    index = uow.ledger.append(
        "use-output-registered",
        principal.actor,
        {"use": use_id, "sha256": sha256, "how": how},
    )
    uow.detection.set_output_ledger_index(use_id, sha256, index)
    uow.commit()
    return RegisteredOutput(use_id, sha256, how, True, index, file)


def credential_output(
    uow: UnitOfWork,
    principal: Principal,
    signer: OutputSigner,
    use_id: int,
    source: Path,
    dest: Path,
    *,
    installation: str,
    clock: Callable[[], dt.datetime],
) -> RegisteredOutput:
    """Sign ``source`` as an output of the use into ``dest`` and register it."""
    record = _writable_use(uow, principal, use_id)
    if dest.exists() and dest.resolve() == source.resolve():
        raise InvalidInputError(f"{dest}: the output must be a new file, not the input itself")
    if dest.exists():
        raise InvalidInputError(f"{dest}: already exists (expected a new file for the output)")
    sha256 = signer.sign(source, dest, use_assertion(uow, record, installation))
    try:
        return _register(uow, principal, record, sha256, "credential", clock(), str(dest))
    except BaseException:
        dest.unlink(missing_ok=True)
        raise


def register_output(
    uow: UnitOfWork,
    principal: Principal,
    use_id: int,
    path: Path,
    *,
    clock: Callable[[], dt.datetime],
) -> RegisteredOutput:
    """Register the SHA-256 of the file at ``path`` as an output of the use."""
    record = _writable_use(uow, principal, use_id)
    try:
        digest = sha256_of(path)
    except OSError as exc:
        raise InvalidInputError(f"{path}: cannot be read ({exc.strerror})") from exc
    return _register(uow, principal, record, digest, "registered", clock(), str(path))


def register_output_digest(
    uow: UnitOfWork,
    principal: Principal,
    use_id: int,
    sha256: str,
    *,
    clock: Callable[[], dt.datetime],
) -> RegisteredOutput:
    """Register ``sha256`` (64 lowercase hex digits) as an output of the use."""
    if not re.fullmatch(r"[0-9a-f]{64}", sha256):
        raise InvalidInputError(f"sha256 {sha256!r} is not 64 lowercase hex digits")
    record = _writable_use(uow, principal, use_id)
    return _register(uow, principal, record, sha256, "registered", clock(), "")
