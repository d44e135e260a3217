"""Interop: checkpoints, cosignatures and proofs checked by Go's own implementations.

``tests/interop/notecheck`` is a small Go program built here from Debian's ``golang-go`` and
``golang-golang-x-mod-dev`` (``make interop-tools`` installs them): ``golang.org/x/mod/sumdb/note``
opens our signed notes with our vkeys (parsing, key IDs, Ed25519), and
``golang.org/x/mod/sumdb/tlog`` checks our RFC 6962/9162 inclusion and consistency proofs.
x/mod knows no cosignature type, so the program adds a cosignature/v1 verifier through
``note.Open``'s verifier interface (written from c2sp.org/tlog-cosignature, not from ours).

Without Go the tests are skipped, except where ``LIKENESS_REQUIRE_INTEROP=1`` (CI) makes them
fail instead.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from likeness.ledger.heads import Checkpoint, log_verifier, sign_head
from likeness.ledger.note import Cosigner, Ed25519Signer, Note
from likeness.ledger.tree import (
    CompactRange,
    MemoryNodeStore,
    consistency_proof,
    hash_leaf,
    inclusion_proof,
)

GOPATH = Path("/usr/share/gocode")
SOURCE = Path(__file__).resolve().parents[1] / "interop" / "notecheck"
ORIGIN = "interop.example/likeness"
KEY = Ed25519PrivateKey.generate()
NOW = datetime(2026, 12, 1, tzinfo=UTC)
SIZE = 64


@pytest.fixture(scope="module")
def notecheck(tmp_path_factory) -> Path:
    go = shutil.which("go")
    if go is None or not (GOPATH / "src/golang.org/x/mod/sumdb/note").is_dir():
        if os.environ.get("LIKENESS_REQUIRE_INTEROP") == "1":
            pytest.fail("Go and golang.org/x/mod are required here: run `make interop-tools`")
        pytest.skip("Go's golang.org/x/mod is not installed (`make interop-tools`)")
    out = tmp_path_factory.mktemp("notecheck") / "notecheck"
    env = {
        **os.environ,
        "GOPATH": str(GOPATH),
        "GO111MODULE": "off",
        "GOCACHE": str(out.parent / "cache"),
        "GOFLAGS": "",
    }
    built = subprocess.run(
        [go, "build", "-o", str(out), "."], cwd=SOURCE, env=env, capture_output=True, text=True
    )
    assert built.returncode == 0, built.stderr
    return out


def check(notecheck: Path, **document: object) -> dict[str, object]:
    done = subprocess.run(
        [str(notecheck)], input=json.dumps(document), capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout)
    return result


@pytest.fixture(scope="module")
def log():
    store, tree, roots = MemoryNodeStore(), CompactRange(), [CompactRange().root()]
    for i in range(SIZE):
        store.put_nodes(tree.append(hash_leaf(b'{"entry":%d}' % i)))
        roots.append(tree.root())
    return store, roots


def b64(digest: bytes) -> str:
    return base64.b64encode(digest).decode("ascii")


def test_go_opens_our_checkpoints_with_our_vkey(notecheck, log):
    _, roots = log
    notes = [sign_head(Checkpoint(ORIGIN, n, roots[n]), KEY, NOW).render() for n in (0, 1, 7, 64)]
    vkey = log_verifier(ORIGIN, KEY.public_key()).vkey()
    result = check(notecheck, log_vkeys=[vkey], notes=notes)
    assert result["notes"] == [{"signers": [ORIGIN], "error": ""}] * 4


def test_go_checks_cosignatures_and_rejects_what_was_altered(notecheck, log):
    _, roots = log
    head = sign_head(Checkpoint(ORIGIN, SIZE, roots[SIZE]), KEY, NOW)
    witness = Cosigner("union.example/witness", Ed25519PrivateKey.generate())
    stranger = Cosigner("stranger.example/w", Ed25519PrivateKey.generate())
    text = head.checkpoint.text()
    cosigned = head.note.with_signatures(
        witness.sign(text, 1_764_547_200), stranger.sign(text, 1_764_547_200)
    )
    impostor = Ed25519Signer(ORIGIN, Ed25519PrivateKey.generate())  # same name, another key
    notes = [
        cosigned.render(),
        cosigned.render().replace(f"\n{SIZE}\n", f"\n{SIZE + 1}\n", 1),
        Note(text, (impostor.sign(text),)).render(),
    ]
    result = check(
        notecheck,
        log_vkeys=[log_verifier(ORIGIN, KEY.public_key()).vkey()],
        witness_vkeys=[witness.verifier().vkey()],
        notes=notes,
    )
    verified, altered, impostor_result = result["notes"]  # type: ignore[misc]
    assert verified == {"signers": [ORIGIN, "union.example/witness"], "error": ""}
    assert altered["signers"] == [] and "invalid signature" in altered["error"]
    assert impostor_result["signers"] == [] and impostor_result["error"]


def test_go_checks_every_inclusion_and_consistency_proof(notecheck, log):
    store, roots = log
    inclusion = [
        {
            "leaf": b64(hash_leaf(b'{"entry":%d}' % index)),
            "index": index,
            "size": size,
            "root": b64(roots[size]),
            "proof": [b64(h) for h in inclusion_proof(store, index, size)],
        }
        for size in range(1, SIZE + 1)
        for index in range(size)
    ]
    consistency = [
        {
            "old": old,
            "new": new,
            "old_root": b64(roots[old]),
            "new_root": b64(roots[new]),
            "proof": [b64(h) for h in consistency_proof(store, old, new)],
        }
        for new in range(1, SIZE + 1)
        for old in range(1, new + 1)
    ]
    wrong = dict(inclusion[100], leaf=b64(hash_leaf(b"forged")))
    result = check(notecheck, inclusion=[*inclusion, wrong], consistency=consistency)
    assert result["inclusion"][:-1] == ["ok"] * len(inclusion)  # type: ignore[index]
    assert result["inclusion"][-1] != "ok"  # type: ignore[index]
    assert result["consistency"] == ["ok"] * len(consistency)
    assert len(inclusion) == SIZE * (SIZE + 1) // 2
