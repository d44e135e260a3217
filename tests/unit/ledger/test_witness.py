"""The witness: cosigns checkpoints that extend what it saw; refuses forks and rollbacks."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from likeness.errors import ConflictError, WitnessRefusedError
from likeness.ledger.heads import Checkpoint, log_verifier, sign_head
from likeness.ledger.note import parse_note
from likeness.ledger.tree import CompactRange, MemoryNodeStore, consistency_proof, hash_leaf
from likeness.ledger.witness import AddCheckpoint, Witness, parse_add_checkpoint

ORIGIN = "log.example/likeness"
KEY = Ed25519PrivateKey.generate()
NOW = datetime(2026, 12, 1, tzinfo=UTC)


class Log:
    """An in-memory log signing its own checkpoints (a fork is a log with other entries)."""

    def __init__(self, bodies, key=KEY):
        self.store, self.tree, self.key = MemoryNodeStore(), CompactRange(), key
        self.roots = [self.tree.root()]
        for body in bodies:
            self.store.put_nodes(self.tree.append(hash_leaf(body)))
            self.roots.append(self.tree.root())

    def note(self, size):
        return sign_head(Checkpoint(ORIGIN, size, self.roots[size]), self.key, NOW).render()

    def request(self, old, size):
        proof = consistency_proof(self.store, old, size) if 0 < old < size else []
        return AddCheckpoint(old, tuple(proof), self.note(size))


def bodies(tag, count):
    return [f'{{"entry":{i},"tag":"{tag}"}}'.encode() for i in range(count)]


@pytest.fixture
def witness(tmp_path):
    made = Witness.create(tmp_path / "w", "union.example/witness")
    made.follow(log_verifier(ORIGIN, KEY.public_key()).vkey())
    return made


def cosign(witness, request):
    body = request.body()
    return witness.add_checkpoint(parse_add_checkpoint(body), 1_700_000_000)


def test_a_consistent_history_is_cosigned_step_by_step(witness):
    log = Log(bodies("a", 40))
    for old, new in ((0, 5), (5, 17), (17, 17), (17, 40)):
        line = cosign(witness, log.request(old, new))
        note = parse_note(log.note(new) + line)
        assert [s.name for s in note.signatures] == [ORIGIN, "union.example/witness"]
        assert witness.verifier().verify(note.text, note.signatures[1].signature)
    state = json.loads((witness.directory / "witness.json").read_text())
    assert state["logs"][ORIGIN]["size"] == 40
    assert base64.b64decode(state["logs"][ORIGIN]["root"]) == log.roots[40]


def test_two_forks_are_each_consistent_but_the_witness_cosigns_only_the_first(witness):
    # Two histories that agree on 20 entries, then diverge; each is consistent on its own.
    first = Log(bodies("a", 20) + bodies("first", 30))
    second = Log(bodies("a", 20) + bodies("second", 30))
    for log in (first, second):
        proof = consistency_proof(log.store, 25, 50)
        assert proof  # (each log proves its own 25 -> 50 just fine)
    cosign(witness, first.request(0, 25))
    with pytest.raises(WitnessRefusedError) as caught:
        cosign(witness, second.request(25, 50))
    assert caught.value.status == 422
    assert str(caught.value).startswith(
        "refusing a fork: the tree of size 50 does not extend the tree of size 25 this witness "
        "cosigned"
    )
    with pytest.raises(WitnessRefusedError) as caught:
        cosign(witness, second.request(0, 25))  # the fork's own checkpoint at the same size
    assert (caught.value.status, caught.value.known_size) == (409, 25)
    cosign(witness, first.request(25, 50))  # the real log goes on


def test_a_changed_root_at_the_cosigned_size_is_a_fork(witness):
    cosign(witness, Log(bodies("a", 10)).request(0, 10))
    with pytest.raises(WitnessRefusedError, match=r"refusing a fork: the log's tree at size 10"):
        cosign(witness, Log(bodies("b", 10)).request(10, 10))


def test_a_rollback_is_refused_with_the_size_cosigned(witness):
    log = Log(bodies("a", 30))
    cosign(witness, log.request(0, 30))
    with pytest.raises(
        WitnessRefusedError, match="refusing a rollback: checkpoint of size 12"
    ) as caught:
        cosign(witness, log.request(0, 12))
    assert (caught.value.status, caught.value.known_size) == (409, 30)


def test_a_stale_old_size_answers_409_with_the_size_to_prove_from(witness):
    log = Log(bodies("a", 30))
    cosign(witness, log.request(0, 10))
    with pytest.raises(WitnessRefusedError) as caught:
        cosign(witness, log.request(5, 30))
    assert (caught.value.status, caught.value.known_size) == (409, 10)


def test_an_unknown_log_and_a_bad_signature_are_refused(witness):
    stranger = Log(bodies("a", 3), key=Ed25519PrivateKey.generate())
    with pytest.raises(WitnessRefusedError, match="is not signed by a trusted key") as caught:
        cosign(witness, stranger.request(0, 3))
    assert caught.value.status == 403
    other = AddCheckpoint(0, (), Log(bodies("a", 3)).note(3).replace(ORIGIN, "other.example/x"))
    with pytest.raises(WitnessRefusedError) as caught:
        cosign(witness, other)
    assert caught.value.status in (403, 404)


def test_a_proof_that_does_not_verify_is_422(witness):
    log = Log(bodies("a", 30))
    cosign(witness, log.request(0, 10))
    good = log.request(10, 30)
    broken = AddCheckpoint(10, (bytes(32), *good.proof[1:]), good.note)
    with pytest.raises(WitnessRefusedError) as caught:
        cosign(witness, broken)
    assert caught.value.status == 422


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "request is malformed"),
        (b"old 01\n\nx", "request is malformed"),
        (b"old 1\nnot-base64\n\nx", "line 2 is not a base64 SHA-256 hash"),
        (b"old 9\n\n" + b"x" * 70_000, "request is 70007 bytes"),
        (b"old 5\n\n" + b"\xff", "request is not UTF-8"),
    ],
)
def test_a_malformed_request_is_400(body, message):
    with pytest.raises(WitnessRefusedError, match=message) as caught:
        parse_add_checkpoint(body)
    assert caught.value.status == 400


def test_old_size_beyond_the_checkpoint_is_400(witness):
    log = Log(bodies("a", 5))
    with pytest.raises(WitnessRefusedError, match="old size 9 is beyond") as caught:
        cosign(witness, AddCheckpoint(9, (), log.note(5)))
    assert caught.value.status == 400


def test_a_witness_is_made_once_and_follows_a_log_with_one_key(tmp_path, witness):
    with pytest.raises(ConflictError, match="already holds a witness"):
        Witness.create(witness.directory, "again.example/w")
    with pytest.raises(
        ConflictError, match=r"already follows log\.example/likeness with another key"
    ):
        witness.follow(log_verifier(ORIGIN, Ed25519PrivateKey.generate().public_key()).vkey())
    assert Witness(witness.directory).vkey() == witness.vkey()
