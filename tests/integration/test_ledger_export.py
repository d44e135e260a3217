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
from likeness.ledger.export import (
    CHECKPOINTS_DIR,
    ENTRIES_FILE,
    INDEX_FILE,
    VKEY_FILE,
    write_export,
)
from likeness.ledger.heads import (
    KEY_FILENAME,
    Checkpoint,
    ensure_signing_key,
    load_signing_key,
    log_verifier,
    sign_head,
)
from likeness.ledger.tree import CompactRange, hash_leaf
from likeness.ledger.verify import LogKeys, verify_export

MOMENT = datetime(2025, 3, 1, tzinfo=UTC)
ORIGIN = "test.example/ledger"


def bodies_of(count):
    return [LedgerEntry(i, "use-recorded", MOMENT, "t", {"i": i}).body() for i in range(count)]


def export(directory, key, count=12, sizes=None):
    bodies = bodies_of(count)
    tree, heads = CompactRange(), []
    for size in range(count + 1):
        if size in (sizes or [count]):
            heads.append(sign_head(Checkpoint(ORIGIN, size, tree.root()), key, MOMENT))
        if size < count:
            tree.push(hash_leaf(bodies[size]))
    rows = [(i, body, hash_leaf(body)) for i, body in enumerate(bodies)]
    write_export(directory, rows, heads, log_verifier(ORIGIN, key.public_key()).vkey())
    return heads[-1]


def keys_of(key):
    return LogKeys(log_verifier(ORIGIN, key.public_key()))


def test_an_export_round_trips_and_verifies(tmp_path):
    key = Ed25519PrivateKey.generate()
    head = export(tmp_path / "e", key, sizes=[5, 12])
    result = verify_export(tmp_path / "e", keys_of(key))
    assert (result.size, result.root, result.heads_checked) == (12, head.root, 2)
    assert result.log_vkey == keys_of(key).log.vkey()
    assert (tmp_path / "e" / "checkpoint").read_text() == head.render()
    assert sorted(p.name for p in (tmp_path / "e" / CHECKPOINTS_DIR).iterdir()) == ["12", "5"]
    assert (tmp_path / "e" / VKEY_FILE).read_text() == keys_of(key).log.vkey() + "\n"
    instructions = (tmp_path / "e" / "VERIFY.txt").read_text()
    assert keys_of(key).log.vkey() in instructions
    assert "note.Open(checkpointBytes" in instructions


def test_an_export_whose_checkpoints_were_emptied_fails(tmp_path):
    key = Ed25519PrivateKey.generate()
    export(tmp_path / "e", key)
    document = json.loads((tmp_path / "e" / INDEX_FILE).read_text())
    document["checkpoints"] = []
    (tmp_path / "e" / INDEX_FILE).write_text(json.dumps(document))
    with pytest.raises(
        LedgerIntegrityError, match=r"entries 0\.\.11 are not covered by any checkpoint"
    ) as caught:
        verify_export(tmp_path / "e", keys_of(key))
    assert caught.value.index == 0
    assert verify_export(tmp_path / "e", keys_of(key), allow_unsigned_tail=True).unsigned_tail == 12


def test_an_entry_appended_after_the_last_checkpoint_fails(tmp_path):
    key = Ed25519PrivateKey.generate()
    export(tmp_path / "e", key)
    extra = LedgerEntry(12, "use-recorded", MOMENT, "t", {"i": 12}).body()
    with open(tmp_path / "e" / ENTRIES_FILE, "ab") as handle:
        handle.write(
            b'{"body":'
            + extra
            + b',"index":12,"leaf_hash":"'
            + hash_leaf(extra).hex().encode()
            + b'"}\n'
        )
    with pytest.raises(LedgerIntegrityError, match=r"entries 12\.\.12 are not covered") as caught:
        verify_export(tmp_path / "e", keys_of(key))
    assert caught.value.index == 12


def test_an_export_re_signed_with_another_key_fails_with_the_expected_key(tmp_path):
    key, forger = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    export(tmp_path / "real", key)
    export(tmp_path / "forged", forger, count=13)  # edited, re-signed, log.vkey replaced too
    assert verify_export(tmp_path / "forged", keys_of(forger)).size == 13
    with pytest.raises(LedgerIntegrityError, match="is not signed by a trusted key") as caught:
        verify_export(tmp_path / "forged", keys_of(key))
    assert caught.value.index is None


def test_an_export_missing_a_file_says_which(tmp_path):
    key = Ed25519PrivateKey.generate()
    export(tmp_path / "e", key)
    (tmp_path / "e" / INDEX_FILE).unlink()
    with pytest.raises(NotFoundError, match=r"export\.json is missing"):
        verify_export(tmp_path / "e", keys_of(key))


def test_a_listed_checkpoint_that_is_missing_is_named(tmp_path):
    key = Ed25519PrivateKey.generate()
    export(tmp_path / "e", key)
    (tmp_path / "e" / CHECKPOINTS_DIR / "12").unlink()
    with pytest.raises(LedgerIntegrityError, match=r"lists a checkpoint at size 12 but .* missing"):
        verify_export(tmp_path / "e", keys_of(key))


def test_an_export_never_overwrites_another(tmp_path):
    key = Ed25519PrivateKey.generate()
    export(tmp_path / "e", key)
    with pytest.raises(ConflictError, match=r"already exists and is not empty"):
        export(tmp_path / "e", key)
    (tmp_path / "empty").mkdir()
    export(tmp_path / "empty", key)
    assert verify_export(tmp_path / "empty", keys_of(key)).size == 12


def test_an_export_that_fails_half_way_leaves_nothing_behind(tmp_path):
    key = Ed25519PrivateKey.generate()

    def failing_rows():
        for index, body in enumerate(bodies_of(30_000)):
            if index == 25_000:
                raise OSError("disk full")
            yield index, body, hash_leaf(body)

    with pytest.raises(OSError, match="disk full"):
        write_export(tmp_path / "e", failing_rows(), [], keys_of(key).log.vkey())
    assert list(tmp_path.iterdir()) == []  # neither the export nor its temporary directory
    export(tmp_path / "e", key)  # and the next export is not blocked
    assert verify_export(tmp_path / "e", keys_of(key)).size == 12


def test_an_entry_line_with_a_huge_index_is_named_not_a_traceback(tmp_path):
    key = Ed25519PrivateKey.generate()
    export(tmp_path / "e", key)
    lines = (tmp_path / "e" / ENTRIES_FILE).read_bytes().splitlines(keepends=True)
    lines[3] = lines[3].replace(b'"index":3,', b'"index":' + b"9" * 5000 + b",")
    (tmp_path / "e" / ENTRIES_FILE).write_bytes(b"".join(lines))
    with pytest.raises(LedgerIntegrityError, match=r"entries\.jsonl line 4: not an entry line"):
        verify_export(tmp_path / "e", keys_of(key))


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
