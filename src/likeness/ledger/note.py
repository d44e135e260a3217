"""C2SP signed notes (c2sp.org/signed-note): Ed25519 signatures, cosignatures and vkeys.

A signed note is a text ending in a newline, a blank line, then one or more signature lines
``— <key name> <base64(4-byte key ID || signature)>``. The key ID is
``SHA-256(name || 0x0A || type || public key)[:4]``; this module knows two types:

* ``0x01``: Ed25519 over the note text: the log's signature on its checkpoints;
* ``0x04``: ``cosignature/v1`` (c2sp.org/tlog-cosignature): Ed25519 over
  ``"cosignature/v1\\ntime <T>\\n" || note text``, the signature being the 8-byte big-endian
  ``T`` followed by the 64-byte Ed25519 signature: a witness's statement about a checkpoint.

A verifier key is published as a *vkey*, ``<name>+<8 hex key ID>+<base64(type || key)>``, the
format Go's ``golang.org/x/mod/sumdb/note.NewVerifier`` reads.

Verification follows the spec: signatures by unknown keys (name *and* ID) are ignored, a
signature by a known key must verify or the whole note is rejected, and at least one known
key must have signed. Written here rather than taken from a package because no Python package
on the registries implements signed notes; it is checked against Go's implementation in the
interop tests (tests/integration/test_ledger_note_interop.py).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct
from dataclasses import dataclass
from typing import Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from likeness.errors import LedgerIntegrityError

__all__ = [
    "COSIGNATURE_V1",
    "ED25519",
    "MAX_SIGNATURES",
    "CosignatureVerifier",
    "Cosigner",
    "Ed25519Signer",
    "Ed25519Verifier",
    "Note",
    "NoteSignature",
    "NoteVerifier",
    "check_key_name",
    "cosigned_message",
    "key_id",
    "open_note",
    "parse_note",
    "parse_vkey",
    "raw_public_key",
]

#: signature type of a plain Ed25519 note signature
ED25519 = 0x01
#: signature type of a timestamped Ed25519 witness cosignature
COSIGNATURE_V1 = 0x04
#: the most signature lines a note may carry here (the spec asks for at least 16)
MAX_SIGNATURES = 64
_DASH = "\u2014 "


def raw_public_key(key: Ed25519PublicKey) -> bytes:
    """The 32 bytes of an Ed25519 public key (RFC 8032 encoding)."""
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def check_key_name(name: str) -> str:
    """Return ``name`` if it may name a note key (non-empty, no spaces, no ``+``).

    :raises LedgerIntegrityError: otherwise, saying what is wrong.
    """
    if not name or "+" in name or any(c.isspace() or ord(c) < 0x20 for c in name):
        raise LedgerIntegrityError(
            f"key name {name!r} is invalid (expected a non-empty name with no spaces or '+', "
            "e.g. example.org/likeness)"
        )
    return name


def key_id(name: str, signature_type: int, public_key: Ed25519PublicKey) -> bytes:
    """``SHA-256(name || 0x0A || type || public key)[:4]``."""
    material = name.encode("utf-8") + b"\n" + bytes([signature_type]) + raw_public_key(public_key)
    return hashlib.sha256(material).digest()[:4]


@dataclass(frozen=True)
class NoteSignature:
    """One signature line: the key's name, its 4-byte ID and the signature bytes."""

    name: str
    key_id: bytes
    signature: bytes

    def line(self) -> str:
        """The signature line, newline included."""
        encoded = base64.b64encode(self.key_id + self.signature).decode("ascii")
        return f"{_DASH}{self.name} {encoded}\n"


@dataclass(frozen=True)
class Note:
    """A note's text (ending in a newline) and its signature lines."""

    text: str
    signatures: tuple[NoteSignature, ...]

    def render(self) -> str:
        """The note as it is written and sent."""
        return self.text + "\n" + "".join(s.line() for s in self.signatures)

    def with_signatures(self, *added: NoteSignature) -> Note:
        """The note with more signature lines (one already present is not repeated)."""
        present = set(self.signatures)
        return Note(self.text, self.signatures + tuple(s for s in added if s not in present))


class NoteVerifier(Protocol):
    """A trusted key: its name and ID select the signature lines it checks."""

    @property
    def name(self) -> str: ...  # pragma: no cover - protocol

    @property
    def key_id(self) -> bytes: ...  # pragma: no cover - protocol

    def verify(self, text: str, signature: bytes) -> bool: ...  # pragma: no cover - protocol

    def vkey(self) -> str: ...  # pragma: no cover - protocol


