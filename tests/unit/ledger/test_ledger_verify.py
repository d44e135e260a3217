"""Offline verification: any change to the entries or the checkpoints is found and located."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from likeness.errors import LedgerIntegrityError
from likeness.ledger.entry import LedgerEntry
from likeness.ledger.export import entry_line, parse_entry_line
from likeness.ledger.heads import (
    Checkpoint,
    SignedTreeHead,
    log_verifier,
    sign_head,
    verify_head_signature,
)
from likeness.ledger.note import Note, NoteSignature
from likeness.ledger.tree import CompactRange, hash_leaf
from likeness.ledger.verify import LogKeys, verify_entries, verify_stored_nodes

KEY = Ed25519PrivateKey.generate()
ORIGIN = "test.example/log"
KEYS = LogKeys(log_verifier(ORIGIN, KEY.public_key()))
START = datetime(2025, 3, 1, tzinfo=UTC)


def make_bodies(count: int) -> list[bytes]:
    return [
        LedgerEntry(
            i, "use.recorded", START + timedelta(seconds=i), "cli", {"use": f"u-{i}", "n": i}
        ).body()
        for i in range(count)
    ]


def heads_at(bodies: list[bytes], sizes: list[int]) -> list[SignedTreeHead]:
    tree, heads = CompactRange(), []
    for size in range(len(bodies) + 1):
        if size in sizes:
            heads.append(sign_head(Checkpoint(ORIGIN, size, tree.root()), KEY, START))
        if size < len(bodies):
            tree.push(hash_leaf(bodies[size]))
    return heads


def rows(bodies: list[bytes]) -> list[tuple[int, bytes, bytes | None]]:
    return [(i, body, hash_leaf(body)) for i, body in enumerate(bodies)]


def test_an_untouched_log_verifies_against_all_its_heads():
    bodies = make_bodies(20)
    result = verify_entries(rows(bodies), heads_at(bodies, [0, 5, 20]), KEYS)
    assert (result.size, result.heads_checked) == (20, 3)
    assert result.latest_head is not None and result.latest_head.size == 20


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=40), st.data())
def test_altering_any_entry_fails_verification_at_that_index(size, data):
    bodies = make_bodies(size)
    victim = data.draw(st.integers(min_value=0, max_value=size - 1), label="victim")
    rewrite_hash = data.draw(st.booleans(), label="rewrite leaf hash too")
    heads = heads_at(bodies, list(range(size + 1)))  # a head after every append
    tampered = rows(bodies)
    body = bodies[victim].replace(b'"n":', b'"n":1')
    stored = tampered[victim][2]
    tampered[victim] = (victim, body, hash_leaf(body) if rewrite_hash else stored)
    with pytest.raises(LedgerIntegrityError) as caught:
        verify_entries(tampered, heads, KEYS)
    assert caught.value.index == victim
    if rewrite_hash:  # the leaf is consistent with itself; the first head after it is not
        expected = (
            rf"checkpoint at size {victim + 1} \(\S+\): entries {victim}\.\.{victim} do not"
            r" match its signed root \(derived [0-9a-f]{64}, signed [0-9a-f]{64}\): an entry"
            r" there was changed, inserted, deleted or reordered"
        )
    else:
        expected = (
            rf"entry {victim}: leaf hash differs from stored \(got {hash_leaf(body).hex()},"
            rf" expected {stored.hex()}\): the body or its hash was changed"
        )
    assert re.fullmatch(expected, str(caught.value)), str(caught.value)


def test_a_changed_body_names_the_entry_and_both_hashes():
    bodies = make_bodies(50)
    tampered = rows(bodies)
    tampered[41] = (41, bodies[41].replace(b"u-41", b"u-99"), tampered[41][2])
    with pytest.raises(
        LedgerIntegrityError,
        match=r"entry 41: leaf hash differs from stored \(got \w{64}, expected \w{64}\)",
    ):
        verify_entries(tampered, heads_at(bodies, [50]), KEYS)


def test_a_deleted_entry_is_named():
    bodies = make_bodies(10)
    tampered = rows(bodies)
    del tampered[4]
    with pytest.raises(LedgerIntegrityError, match="entry 4: found index 5 in its place") as caught:
        verify_entries(tampered, [], KEYS, allow_unsigned_tail=True)
    assert caught.value.index == 4


def test_swapped_entries_renumbered_by_the_editor_fail_at_the_first_of_them():
    bodies = make_bodies(10)
    swapped = bodies[:]
    swapped[3], swapped[6] = swapped[6], swapped[3]
    with pytest.raises(LedgerIntegrityError, match=r"entries 0\.\.9 do not match") as caught:
        verify_entries(rows(swapped), heads_at(bodies, [10]), KEYS)
    assert caught.value.index == 0
    with pytest.raises(LedgerIntegrityError) as caught:
        verify_entries(rows(swapped), heads_at(bodies, list(range(11))), KEYS)
    assert caught.value.index == 3


def test_a_truncated_log_is_caught_by_a_later_head():
    bodies = make_bodies(30)
    with pytest.raises(LedgerIntegrityError, match=r"entries 25\.\.29 were removed") as caught:
        verify_entries(rows(bodies[:25]), heads_at(bodies, [10, 30]), KEYS)
    assert caught.value.index == 25


def test_a_forged_checkpoint_signature_is_named():
    bodies = make_bodies(5)
    (head,) = heads_at(bodies, [5])
    (signature,) = head.note.signatures
    bad = NoteSignature(signature.name, signature.key_id, bytes(64))
    forged = SignedTreeHead(head.checkpoint, Note(head.note.text, (bad,)), head.time)
    with pytest.raises(
        LedgerIntegrityError,
        match=r"checkpoint at size 5 .*: the signature by test.example/log \(key ID [0-9a-f]{8}\) "
        r"does not verify",
    ) as caught:
        verify_entries(rows(bodies), [forged], KEYS)
    assert caught.value.index is None


def test_a_checkpoint_signed_by_another_key_does_not_verify():
    other = Ed25519PrivateKey.generate()
    head = sign_head(Checkpoint(ORIGIN, 0, CompactRange().root()), other, START)
    with pytest.raises(
        LedgerIntegrityError,
        match=r"is not signed by a trusted key .*" + re.escape(KEYS.log.vkey()),
    ):
        verify_head_signature(head, KEYS.log)


def test_a_checkpoint_of_another_origin_does_not_verify():
    head = sign_head(Checkpoint("other.example/log", 0, CompactRange().root()), KEY, START)
    with pytest.raises(LedgerIntegrityError, match=r"origin 'other\.example/log' is not the log"):
        verify_head_signature(head, KEYS.log)


def test_a_checkpoint_round_trips_through_its_note():
    (head,) = heads_at(make_bodies(3), [3])
    assert SignedTreeHead.from_note(head.render(), START) == head
    assert head.render().startswith(f"{ORIGIN}\n3\n")
    with pytest.raises(LedgerIntegrityError, match="checkpoint is malformed"):
        SignedTreeHead.from_note(head.render().replace("\n3\n", "\n03\n"), START)


def test_entries_after_the_newest_checkpoint_fail_unless_allowed():
    bodies = make_bodies(12)
    with pytest.raises(
        LedgerIntegrityError, match=r"entries 10\.\.11 are not covered by any checkpoint"
    ) as caught:
        verify_entries(rows(bodies), heads_at(bodies, [4, 10]), KEYS)
    assert caught.value.index == 10
    result = verify_entries(rows(bodies), heads_at(bodies, [4, 10]), KEYS, allow_unsigned_tail=True)
    assert (result.size, result.unsigned_tail) == (12, 2)


def test_a_log_with_no_checkpoint_at_all_fails():
    with pytest.raises(
        LedgerIntegrityError, match=r"entries 0\.\.2 are not covered by any checkpoint"
    ):
        verify_entries(rows(make_bodies(3)), [], KEYS)


class TestExportLines:
    def test_a_line_is_canonical_json_and_splits_back_into_its_parts(self):
        body = make_bodies(1)[0]
        line = entry_line(12, body, hash_leaf(body))
        # keys sorted, the body's bytes as they are, one line
        leaf = hash_leaf(body).hex().encode()
        assert line == b'{"body":' + body + b',"index":12,"leaf_hash":"' + leaf + b'"}\n'
        assert parse_entry_line(line, 13) == (12, body, hash_leaf(body))

    def test_a_record_with_its_own_index_field_still_parses(self):
        body = LedgerEntry(0, "a.b", START, "x", {"index": 5, "s": ',"index":'}).body()
        assert parse_entry_line(entry_line(0, body, hash_leaf(body)), 1)[1] == body

    @pytest.mark.parametrize(
        "line", [b"", b"{}\n", b'{"body":{},"index":01,"leaf_hash":"' + b"0" * 64 + b'"}']
    )
    def test_a_malformed_line_is_named(self, line):
        with pytest.raises(LedgerIntegrityError, match=r"entries\.jsonl line 7: not an entry line"):
            parse_entry_line(line, 7)


class TestStoredNodes:
    def stored(self, count):
        tree, nodes = CompactRange(), {}
        leaves = [hash_leaf(b) for b in make_bodies(count)]
        for leaf in leaves:
            for level, index, digest in tree.append(leaf):
                nodes.setdefault(level, {})[index] = digest
        return leaves, nodes

    def reader(self, nodes):
        return lambda level: sorted(nodes.get(level, {}).items())

    def test_correct_nodes_pass(self):
        leaves, nodes = self.stored(37)
        verify_stored_nodes(leaves, self.reader(nodes))

    def test_a_wrong_interior_node_is_named_with_its_entries(self):
        leaves, nodes = self.stored(37)
        nodes[2][3] = b"\x00" * 32
        with pytest.raises(
            LedgerIntegrityError, match=r"level 2, index 3\) covering entries 12\.\.15 differs"
        ) as caught:
            verify_stored_nodes(leaves, self.reader(nodes))
        assert caught.value.index == 12

    def test_a_missing_node_is_named(self):
        leaves, nodes = self.stored(37)
        del nodes[0][36]
        with pytest.raises(
            LedgerIntegrityError, match=r"level 0, index 36\) covering entries 36\.\.36 is missing"
        ):
            verify_stored_nodes(leaves, self.reader(nodes))
