"""Asset files of a replica: who may upload, and recording each with its ledger entry."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from likeness.domain.principals import Principal
from likeness.domain.replicas import AssetFile, Replica
from likeness.errors import ConflictError, NotFoundError
from likeness.services.access import Action, require
from likeness.services.assets import digest_file
from likeness.services.records import acts_for, replica_record
from likeness.services.unit_of_work import UnitOfWork


def check_upload(uow: UnitOfWork, principal: Principal, replica_id: str) -> Replica:
    """The replica, if ``principal`` may upload assets to it (asked before any byte is
    written): :class:`NotFoundError` / :class:`ForbiddenError` otherwise."""
    missing = f"replica {replica_id!r} does not exist (expected a registered replica)"
    replica = uow.replicas.get(replica_id)
    if replica is None:
        raise NotFoundError(missing)
    whom = acts_for(uow, principal)
    require(principal, Action.UPLOAD_ASSET, replica_record(uow, replica), missing, acts_for=whom)
    return replica


def record_asset(
    uow: UnitOfWork,
    principal: Principal,
    replica_id: str,
    asset: AssetFile,
    place: Callable[[], None] | None = None,
) -> tuple[AssetFile, bool]:
    """Record ``asset`` (already digested) for the replica with its ledger entry; the same
    file again is no change (``False``), another file at the same location a conflict.
    ``place`` puts a new file at its location just before the transaction commits."""
    replica = check_upload(uow, principal, replica_id)
    same = next((a for a in replica.assets if a.location == asset.location), None)
    if same is not None:
        if same.sha256 == asset.sha256 and same.size == asset.size:
            return same, False
        raise ConflictError(
            f"replica {replica_id}: {asset.location} is already registered with other content"
            f" (sha256 {same.sha256}; expected a new name for a new file)"
        )
    uow.replicas.add_asset(replica_id, asset)
    uow.ledger.append(
        "replica-asset-registered",
        principal.actor,
        {
            "replica": replica_id,
            "location": asset.location,
            "size": asset.size,
            "sha256": asset.sha256,
        },
    )
    if place is not None:
        place()
    uow.commit()
    return asset, True


def register_asset(uow: UnitOfWork, principal: Principal, replica_id: str, path: Path) -> AssetFile:
    """Digest the file at ``path`` (streamed) and record it as an asset of the replica."""
    replica = check_upload(uow, principal, replica_id)
    asset = digest_file(path)
    if any(a.location == asset.location for a in replica.assets):
        raise ConflictError(f"replica {replica_id}: {asset.location} is already registered")
    return record_asset(uow, principal, replica_id, asset)[0]
