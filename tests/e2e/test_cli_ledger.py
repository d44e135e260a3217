"""``likeness ledger`` as a user runs it: heads, proofs, export, offline verify, tampering."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import stat

import pytest
from cryptography.hazmat.primitives import serialization

from likeness.ledger.heads import KEY_FILENAME
from likeness.ledger.proofs import verify_consistency, verify_inclusion
from likeness.ledger.tree import hash_leaf
from tests.e2e.conftest import run_cli

#: what `likeness demo` writes to the ledger (SPEC §8): 7 performers, 4 producers,
#: 7 productions, 3 titles, 2 cast members, 6 replicas and 6 consents registered, a strike
#: declared, a consent suspended,
#: 8 decisions on uses, 5 uses recorded and a pay and a pension-health line for each, 3 consent
#: requests made (SPEC §11) and 13 demo accounts added (SPEC §10)
DEMO_ENTRIES = 7 + 4 + 7 + 3 + 2 + 6 + 6 + 1 + 1 + 8 + 5 + 5 * 2 + 3 + 13


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
    private = serialization.load_pem_private_key(key.read_bytes(), password=None)
    public = private.public_key()
    pem = ready("ledger", "public-key")
    assert pem.returncode == 0, pem.stderr
    expected_pem = public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert pem.stdout.encode() == expected_pem
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    fingerprint = ready("ledger", "public-key", "--fingerprint")
    assert fingerprint.stdout == f"sha256:{hashlib.sha256(raw).hexdigest()}\n"


def test_registrations_are_in_the_ledger_and_proofs_verify_against_the_signed_head(ready):
    head = as_json(ready("ledger", "head", "--json"))
    assert head["size"] == DEMO_ENTRIES  # 76
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
    assert re.fullmatch(
        f"ledger verified \\({re.escape(str(export))}\\): {DEMO_ENTRIES} entries,"
        " 1 signed head checked, root [0-9a-f]{64}\n"
        "public key sha256:[0-9a-f]{64}: check it against one you obtained separately\n",
        ok.stdout,
    ), ok.stdout
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
    assert re.fullmatch(
        f"ledger verified \\(the database\\): {DEMO_ENTRIES} entries, 0 signed heads checked,"
        " root [0-9a-f]{64}\n"
        "public key sha256:[0-9a-f]{64}: check it against one you obtained separately\n"
        f"note: entries 0..{DEMO_ENTRIES - 1} are not covered by a signed head yet"
        " \\(run `likeness ledger head`\\)\n",
        out.stdout,
    ), out.stdout
    bad = ready("ledger", "prove-inclusion", "100000")
    assert bad.returncode == 2
    assert bad.stderr == (
        f"error: entry 100000 is not in the tree of size {DEMO_ENTRIES}"
        f" (expected 0..{DEMO_ENTRIES - 1})\n"
    )
