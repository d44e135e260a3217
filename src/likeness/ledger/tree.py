"""The ledger's Merkle tree: RFC 9162 §2.1 hashing and proofs from stored nodes.

Hashing (RFC 9162 §2.1.1, as sigstore's ``_internal/merkle.py`` does for RFC 6962): a leaf
hashes as ``SHA-256(0x00 || body)`` and an interior node as ``SHA-256(0x01 || left || right)``,
so a leaf can never be passed off as a node (second-preimage resistance). The empty tree's
root is ``SHA-256("")``. Leaf indices count from 0, as in the RFC.

Storage. We never rehash the log to answer a question. A *node store* keeps the root of every
perfect subtree that is complete, keyed by ``(level, index)``: the node at level ``L`` and
index ``i`` covers leaves ``[i * 2**L, (i + 1) * 2**L)``; level 0 holds the leaf hashes.
Appending leaf ``n`` writes its level-0 node and every parent it completes (one on average,
at most log2 n), and needs no reads when the appender keeps the *compact range* of the tree
(the roots of its maximal perfect subtrees, at most log2 n of them).

Every hash an RFC 9162 proof needs is ``MTH(D[a:b])`` for a range whose start is aligned to
the next power of two of its width, so it is the fold of at most log2 n perfect subtrees;
all the ranges of one proof together need O(log n) nodes, which we read in one batch
(:meth:`NodeStore.get_nodes`). A proof therefore costs one query, never a scan. Checking a
proof needs no store: :mod:`likeness.ledger.proofs`.

>>> store = MemoryNodeStore()
>>> appender = CompactRange()
>>> for body in (b"a", b"b", b"c"):
...     store.put_nodes(appender.append(hash_leaf(body)))
>>> root_hash(store, 3) == appender.root()
True
>>> len(inclusion_proof(store, 1, 3))
2
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Protocol

from likeness.errors import LedgerIntegrityError

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "CompactRange",
    "MemoryNodeStore",
    "Node",
    "NodeKey",
    "NodeStore",
    "consistency_proof",
    "hash_children",
    "hash_leaf",
    "inclusion_proof",
    "root_hash",
    "subtree_keys",
]

HASH_SIZE = 32
_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"
#: RFC 9162 §2.1.1: the hash of an empty list is the hash of an empty string
EMPTY_ROOT = hashlib.sha256(b"").digest()

#: ``(level, index)`` of a perfect-subtree node
NodeKey = tuple[int, int]
#: ``(level, index, hash)``: a node to store
Node = tuple[int, int, bytes]

_sha256 = hashlib.sha256


def hash_leaf(body: bytes) -> bytes:
    """Return the RFC 9162 leaf hash ``SHA-256(0x00 || body)``."""
    return _sha256(_LEAF_PREFIX + body).digest()


def hash_children(left: bytes, right: bytes) -> bytes:
    """Return the RFC 9162 interior node hash ``SHA-256(0x01 || left || right)``."""
    return _sha256(_NODE_PREFIX + left + right).digest()


class NodeStore(Protocol):
    """Where the perfect-subtree nodes of a tree live (memory, SQLite, PostgreSQL)."""

    def get_nodes(self, keys: Sequence[NodeKey]) -> list[bytes]:
        """Return the hashes of the given nodes, in the order asked.

        :raises LedgerIntegrityError: if a node is missing, naming it.
        """
        ...


class MemoryNodeStore:
    """A :class:`NodeStore` in a dict, for unit tests and for deriving a tree in memory."""

    def __init__(self) -> None:
        self.nodes: dict[NodeKey, bytes] = {}

    def put_nodes(self, nodes: Iterable[Node]) -> None:
        """Store nodes as returned by :meth:`CompactRange.append`."""
        for level, index, digest in nodes:
            self.nodes[(level, index)] = digest

    def get_nodes(self, keys: Sequence[NodeKey]) -> list[bytes]:
        """Return the hashes of the given nodes, in the order asked."""
        try:
            return [self.nodes[key] for key in keys]
        except KeyError as exc:
            raise _missing_node(exc.args[0]) from None


def _missing_node(key: NodeKey) -> LedgerIntegrityError:
    level, index = key
    first = index << level
    return LedgerIntegrityError(
        f"ledger node (level {level}, index {index}) covering entries {first}.."
        f"{first + (1 << level) - 1} is missing from the node store",
        index=first,
    )


class CompactRange:
    """The roots of the maximal perfect subtrees of a tree: all an appender needs.

    For a tree of ``size`` leaves there is one root per set bit of ``size``, largest (leftmost)
    first. :meth:`append` turns a leaf hash into the nodes to store: the leaf itself and every
    parent the leaf completes.
    """

    __slots__ = ("_hashes", "size")

    def __init__(self, size: int = 0, hashes: Sequence[bytes] = ()) -> None:
        if len(hashes) != size.bit_count():
            raise ValueError(
                f"compact range of size {size} needs {size.bit_count()} hashes, got {len(hashes)}"
            )
        self.size = size
        self._hashes = list(hashes)

    @classmethod
    def from_store(cls, store: NodeStore, size: int) -> CompactRange:
        """Load the compact range of the tree of ``size`` leaves: at most log2 n reads."""
        return cls(size, store.get_nodes(subtree_keys(0, size)) if size else [])

    def append(self, leaf: bytes) -> list[Node]:
        """Add a leaf hash; return the nodes to store, the leaf's level-0 node first."""
        index = self.size
        nodes: list[Node] = [(0, index, leaf)]
        node = leaf
        level = 0
        hashes = self._hashes
        # Each trailing 1 bit of the index is a complete left sibling waiting on the right edge.
        while index & 1:
            node = _sha256(_NODE_PREFIX + hashes.pop() + node).digest()
            level += 1
            index >>= 1
            nodes.append((level, index, node))
        hashes.append(node)
        self.size += 1
        return nodes

    def push(self, leaf: bytes) -> None:
        """Add a leaf hash without returning the new nodes (for re-deriving a tree fast)."""
        index = self.size
        node = leaf
        hashes = self._hashes
        while index & 1:
            node = _sha256(_NODE_PREFIX + hashes.pop() + node).digest()
            index >>= 1
        hashes.append(node)
        self.size += 1

    def root(self) -> bytes:
        """Return ``MTH`` of the whole range (RFC 9162 §2.1.1)."""
        return _fold(self._hashes) if self._hashes else EMPTY_ROOT


