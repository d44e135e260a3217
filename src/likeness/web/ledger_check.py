"""The union's view of the ledger in the portal: the newest checkpoint (a C2SP signed note with
any witness cosignatures) and a verification run on demand, through the ledger's services as
``likeness ledger head`` and ``likeness ledger verify`` use them."""

from __future__ import annotations

from typing import Any, cast

from likeness.domain.principals import Principal
from likeness.errors import LedgerIntegrityError, NotFoundError
from likeness.ledger.entry import format_time
from likeness.ledger.signer import CheckpointSigner
from likeness.services.ledger import LedgerStore, checkpoint, verify_whole
from likeness.services.unit_of_work import UnitOfWork


def _store(uow: UnitOfWork) -> LedgerStore:
    return cast(LedgerStore, uow.ledger)


def latest_checkpoint(uow: UnitOfWork, signer: CheckpointSigner) -> dict[str, Any] | None:
    """The newest checkpoint as the page shows it; None when none is signed yet."""
    try:
        head = checkpoint(_store(uow))
    except NotFoundError:
        return None
    witnesses = [s.name for s in head.note.signatures if s.name != head.origin]
    return {
        "origin": head.origin,
        "size": head.size,
        "root": head.root.hex(),
        "time": format_time(head.time),
        "note": head.render(),
        "vkey": signer.verifier.vkey(),
        "witnesses": witnesses,
    }


def verify_ledger(
    uow: UnitOfWork, principal: Principal, signer: CheckpointSigner
) -> dict[str, Any]:
    """Re-derive the tree and check every entry, node, checkpoint and the signer's own record
    with this installation's key; the outcome as the page shows it (``ok`` false with the
    first bad index when it fails)."""
    try:
        result = verify_whole(principal, _store(uow), signer)
    except LedgerIntegrityError as exc:
        return {"ok": False, "message": exc.message, "index": exc.index}
    return {
        "ok": True,
        "size": result.size,
        "root": result.root.hex(),
        "checked": result.heads_checked,
        "uncovered": result.unsigned_tail,
        "vkey": result.log_vkey,
    }
