"""The union's view of the ledger in the portal: the newest checkpoint, and a verification run
on demand. Kept apart and small, so it follows the ledger's services as they change (the
checkpoint will become a C2SP signed note); it calls them exactly as ``likeness ledger`` does.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any, cast

from likeness.domain.principals import Principal
from likeness.errors import LedgerIntegrityError, NotFoundError
from likeness.ledger.entry import format_time
from likeness.ledger.heads import KEY_FILENAME, load_signing_key
from likeness.services.ledger import LedgerStore, checkpoint, require_whole_ledger
from likeness.services.unit_of_work import UnitOfWork


def _store(uow: UnitOfWork) -> LedgerStore:
    return cast(LedgerStore, uow.ledger)


def latest_checkpoint(uow: UnitOfWork) -> dict[str, Any] | None:
    """The newest signed tree head as the page shows it; None when none is signed yet."""
    try:
        head = checkpoint(_store(uow))
    except NotFoundError:
        return None
    return {
        "size": head.size,
        "root": head.root.hex(),
        "time": format_time(head.time),
        "signature": base64.b64encode(head.signature).decode("ascii"),
    }


def verify_ledger(uow: UnitOfWork, principal: Principal, home: Path) -> dict[str, Any]:
    """Re-derive the tree and check every signed head with this installation's key; the
    outcome as the page shows it (``ok`` false with the first bad index when it fails)."""
    require_whole_ledger(principal)
    public_key = load_signing_key(home / KEY_FILENAME).public_key()
    try:
        result = _store(uow).verify(public_key)
    except LedgerIntegrityError as exc:
        return {"ok": False, "message": exc.message, "index": exc.index}
    covered = 0 if result.latest_head is None else result.latest_head.size
    return {
        "ok": True,
        "size": result.size,
        "root": result.root.hex(),
        "heads_checked": result.heads_checked,
        "uncovered": result.size - covered,
        "fingerprint": result.key_fingerprint,
    }
