"""The tamper-evident ledger: an RFC 9162 Merkle log of every consent, decision and use.

Bodies are canonical JSON (:mod:`.canonical`), entries are :class:`LedgerEntry`, the tree and
its proofs live in :mod:`.tree` and are checked by :mod:`.proofs`, checkpoints and the key
in :mod:`.heads`, the export format in :mod:`.export` and the offline verifier in :mod:`.verify`
(SPEC §8). Storage of the entries, nodes and heads is the storage layer's job
(``likeness.storage.ledger``).
"""

from likeness.ledger.canonical import canonicalize
from likeness.ledger.entry import LedgerEntry
from likeness.ledger.heads import Checkpoint, SignedTreeHead, ensure_signing_key
from likeness.ledger.proofs import verify_consistency, verify_inclusion
from likeness.ledger.tree import (
    CompactRange,
    MemoryNodeStore,
    NodeStore,
    consistency_proof,
    hash_children,
    hash_leaf,
    inclusion_proof,
    root_hash,
)
from likeness.ledger.verify import LogKeys, VerifyResult, verify_entries, verify_export

__all__ = [
    "Checkpoint",
    "CompactRange",
    "LedgerEntry",
    "LogKeys",
    "MemoryNodeStore",
    "NodeStore",
    "SignedTreeHead",
    "VerifyResult",
    "canonicalize",
    "consistency_proof",
    "ensure_signing_key",
    "hash_children",
    "hash_leaf",
    "inclusion_proof",
    "root_hash",
    "verify_consistency",
    "verify_entries",
    "verify_export",
    "verify_inclusion",
]
