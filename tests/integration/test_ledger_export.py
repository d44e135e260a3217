"""The export directory and the signing key file: formats, permissions, and what verify catches."""

from __future__ import annotations

import json
import os
import stat
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from likeness.errors import ConflictError, InvalidInputError, LedgerIntegrityError, NotFoundError
from likeness.ledger.entry import LedgerEntry
from likeness.ledger.export import HEADS_FILE, PUBLIC_KEY_FILE, write_export
from likeness.ledger.heads import (
    KEY_FILENAME,
    TreeHead,
    ensure_signing_key,
    key_fingerprint,
    load_signing_key,
    public_key_pem,
    sign_head,
)
from likeness.ledger.tree import CompactRange, hash_leaf
from likeness.ledger.verify import verify_export

MOMENT = datetime(2025, 3, 1, tzinfo=UTC)


def export(directory, key, count=12):
    bodies = [LedgerEntry(i, "use-recorded", MOMENT, "t", {"i": i}).body() for i in range(count)]
    tree = CompactRange()
    for body in bodies:
        tree.push(hash_leaf(body))
    head = sign_head(TreeHead(count, tree.root(), MOMENT), key)
    rows = [(i, body, hash_leaf(body)) for i, body in enumerate(bodies)]
    write_export(directory, rows, [head], key.public_key())
    return head


def test_an_export_round_trips_and_verifies(tmp_path):
    key = Ed25519PrivateKey.generate()
    head = export(tmp_path / "e", key)
    result = verify_export(tmp_path / "e")
    assert (result.size, result.root, result.heads_checked) == (12, head.root, 1)
    assert result.key_fingerprint == key_fingerprint(key.public_key())


def test_a_replaced_public_key_is_caught(tmp_path):
    export(tmp_path / "e", Ed25519PrivateKey.generate())
    other = Ed25519PrivateKey.generate()
    (tmp_path / "e" / PUBLIC_KEY_FILE).write_bytes(public_key_pem(other))
    with pytest.raises(LedgerIntegrityError, match=r"names public key sha256:.* was replaced"):
        verify_export(tmp_path / "e")
    document = json.loads((tmp_path / "e" / HEADS_FILE).read_text())
    document["public_key_fingerprint"] = key_fingerprint(other.public_key())
    (tmp_path / "e" / HEADS_FILE).write_text(json.dumps(document))
    with pytest.raises(LedgerIntegrityError, match="signature does not verify") as caught:
        verify_export(tmp_path / "e")
    assert caught.value.index is None


def test_an_export_missing_a_file_says_which(tmp_path):
    export(tmp_path / "e", Ed25519PrivateKey.generate())
    (tmp_path / "e" / HEADS_FILE).unlink()
    with pytest.raises(NotFoundError, match=r"heads\.json is missing"):
        verify_export(tmp_path / "e")


def test_an_export_never_overwrites_another(tmp_path):
    key = Ed25519PrivateKey.generate()
    export(tmp_path / "e", key)
    with pytest.raises(ConflictError, match=r"already holds entries\.jsonl"):
        export(tmp_path / "e", key)


def test_the_signing_key_is_made_owner_only_and_kept(tmp_path):
    path = ensure_signing_key(tmp_path / "home")
    assert path.name == KEY_FILENAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    before = path.read_bytes()
    assert ensure_signing_key(tmp_path / "home") == path
    assert path.read_bytes() == before
    assert isinstance(load_signing_key(path), Ed25519PrivateKey)


def test_a_key_others_can_read_is_refused(tmp_path):
    path = ensure_signing_key(tmp_path / "home")
    os.chmod(path, 0o644)
    with pytest.raises(InvalidInputError, match=r"has mode 0644 \(expected 0600, owner only\)"):
        load_signing_key(path)


def test_a_missing_key_says_to_run_init(tmp_path):
    with pytest.raises(NotFoundError, match="likeness init"):
        load_signing_key(tmp_path / KEY_FILENAME)