def _vkey(name: str, signature_type: int, public_key: Ed25519PublicKey) -> str:
    material = bytes([signature_type]) + raw_public_key(public_key)
    identifier = key_id(name, signature_type, public_key).hex()
    return f"{name}+{identifier}+{base64.b64encode(material).decode('ascii')}"


@dataclass(frozen=True)
class Ed25519Verifier:
    """Checks type 0x01 signatures (a log's checkpoints)."""

    name: str
    public_key: Ed25519PublicKey

    @property
    def key_id(self) -> bytes:
        """The 4-byte key ID."""
        return key_id(self.name, ED25519, self.public_key)

    def verify(self, text: str, signature: bytes) -> bool:
        """Whether ``signature`` is this key's Ed25519 signature of ``text``."""
        try:
            self.public_key.verify(signature, text.encode("utf-8"))
        except InvalidSignature:
            return False
        return len(signature) == 64

    def vkey(self) -> str:
        """The verifier key, ``name+id+base64(0x01 || key)``."""
        return _vkey(self.name, ED25519, self.public_key)


def cosigned_message(text: str, timestamp: int) -> bytes:
    """What a ``cosignature/v1`` signs: the header line, the time line and the note text."""
    return f"cosignature/v1\ntime {timestamp}\n{text}".encode()


@dataclass(frozen=True)
class CosignatureVerifier:
    """Checks type 0x04 cosignatures (a witness's)."""

    name: str
    public_key: Ed25519PublicKey

    @property
    def key_id(self) -> bytes:
        """The 4-byte key ID."""
        return key_id(self.name, COSIGNATURE_V1, self.public_key)

    def verify(self, text: str, signature: bytes) -> bool:
        """Whether ``signature`` is ``timestamp || Ed25519(cosigned message)`` by this key."""
        if len(signature) != 72:
            return False
        (timestamp,) = struct.unpack(">Q", signature[:8])
        if timestamp >= 1 << 63:
            return False
        try:
            self.public_key.verify(signature[8:], cosigned_message(text, timestamp))
        except InvalidSignature:
            return False
        return True

    def vkey(self) -> str:
        """The verifier key, ``name+id+base64(0x04 || key)``."""
        return _vkey(self.name, COSIGNATURE_V1, self.public_key)


@dataclass(frozen=True)
class Ed25519Signer:
    """Signs note texts with type 0x01 signatures."""

    name: str
    private_key: Ed25519PrivateKey

    def verifier(self) -> Ed25519Verifier:
        """The matching verifier."""
        return Ed25519Verifier(self.name, self.private_key.public_key())

    def sign(self, text: str) -> NoteSignature:
        """Sign ``text`` (which must end in a newline)."""
        _check_text(text)
        identifier = key_id(self.name, ED25519, self.private_key.public_key())
        return NoteSignature(self.name, identifier, self.private_key.sign(text.encode("utf-8")))


@dataclass(frozen=True)
class Cosigner:
    """Signs note texts with ``cosignature/v1`` (type 0x04) signatures."""

    name: str
    private_key: Ed25519PrivateKey

    def verifier(self) -> CosignatureVerifier:
        """The matching verifier."""
        return CosignatureVerifier(self.name, self.private_key.public_key())

    def sign(self, text: str, timestamp: int) -> NoteSignature:
        """Cosign ``text`` as of ``timestamp`` (POSIX seconds)."""
        _check_text(text)
        identifier = key_id(self.name, COSIGNATURE_V1, self.private_key.public_key())
        signed = self.private_key.sign(cosigned_message(text, timestamp))
        return NoteSignature(self.name, identifier, struct.pack(">Q", timestamp) + signed)


