"""Interop: our tree agrees with pymerkle, an independent RFC 9162 implementation.

For every tree size 1..300, roots and inclusion proofs are equal to pymerkle's and verify
with pymerkle's verifier. pymerkle writes a consistency proof in its own layout: it always
carries the old root, and where the old tree ends exactly at a split point it descends to
the leaf after it instead of stopping at the complete subtree as RFC 9162 §2.1.4.1 does.
``rfc9162_form`` rewrites pymerkle's proof into the RFC's layout (folding that descent back
into the subtree hash, dropping the old root where the RFC omits it) and we require the
result to equal ours hash for hash, while pymerkle's own proof verifies with its verifier.
"""

from __future__ import annotations

import pytest
from pymerkle import InmemoryTree
from pymerkle import verify_consistency as pm_verify_consistency
from pymerkle import verify_inclusion as pm_verify_inclusion
from pymerkle.hasher import MerkleHasher
from pymerkle.proof import InclusionProof, InvalidProof

from likeness.ledger.proofs import verify_consistency, verify_inclusion
from likeness.ledger.tree import (
    CompactRange,
    MemoryNodeStore,
    consistency_proof,
    hash_children,
    hash_leaf,
    inclusion_proof,
    root_hash,
)

SIZE = 300


@pytest.fixture(scope="module")
def trees():
    peer = InmemoryTree(algorithm="sha256")  # security on: 0x00 leaf and 0x01 node prefixes
    store, tree = MemoryNodeStore(), CompactRange()
    for i in range(SIZE):
        body = b'{"entry":%d}' % i
        peer.append_entry(body)
        store.put_nodes(tree.append(hash_leaf(body)))
    return peer, store


def test_pymerkle_hashes_with_the_rfc_9162_prefixes():
    hasher = MerkleHasher("sha256")
    assert (hasher.leaf_prefix, hasher.node_prefix) == (b"\x00", b"\x01")
    assert hasher.hash_buff(b"x") == hash_leaf(b"x")
    assert hasher.hash_pair(b"a" * 32, b"b" * 32) == hash_children(b"a" * 32, b"b" * 32)


def test_roots_equal_pymerkles_for_every_size(trees):
    peer, store = trees
    for size in range(1, SIZE + 1):
        assert root_hash(store, size) == peer.get_root(size), size


def sibling_sides(index: int, size: int, path_length: int) -> list[int]:
    """pymerkle's rule bits for an RFC audit path: 1 where the sibling is on the left."""
    bits, fn, sn = [], index, size - 1
    for _ in range(path_length):
        if fn & 1 or fn == sn:
            bits.append(1)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            bits.append(0)
        fn >>= 1
        sn >>= 1
    return [*bits, 0]


def test_inclusion_proofs_equal_pymerkles_and_verify_with_its_verifier(trees):
    peer, store = trees
    for size in range(1, SIZE + 1):
        root = root_hash(store, size)
        for index in range(size):
            ours = inclusion_proof(store, index, size)
            theirs = peer.prove_inclusion(index + 1, size)  # pymerkle counts from 1
            leaf = peer.get_leaf(index + 1)
            assert theirs.path == [leaf, *ours], (index, size)
            verify_inclusion(leaf, index, size, theirs.path[1:], root)
            as_pymerkle = InclusionProof(
                "sha256",
                True,
                size,
                index + 1,
                sibling_sides(index, size, len(ours)),
                [leaf, *ours],
            )
            pm_verify_inclusion(leaf, root, as_pymerkle, index=index + 1, size=size)


def test_pymerkle_rejects_our_proof_for_the_wrong_leaf(trees):
    _, store = trees
    ours = inclusion_proof(store, 7, 100)
    forged = InclusionProof(
        "sha256", True, 100, 8, sibling_sides(7, 100, len(ours)), [b"\x00" * 32, *ours]
    )
    with pytest.raises(InvalidProof):
        pm_verify_inclusion(b"\x00" * 32, root_hash(store, 100), forged)


def fold(rule: list[int], path: list[bytes]) -> bytes:
    result = path[0]
    for bit, digest in zip(rule, path[1:], strict=False):
        result = hash_children(digest, result) if bit else hash_children(result, digest)
    return result


def rfc9162_form(rule: list[int], subset: list[int], path: list[bytes]) -> list[bytes]:
    """Rewrite a pymerkle consistency proof into RFC 9162 §2.1.4.1's layout."""
    if subset[0]:  # pymerkle stopped at a subtree of the old tree, as the RFC does
        head, rest_at = [path[0]], 1
    else:  # it descended past a split point: fold the descent into MTH(D[k:n])
        first_old = subset.index(1)
        head = [path[first_old], fold(rule, path[:first_old])]
        rest_at = first_old + 1
    rest = path[rest_at:]
    # The RFC omits the old root when the old tree is a complete left subtree (b stays true).
    old_is_left_subtree = not any(subset[rest_at:])
    return head[1:] + rest if old_is_left_subtree else head + rest


def test_consistency_proofs_equal_pymerkles_and_both_verify(trees):
    peer, store = trees
    for new in range(1, SIZE + 1):
        new_root = root_hash(store, new)
        for old in range(1, new + 1):
            old_root = root_hash(store, old)
            ours = consistency_proof(store, old, new)
            theirs = peer.prove_consistency(old, new)
            assert rfc9162_form(theirs.rule, theirs.subset, theirs.path) == ours, (old, new)
            verify_consistency(old, new, old_root, new_root, ours)
            pm_verify_consistency(old_root, new_root, theirs, prior_size=old, later_size=new)


def test_the_rfc_layout_differs_from_pymerkles_where_documented(trees):
    peer, store = trees
    # 1 -> 5: the RFC omits the old root (a complete left subtree); pymerkle carries it.
    assert len(consistency_proof(store, 1, 5)) == 3
    assert len(peer.prove_consistency(1, 5).path) == 4
