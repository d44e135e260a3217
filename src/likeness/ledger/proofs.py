"""Checking the proofs of :mod:`likeness.ledger.tree` (RFC 9162 §2.1.3.2 and §2.1.4.2).

A client that holds a tree head checks a proof with these functions alone: they need the hashes
of the proof and the roots, never the node store. A proof that fails raises
:class:`~likeness.errors.LedgerIntegrityError` saying what was expected and what was found.

>>> from likeness.ledger.tree import CompactRange, MemoryNodeStore, hash_leaf, inclusion_proof
>>> store, appender = MemoryNodeStore(), CompactRange()
>>> for body in (b"a", b"b", b"c"):
...     store.put_nodes(appender.append(hash_leaf(body)))
>>> proof = inclusion_proof(store, 1, 3)
>>> verify_inclusion(hash_leaf(b"b"), 1, 3, proof, appender.root())
"""

from __future__ import annotations

from collections.abc import Sequence

from likeness.errors import LedgerIntegrityError
from likeness.ledger.tree import HASH_SIZE, hash_children

__all__ = ["root_from_inclusion_proof", "verify_consistency", "verify_inclusion"]


def _check_path(path: Sequence[bytes], what: str) -> None:
    items: Sequence[object] = path  # a proof may come from JSON: check what it holds
    for position, digest in enumerate(items):
        if not isinstance(digest, bytes) or len(digest) != HASH_SIZE:
            raise LedgerIntegrityError(
                f"{what}: proof element {position} is not a {HASH_SIZE}-byte hash"
            )


def root_from_inclusion_proof(leaf: bytes, index: int, size: int, path: Sequence[bytes]) -> bytes:
    """Return the root that an inclusion proof leads to (RFC 9162 §2.1.3.2, steps 1-5).

    :raises LedgerIntegrityError: if the proof has the wrong length for ``index`` and ``size``.
    """
    what = f"inclusion proof for entry {index} in tree of size {size}"
    if not 0 <= index < size:
        raise LedgerIntegrityError(f"{what}: index out of range (expected 0..{size - 1})", index)
    _check_path(path, what)
    fn, sn, result = index, size - 1, leaf
    for sibling in path:
        if sn == 0:
            raise LedgerIntegrityError(f"{what}: proof is too long ({len(path)} hashes)", index)
        if fn & 1 or fn == sn:
            result = hash_children(sibling, result)
            # Skip the levels where this node is the right edge's lone child (no sibling).
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            result = hash_children(result, sibling)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise LedgerIntegrityError(f"{what}: proof is too short ({len(path)} hashes)", index)
    return result


def verify_inclusion(
    leaf: bytes, index: int, size: int, path: Sequence[bytes], root: bytes
) -> None:
    """Check an RFC 9162 §2.1.3.2 inclusion proof.

    :raises LedgerIntegrityError: naming the entry, the root the proof leads to and the root
        expected, if the proof does not verify.
    """
    got = root_from_inclusion_proof(leaf, index, size, path)
    if got != root:
        raise LedgerIntegrityError(
            f"inclusion proof for entry {index} in tree of size {size} leads to root "
            f"{got.hex()} (expected {root.hex()})",
            index,
        )


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, path: Sequence[bytes]
) -> None:
    """Check an RFC 9162 §2.1.4.2 consistency proof between two tree heads.

    As in the RFC, a proof between equal sizes is empty and the roots must be equal; a tree
    of size 0 is a prefix of every tree (empty proof).

    :raises LedgerIntegrityError: saying which root the proof fails to reach.
    """
    what = f"consistency proof from size {old_size} to size {new_size}"
    if not 0 <= old_size <= new_size:
        raise LedgerIntegrityError(f"{what}: sizes out of order (expected old <= new)")
    _check_path(path, what)
    if old_size in (0, new_size):
        if path:
            raise LedgerIntegrityError(f"{what}: expected an empty proof, got {len(path)} hashes")
        if old_size == new_size and old_root != new_root:
            raise LedgerIntegrityError(
                f"{what}: equal sizes but roots differ ({old_root.hex()} vs {new_root.hex()})"
            )
        return
    if not path:
        raise LedgerIntegrityError(f"{what}: proof is empty")
    # Step 2: a power-of-two old tree is a complete subtree, so its root is omitted.
    hashes = [old_root, *path] if old_size & (old_size - 1) == 0 else list(path)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    old_result = new_result = hashes[0]
    for digest in hashes[1:]:
        if sn == 0:
            raise LedgerIntegrityError(f"{what}: proof is too long ({len(path)} hashes)")
        if fn & 1 or fn == sn:
            old_result = hash_children(digest, old_result)
            new_result = hash_children(digest, new_result)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            new_result = hash_children(new_result, digest)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise LedgerIntegrityError(f"{what}: proof is too short ({len(path)} hashes)")
    if old_result != old_root:
        raise LedgerIntegrityError(
            f"{what}: proof leads to old root {old_result.hex()} (expected {old_root.hex()})"
        )
    if new_result != new_root:
        raise LedgerIntegrityError(
            f"{what}: proof leads to new root {new_result.hex()} (expected {new_root.hex()})"
        )
