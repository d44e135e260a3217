"""The Merkle tree: RFC 9162 hashes, proofs from stored nodes, and their verification."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from likeness.errors import LedgerIntegrityError
from likeness.ledger.proofs import verify_consistency, verify_inclusion
from likeness.ledger.tree import (
    EMPTY_ROOT,
    CompactRange,
    MemoryNodeStore,
    consistency_proof,
    hash_children,
    hash_leaf,
    inclusion_proof,
    root_hash,
    subtree_keys,
)

# RFC 6962's test leaves and the roots of their first 1..8 (the vectors used by the Go and
# Chromium certificate-transparency verifiers).
RFC6962_LEAVES = [
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
]
RFC6962_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


def build(bodies: list[bytes]) -> tuple[MemoryNodeStore, CompactRange]:
    store, tree = MemoryNodeStore(), CompactRange()
    for body in bodies:
        store.put_nodes(tree.append(hash_leaf(body)))
    return store, tree


def reference_root(leaves: list[bytes]) -> bytes:
    """MTH straight from RFC 9162 §2.1.1, recursively."""
    if not leaves:
        return EMPTY_ROOT
    if len(leaves) == 1:
        return leaves[0]
    split = 1 << ((len(leaves) - 1).bit_length() - 1)
    return hash_children(reference_root(leaves[:split]), reference_root(leaves[split:]))


def test_leaf_and_node_hashes_use_distinct_prefixes():
    assert hash_leaf(b"x") == hashlib.sha256(b"\x00x").digest()
    assert (
        hash_children(b"a" * 32, b"b" * 32)
        == hashlib.sha256(b"\x01" + b"a" * 32 + b"b" * 32).digest()
    )


def test_roots_equal_the_rfc_6962_test_vectors():
    tree = CompactRange()
    for leaf, expected in zip(RFC6962_LEAVES, RFC6962_ROOTS, strict=True):
        tree.append(hash_leaf(bytes.fromhex(leaf)))
        assert tree.root().hex() == expected


def test_empty_tree_has_the_hash_of_the_empty_string_as_root():
    assert CompactRange().root() == hashlib.sha256(b"").digest()
    assert root_hash(MemoryNodeStore(), 0) == EMPTY_ROOT


def test_appending_writes_the_leaf_and_every_parent_it_completes():
    tree = CompactRange(3, [b"\x01" * 32, b"\x02" * 32])
    nodes = tree.append(b"\x03" * 32)
    assert [(level, index) for level, index, _ in nodes] == [(0, 3), (1, 1), (2, 0)]
    assert tree.size == 4


def test_subtree_keys_decompose_a_range_into_perfect_subtrees():
    assert subtree_keys(0, 7) == [(2, 0), (1, 2), (0, 6)]
    assert subtree_keys(8, 11) == [(1, 4), (0, 10)]
    with pytest.raises(ValueError, match="not a subtree"):
        subtree_keys(1, 4)


@given(st.integers(min_value=1, max_value=70))
def test_stored_roots_match_the_recursive_definition_for_every_prefix(size):
    bodies = [b"entry %d" % i for i in range(size)]
    store, tree = build(bodies)
    leaves = [hash_leaf(body) for body in bodies]
    for prefix in range(size + 1):
        assert root_hash(store, prefix) == reference_root(leaves[:prefix])
    assert tree.root() == reference_root(leaves)


def test_compact_range_loaded_from_the_store_continues_the_same_tree():
    store, tree = build([b"%d" % i for i in range(13)])
    resumed = CompactRange.from_store(store, 13)
    store.put_nodes(resumed.append(hash_leaf(b"13")))
    tree.append(hash_leaf(b"13"))
    assert resumed.root() == tree.root() == root_hash(store, 14)


def test_every_inclusion_proof_verifies_and_a_wrong_leaf_does_not():
    store, _ = build([b"%d" % i for i in range(33)])
    for size in range(1, 34):
        root = root_hash(store, size)
        for index in range(size):
            proof = inclusion_proof(store, index, size)
            verify_inclusion(hash_leaf(b"%d" % index), index, size, proof, root)
    with pytest.raises(LedgerIntegrityError, match="entry 5 in tree of size 33 leads to root"):
        verify_inclusion(hash_leaf(b"x"), 5, 33, inclusion_proof(store, 5, 33), root)


def test_inclusion_proof_of_wrong_length_is_rejected():
    store, tree = build([b"%d" % i for i in range(8)])
    proof = inclusion_proof(store, 2, 8)
    with pytest.raises(LedgerIntegrityError, match="too short"):
        verify_inclusion(hash_leaf(b"2"), 2, 8, proof[:-1], tree.root())
    with pytest.raises(LedgerIntegrityError, match="too long"):
        verify_inclusion(hash_leaf(b"2"), 2, 8, [*proof, proof[0]], tree.root())
    with pytest.raises(ValueError, match="entry 8 is not in a tree of size 8"):
        inclusion_proof(store, 8, 8)


def test_every_consistency_proof_verifies_and_a_forked_tree_does_not():
    store, _ = build([b"%d" % i for i in range(33)])
    forked, _ = build([b"%d" % i for i in range(20)] + [b"fork %d" % i for i in range(13)])
    for new in range(1, 34):
        for old in range(0, new + 1):
            proof = consistency_proof(store, old, new)
            verify_consistency(old, new, root_hash(store, old), root_hash(store, new), proof)
    proof = consistency_proof(store, 10, 30)
    with pytest.raises(LedgerIntegrityError, match="new root"):
        verify_consistency(10, 30, root_hash(store, 10), root_hash(forked, 30), proof)
    with pytest.raises(LedgerIntegrityError, match="old root"):
        verify_consistency(10, 30, root_hash(store, 9), root_hash(store, 30), proof)


def test_consistency_between_equal_sizes_needs_equal_roots():
    store, _ = build([b"a", b"b"])
    assert consistency_proof(store, 2, 2) == []
    with pytest.raises(LedgerIntegrityError, match="equal sizes but roots differ"):
        verify_consistency(2, 2, root_hash(store, 2), root_hash(store, 1), [])


def test_a_missing_node_is_reported_with_the_entries_it_covers():
    store, _ = build([b"%d" % i for i in range(8)])
    del store.nodes[(1, 2)]
    with pytest.raises(LedgerIntegrityError, match=r"level 1, index 2\) covering entries 4..5"):
        inclusion_proof(store, 7, 8)


def test_a_proof_reads_few_nodes_from_a_large_store():
    class CountingStore(MemoryNodeStore):
        reads = 0

        def get_nodes(self, keys):
            self.reads += len(keys)
            return super().get_nodes(keys)

    store = CountingStore()
    tree = CompactRange()
    for i in range(5000):
        store.put_nodes(tree.append(hash_leaf(b"%d" % i)))
    store.reads = 0
    inclusion_proof(store, 1234, 4999)
    consistency_proof(store, 1234, 4999)
    assert store.reads <= 4 * 13