def parse_vkey(vkey: str) -> Ed25519Verifier | CosignatureVerifier:
    """Read a verifier key ``name+<8 hex>+<base64(type || 32-byte key)>``.

    :raises LedgerIntegrityError: saying what is wrong with it.
    """
    parts = vkey.strip().split("+", 2)
    if len(parts) != 3:
        raise LedgerIntegrityError(
            f"verifier key {vkey.strip()[:80]!r} is malformed (expected NAME+KEYID+BASE64, "
            "as printed by `likeness ledger public-key --vkey`)"
        )
    name, identifier, material = parts
    check_key_name(name)
    try:
        raw = base64.b64decode(material, validate=True)
        expected_id = bytes.fromhex(identifier)
    except (binascii.Error, ValueError):
        raise LedgerIntegrityError(
            f"verifier key for {name}: the key ID or key is not hex / base64"
        ) from None
    if len(raw) != 33 or raw[0] not in (ED25519, COSIGNATURE_V1) or len(expected_id) != 4:
        raise LedgerIntegrityError(
            f"verifier key for {name}: expected an Ed25519 key of type 0x01 (a log) or 0x04 "
            "(a witness cosignature)"
        )
    public_key = Ed25519PublicKey.from_public_bytes(raw[1:])
    verifier = (
        Ed25519Verifier(name, public_key)
        if raw[0] == ED25519
        else CosignatureVerifier(name, public_key)
    )
    if verifier.key_id != expected_id:
        raise LedgerIntegrityError(
            f"verifier key for {name}: key ID {identifier} does not match the key "
            f"(expected {verifier.key_id.hex()})"
        )
    return verifier


def _check_text(text: str) -> None:
    if not text.endswith("\n"):
        raise LedgerIntegrityError("note text must end with a newline")
    if any(ord(c) < 0x20 and c != "\n" for c in text):
        raise LedgerIntegrityError("note text must not contain control characters")


def parse_note(data: str, where: str = "note") -> Note:
    """Split a signed note into its text and signature lines (nothing is verified here).

    :raises LedgerIntegrityError: naming ``where`` if the note is malformed.
    """
    if not data.endswith("\n"):
        raise LedgerIntegrityError(f"{where} is malformed: it does not end with a newline")
    if any(ord(c) < 0x20 and c != "\n" for c in data):
        raise LedgerIntegrityError(f"{where} is malformed: it contains control characters")
    cut = data.rfind("\n\n")
    if cut < 0:
        raise LedgerIntegrityError(f"{where} is malformed: no blank line before the signatures")
    text, block = data[: cut + 1], data[cut + 2 :]
    lines = block.split("\n")[:-1]
    if not lines:
        raise LedgerIntegrityError(f"{where} is malformed: it has no signature lines")
    if len(lines) > MAX_SIGNATURES:
        raise LedgerIntegrityError(
            f"{where} has {len(lines)} signatures (at most {MAX_SIGNATURES} are read)"
        )
    return Note(text, tuple(_signature_line(line, where) for line in lines))


def _signature_line(line: str, where: str) -> NoteSignature:
    fields = line[len(_DASH) :].split(" ") if line.startswith(_DASH) else []
    if len(fields) != 2:
        raise LedgerIntegrityError(
            f"{where} is malformed: {line[:80]!r} is not a signature line "
            "(expected '\u2014 NAME BASE64')"
        )
    name, encoded = fields
    try:
        check_key_name(name)
        raw = base64.b64decode(encoded, validate=True)
    except (binascii.Error, LedgerIntegrityError):
        raise LedgerIntegrityError(
            f"{where} is malformed: signature line {line[:80]!r} has a bad name or base64"
        ) from None
    if len(raw) < 5:
        raise LedgerIntegrityError(f"{where} is malformed: signature by {name} is too short")
    return NoteSignature(name, raw[:4], raw[4:])


def open_note(
    note: Note, verifiers: list[NoteVerifier], where: str = "note"
) -> list[NoteSignature]:
    """Verify a note against trusted keys; return the signatures that verified.

    Signatures by keys not in ``verifiers`` are ignored; one by a known key that does not
    verify rejects the note.

    :raises LedgerIntegrityError: if a known key's signature is bad, or none verified.
    """
    known = {(v.name, v.key_id): v for v in verifiers}
    verified: list[NoteSignature] = []
    for signature in note.signatures:
        verifier = known.get((signature.name, signature.key_id))
        if verifier is None:
            continue
        if not verifier.verify(note.text, signature.signature):
            raise LedgerIntegrityError(
                f"{where}: the signature by {signature.name} (key ID "
                f"{signature.key_id.hex()}) does not verify: the note was altered or forged"
            )
        verified.append(signature)
    if not verified:
        names = ", ".join(sorted({v.vkey().split("+")[0] for v in verifiers})) or "none given"
        raise LedgerIntegrityError(
            f"{where} is not signed by a trusted key (trusted: {names}); signed by: "
            f"{', '.join(s.name for s in note.signatures)}"
        )
    return verified
