"""``likeness ledger`` as a user runs it: heads, proofs, export, offline verify, tampering."""

from __future__ import annotations

import base64
import json
import stat

import pytest

from likeness.ledger.heads import KEY_FILENAME
from likeness.ledger.tree import hash_leaf, verify_consistency, verify_inclusion
from tests.e2e.conftest import run_cli


@pytest.fixture
def ready(cli):
    assert cli("init").returncode == 0
    out = cli("demo")
    assert out.returncode == 0, out.stderr
    return cli


def as_json(out):
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_init_makes_a_signing_key_only_its_owner_can_read(ready):
    key = ready.home / KEY_FILENAME
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    pem = ready("ledger", "public-key")
    assert pem.returncode == 0 and pem.stdout.startswith("-----BEGIN PUBLIC KEY-----")
    assert ready("ledger", "public-key", "--fingerprint").stdout.startswith("sha256:")


def test_registrations_are_in_the_ledger_and_proofs_verify_against_the_signed_head(ready):
    head = as_json(ready("ledger", "head", "--json"))
    assert head["size"] >= 10
    assert len(base64.b64decode(head["signature"])) == 64
    root = bytes.fromhex(head["root"])
    proof = as_json(ready("ledger", "prove-inclusion", "3", "--json"))
    assert proof["tree_size"] == head["size"]
    assert proof["signed_head"]["root"] == head["root"]
    leaf = hash_leaf(proof["body"].encode())
    path = [bytes.fromhex(h) for h in proof["audit_path"]]
    verify_inclusion(leaf, 3, head["size"], path, root)
    consistency = as_json(ready("ledger", "prove-consistency", "2", str(head["size"]), "--json"))
    verify_consistency(
        2,
        head["size"],
        bytes.fromhex(consistency["old_root"]),
        root,
        [bytes.fromhex(h) for h in consistency["consistency_path"]],
    )


def test_an_export_verifies_offline_and_a_changed_entry_is_named(ready, tmp_path):
    export = tmp_path / "export"
    out = ready("ledger", "export", str(export))
    assert out.returncode == 0, out.stderr
    # Verifying an export needs no data directory and no database.
    nowhere = {"LIKENESS_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"}
    ok = run_cli(tmp_path / "empty-home", "ledger", "verify", str(export), env=nowhere)
    assert ok.returncode == 0, ok.stderr
    assert "ledger verified" in ok.stdout
    lines = (export / "entries.jsonl").read_bytes().splitlines(keepends=True)
    lines[4] = lines[4].replace(b'"operator"', b'"intruder"')
    (export / "entries.jsonl").write_bytes(b"".join(lines))
    bad = run_cli(tmp_path / "empty-home", "ledger", "verify", str(export), env=nowhere)
    assert bad.returncode == 1
    assert bad.stderr.startswith("error: entry 4: leaf hash differs from stored (got ")
    assert "Traceback" not in bad.stderr


def test_the_database_verifies_and_a_bad_index_is_refused(ready):
    out = ready("ledger", "verify")
    assert out.returncode == 0, out.stderr
    assert "not covered by a signed head" in out.stdout
    bad = ready("ledger", "prove-inclusion", "100000")
    assert bad.returncode == 2
    assert "entry 100000 is not in the tree of size" in bad.stderr
