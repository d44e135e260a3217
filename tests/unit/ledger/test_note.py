"""C2SP signed notes: signatures, cosignatures and verifier keys, and what opening refuses."""

from __future__ import annotations

import base64
import hashlib
import struct

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from likeness.errors import LedgerIntegrityError
from likeness.ledger.note import (
    CosignatureVerifier,
    Cosigner,
    Ed25519Signer,
    Ed25519Verifier,
    Note,
    NoteSignature,
    open_note,
    parse_note,
    parse_vkey,
    raw_public_key,
)

TEXT = "example.org/log\n12\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"


def signer(name="example.org/log"):
    return Ed25519Signer(name, Ed25519PrivateKey.generate())


def test_a_signature_line_is_the_spec_s_shape_and_key_id():
    log = signer()
    signature = log.sign(TEXT)
    raw = raw_public_key(log.private_key.public_key())
    key_id = hashlib.sha256(b"example.org/log\n\x01" + raw).digest()[:4]
    assert signature.key_id == key_id
    line = signature.line()
    assert line.startswith("\u2014 example.org/log ") and line.endswith("\n")
    decoded = base64.b64decode(line.split(" ")[2])
    assert decoded[:4] == key_id and len(decoded) == 68
    note = Note(TEXT, (signature,))
    assert note.render() == TEXT + "\n" + line
    assert parse_note(note.render()) == note


def test_a_cosignature_signs_the_header_the_time_and_the_text():
    witness = Cosigner("witness.example/w1", Ed25519PrivateKey.generate())
    signature = witness.sign(TEXT, 1_679_315_147)
    assert signature.signature[:8] == struct.pack(">Q", 1_679_315_147)
    message = b"cosignature/v1\ntime 1679315147\n" + TEXT.encode()
    witness.private_key.public_key().verify(signature.signature[8:], message)
    raw = raw_public_key(witness.private_key.public_key())
    assert signature.key_id == hashlib.sha256(b"witness.example/w1\n\x04" + raw).digest()[:4]
    assert witness.verifier().verify(TEXT, signature.signature)
    assert not witness.verifier().verify(TEXT.replace("12", "13"), signature.signature)


@settings(max_examples=200, deadline=None)
@given(st.binary(min_size=32, max_size=32), st.sampled_from([Ed25519Verifier, CosignatureVerifier]))
def test_a_vkey_round_trips_whatever_its_base64_holds(seed, kind):
    verifier = kind("log.example/x", Ed25519PrivateKey.from_private_bytes(seed).public_key())
    parsed = parse_vkey(verifier.vkey())
    assert type(parsed) is kind and parsed.vkey() == verifier.vkey()


def test_the_vkey_property_reaches_keys_whose_base64_holds_a_plus():
    keys = [Ed25519PrivateKey.from_private_bytes(bytes([i]) * 32) for i in range(200)]
    with_plus = [k for k in keys if "+" in Ed25519Verifier("a", k.public_key()).vkey()[11:]]
    assert len(with_plus) >= 40  # about 1 in 2 of 44-character base64 strings hold a '+'
    for key in with_plus:
        assert parse_vkey(Ed25519Verifier("a", key.public_key()).vkey()).key_id


@pytest.mark.parametrize(
    ("vkey", "message"),
    [
        ("nonsense", "is malformed"),
        ("a+b", "is malformed"),
        ("a b+00000000+AQ==", "key name 'a b' is invalid"),
        ("a+zz+AQ==", "not hex / base64"),
        ("a+00000000+AQ==", "expected an Ed25519 key of type 0x01"),
    ],
)
def test_a_bad_vkey_says_what_is_wrong(vkey, message):
    with pytest.raises(LedgerIntegrityError, match=message):
        parse_vkey(vkey)


def test_a_vkey_whose_id_does_not_match_its_key_is_refused():
    vkey = signer().verifier().vkey()
    name, _, material = vkey.split("+", 2)
    with pytest.raises(LedgerIntegrityError, match="does not match the key"):
        parse_vkey(f"{name}+00000000+{material}")


def test_unknown_keys_are_ignored_and_a_known_key_must_verify():
    log, stranger = signer(), signer("stranger.example/k")
    note = Note(TEXT, (stranger.sign(TEXT), log.sign(TEXT)))
    assert [s.name for s in open_note(note, [log.verifier()])] == ["example.org/log"]
    same_name = signer()  # same name, another key: another key ID, so ignored
    with pytest.raises(LedgerIntegrityError, match="is not signed by a trusted key"):
        open_note(Note(TEXT, (same_name.sign(TEXT),)), [log.verifier()])
    good = log.sign(TEXT)
    forged = NoteSignature(good.name, good.key_id, bytes(64))
    with pytest.raises(
        LedgerIntegrityError, match=r"signature by example\.org/log .* does not verify"
    ):
        open_note(Note(TEXT, (good, forged)), [log.verifier()])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (TEXT, "no blank line before the signatures"),
        (TEXT + "\n", "it has no signature lines"),
        (TEXT + "\n- example.org/log AAAA\n", "is not a signature line"),
        (TEXT + "\n\u2014 example.org/log !!!\n", "has a bad name or base64"),
        (TEXT + "\n\u2014 example.org/log AAAA\n", "is too short"),
        (TEXT + "\n\u2014 example.org/log AAAAAAAA", "does not end with a newline"),
        ("a\x07b\n\n\u2014 k AAAAAAAA\n", "contains control characters"),
    ],
)
def test_a_malformed_note_says_what_is_wrong(data, message):
    with pytest.raises(LedgerIntegrityError, match=message):
        parse_note(data)


def test_too_many_signatures_are_refused():
    log = signer()
    line = log.sign(TEXT).line()
    with pytest.raises(LedgerIntegrityError, match="has 65 signatures"):
        parse_note(TEXT + "\n" + line * 65)
