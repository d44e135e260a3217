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


def vkey_of(cli):
    out = cli("ledger", "public-key", "--vkey")
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


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
    # the signed-note verifier key: name+keyID+base64(0x01 || key), keyID from the spec
    key_id = hashlib.sha256(b"localhost/likeness\n\x01" + raw).digest()[:4]
    material = base64.b64encode(b"\x01" + raw).decode()
    assert vkey_of(ready) == f"localhost/likeness+{key_id.hex()}+{material}"


def test_the_demo_is_signed_and_proofs_verify_against_its_checkpoint(ready):
    note = ready("ledger", "head")
    assert note.returncode == 0, note.stderr
    origin, size, root_b64, blank, signature, end = note.stdout.split("\n")
    assert (origin, size, blank, end) == ("localhost/likeness", str(DEMO_ENTRIES), "", "")
    assert signature.startswith("\u2014 localhost/likeness ")
    head = as_json(ready("ledger", "head", "--json"))
    assert head["note"] == note.stdout and head["vkey"] == vkey_of(ready)
    root = base64.b64decode(root_b64)
    assert head["root"] == root.hex()
    proof = as_json(ready("ledger", "prove-inclusion", "3", "--json"))
    assert proof["tree_size"] == DEMO_ENTRIES
    assert proof["checkpoint"]["root"] == head["root"]
    leaf = hash_leaf(proof["body"].encode())
    path = [bytes.fromhex(h) for h in proof["audit_path"]]
    verify_inclusion(leaf, 3, DEMO_ENTRIES, path, root)
    consistency = as_json(ready("ledger", "prove-consistency", "2", str(DEMO_ENTRIES), "--json"))
    verify_consistency(
        2,
        DEMO_ENTRIES,
        bytes.fromhex(consistency["old_root"]),
        root,
        [bytes.fromhex(h) for h in consistency["consistency_path"]],
    )


def test_an_export_verifies_anywhere_with_the_key_given_and_a_changed_entry_is_named(
    ready, tmp_path
):
    export = tmp_path / "export"
    out = ready("ledger", "export", str(export))
    assert out.returncode == 0, out.stderr
    vkey = vkey_of(ready)
    # Verifying an export needs no data directory and no database, but the key, given.
    nowhere = {"LIKENESS_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"}
    keyless = run_cli(tmp_path / "empty-home", "ledger", "verify", str(export), env=nowhere)
    assert keyless.returncode == 2
    assert keyless.stderr.startswith("error: give the log's verifier key with --key VKEY")
    ok = run_cli(
        tmp_path / "empty-home", "ledger", "verify", str(export), "--key", vkey, env=nowhere
    )
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout == (
        f"ledger verified ({export}): {DEMO_ENTRIES} entries, 1 checkpoint checked, root "
        f"{as_json(ready('ledger', 'head', '--json'))['root']}\nlog key {vkey}\n"
    )
    lines = (export / "entries.jsonl").read_bytes().splitlines(keepends=True)
    lines[4] = lines[4].replace(b'"operator"', b'"intruder"')
    (export / "entries.jsonl").write_bytes(b"".join(lines))
    key_file = tmp_path / "log.vkey"
    key_file.write_text(vkey + "\n")
    bad = run_cli(tmp_path / "empty-home", "ledger", "verify", str(export), "--key", str(key_file))
    assert bad.returncode == 1
    assert bad.stderr.startswith("error: entry 4: leaf hash differs from stored (got ")
    assert "Traceback" not in bad.stderr


def test_an_export_signed_by_another_installation_is_refused(ready, cli, tmp_path):
    other = lambda *a: run_cli(tmp_path / "other", *a)  # noqa: E731
    assert other("init").returncode == 0 and other("demo").returncode == 0
    assert other("ledger", "export", str(tmp_path / "forged")).returncode == 0
    bad = ready("ledger", "verify", str(tmp_path / "forged"), "--key", vkey_of(ready))
    assert bad.returncode == 1
    assert "is not signed by a trusted key (trusted: localhost/likeness)" in bad.stderr


def test_the_database_verifies_and_an_unsigned_tail_is_named(ready):
    out = ready("ledger", "verify")
    assert out.returncode == 0, out.stderr
    assert re.fullmatch(
        f"ledger verified \\(the database\\): {DEMO_ENTRIES} entries, 1 checkpoint checked,"
        " root [0-9a-f]{64}\n"
        "log key localhost/likeness\\+[0-9a-f]{8}\\+\\S+\n",
        out.stdout,
    ), out.stdout
    assert ready("strike", "declare", "--against", "all", "--from", "2026-01-01").returncode == 0
    tail = ready("ledger", "verify")
    assert tail.returncode == 1
    assert tail.stderr == (
        f"error: entries {DEMO_ENTRIES}..{DEMO_ENTRIES} are not covered by any checkpoint, so "
        "nothing vouches for them (run `likeness ledger head`, or pass --allow-unsigned-tail to "
        "accept them as unverified)\n"
    )
    allowed = ready("ledger", "verify", "--allow-unsigned-tail")
    assert allowed.returncode == 0
    assert allowed.stdout.endswith(
        f"UNVERIFIED: entries {DEMO_ENTRIES}..{DEMO_ENTRIES} are not covered by a checkpoint "
        "(run `likeness ledger head`)\n"
    )
    bad = ready("ledger", "prove-inclusion", "100000")
    assert bad.returncode == 2
    assert bad.stderr == (
        f"error: entry 100000 is not in the tree of size {DEMO_ENTRIES + 1}"
        f" (expected 0..{DEMO_ENTRIES})\n"
    )
    huge = ready("ledger", "prove-inclusion", "9" * 5000)
    assert huge.returncode == 2 and "Traceback" not in huge.stderr
    assert "Invalid value for 'index'" in huge.stderr