def _fold(hashes: Sequence[bytes]) -> bytes:
    """Fold perfect-subtree roots, given left to right, into the root of their range."""
    result = hashes[-1]
    for digest in reversed(hashes[:-1]):
        result = _sha256(_NODE_PREFIX + digest + result).digest()
    return result


def subtree_keys(start: int, end: int) -> list[NodeKey]:
    """Return the perfect subtrees whose fold is ``MTH(D[start:end])``, left to right.

    RFC 9162 splits a range at the largest power of two below its width, so when ``start``
    is a multiple of the smallest power of two ``>= end - start`` (true of every range a proof
    names) the left parts are perfect subtrees of sizes given by the bits of the width.

    >>> subtree_keys(0, 7)
    [(2, 0), (1, 2), (0, 6)]
    """
    width = end - start
    if width <= 0 or start < 0:
        raise ValueError(f"range [{start}, {end}) is empty or negative")
    if start % (1 << (width - 1).bit_length()):
        raise ValueError(f"range [{start}, {end}) is not a subtree of an RFC 9162 tree")
    keys: list[NodeKey] = []
    position = start
    for level in range(width.bit_length() - 1, -1, -1):
        if width >> level & 1:
            keys.append((level, position >> level))
            position += 1 << level
    return keys


def _hash_ranges(store: NodeStore, ranges: Sequence[tuple[int, int]]) -> list[bytes]:
    """Return ``MTH`` of each range with one batched read of the nodes they need."""
    groups = [subtree_keys(start, end) for start, end in ranges]
    hashes = store.get_nodes([key for group in groups for key in group])
    results: list[bytes] = []
    offset = 0
    for group in groups:
        results.append(_fold(hashes[offset : offset + len(group)]))
        offset += len(group)
    return results


def _largest_power_below(width: int) -> int:
    """The largest power of two strictly less than ``width`` (``width >= 2``)."""
    return 1 << ((width - 1).bit_length() - 1)


def root_hash(store: NodeStore, size: int) -> bytes:
    """Return the root of the tree of the first ``size`` leaves (``MTH(D[0:size])``)."""
    if size < 0:
        raise ValueError(f"tree size {size} is negative")
    return _hash_ranges(store, [(0, size)])[0] if size else EMPTY_ROOT


def _inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """The ranges whose roots make ``PATH(index, D[0:size])`` (RFC 9162 §2.1.3.1), leaf up."""
    start, end = 0, size
    siblings: list[tuple[int, int]] = []
    while end - start > 1:
        split = start + _largest_power_below(end - start)
        if index < split:
            siblings.append((split, end))
            end = split
        else:
            siblings.append((start, split))
            start = split
    siblings.reverse()
    return siblings


def inclusion_proof(store: NodeStore, index: int, size: int) -> list[bytes]:
    """Return the RFC 9162 §2.1.3.1 inclusion proof (audit path) of leaf ``index`` in ``size``.

    :raises ValueError: unless ``0 <= index < size``.
    :raises LedgerIntegrityError: if the store lacks a node the proof needs.
    """
    if not 0 <= index < size:
        raise ValueError(f"entry {index} is not in a tree of size {size} (expected 0..{size - 1})")
    return _hash_ranges(store, _inclusion_ranges(index, size))


def _consistency_ranges(old_size: int, new_size: int) -> list[tuple[int, int]]:
    """The ranges whose roots make ``PROOF(m, D[0:n])`` (RFC 9162 §2.1.4.1), bottom up."""
    start, end, prior = 0, new_size, old_size
    complete = True  # the RFC's flag b: is the old tree a complete subtree of this range?
    siblings: list[tuple[int, int]] = []
    while prior != end - start:
        split = _largest_power_below(end - start)
        if prior <= split:
            siblings.append((start + split, end))
            end = start + split
        else:
            siblings.append((start, start + split))
            start += split
            prior -= split
            complete = False
    siblings.reverse()
    return siblings if complete else [(start, end), *siblings]


def consistency_proof(store: NodeStore, old_size: int, new_size: int) -> list[bytes]:
    """Return the RFC 9162 §2.1.4.1 consistency proof that ``old_size`` is a prefix of ``new_size``.

    The proof is empty when ``old_size`` is 0 or equals ``new_size``: there is nothing to prove.

    :raises ValueError: unless ``0 <= old_size <= new_size``.
    :raises LedgerIntegrityError: if the store lacks a node the proof needs.
    """
    if not 0 <= old_size <= new_size:
        raise ValueError(
            f"cannot prove tree size {old_size} is a prefix of size {new_size} "
            f"(expected 0 <= old size <= new size)"
        )
    if old_size in (0, new_size):
        return []
    return _hash_ranges(store, _consistency_ranges(old_size, new_size))
