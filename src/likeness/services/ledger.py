"""The ledger as the services see it: what the store offers (a Protocol that
``storage.ledger.SqlLedger`` implements) and who may read it whole (SPEC §8, §10).

Entries name people, so the whole log (export, verify, proofs over entries) is for whoever sees
every record: the union and the operator. Checkpoints and proofs are hashes only; the HTTP
routes that serve them publicly come with the API (SPEC §10).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from likeness.domain.principals import Principal
from likeness.ledger.entry import LedgerEntry
from likeness.ledger.heads import SignedTreeHead
from likeness.ledger.verify import VerifyResult
from likeness.services.access import Action, Permission, Record, RecordKind, require
from likeness.services.unit_of_work import LedgerWriter

#: the ledger as a whole: every entry, whoever it names
WHOLE_LEDGER = Record(RecordKind.LEDGER_ENTRY, "*")


class LedgerStore(LedgerWriter, Protocol):
    """Reading, proving, signing and verifying the stored log."""

    def size(self) -> int: ...
    def read(
        self, start: int = 0, stop: int | None = None
    ) -> Iterator[tuple[int, bytes, bytes]]: ...
    def entry(self, index: int) -> LedgerEntry: ...
    def root(self, size: int | None = None) -> bytes: ...
    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]: ...
    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]: ...
    def heads(self) -> list[SignedTreeHead]: ...
    def sign_head(self, key: Ed25519PrivateKey) -> SignedTreeHead: ...
    def verify(self, public_key: Ed25519PublicKey) -> VerifyResult: ...


def require_whole_ledger(principal: Principal) -> Permission:
    """Raise :class:`~likeness.errors.NotFoundError` unless ``principal`` sees every entry."""
    return require(principal, Action.SEE, WHOLE_LEDGER, "no ledger is visible to you")
