"""Checkpoints (signed tree heads) and the installation's Ed25519 signing key.

A checkpoint says "the log named ``origin`` had ``size`` entries with root ``root``" in the
C2SP ``tlog-checkpoint`` format (c2sp.org/tlog-checkpoint)::

    <origin>
    <size in decimal>
    <base64 root hash>

and is signed as a C2SP signed note (:mod:`likeness.ledger.note`) with the installation's key,
whose name is the origin. The origin is the setting ``LIKENESS_LOG_ORIGIN``. When a checkpoint
was signed is kept beside the note (it is not part of what is signed). Witnesses add
``cosignature/v1`` lines to the same note.

The private key lives in the data directory (``LIKENESS_HOME``) as an unencrypted PKCS#8 PEM
file readable by its owner only (mode 0600). :func:`load_signing_key` refuses a key file that
others can read, as ssh does. The verifier key is published as a vkey
(``likeness ledger public-key --vkey``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
import stat
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from likeness.errors import InvalidInputError, LedgerIntegrityError, NotFoundError
from likeness.ledger.entry import format_time, require_aware
from likeness.ledger.note import (
    Ed25519Signer,
    Ed25519Verifier,
    Note,
    NoteSignature,
    check_key_name,
    open_note,
    parse_note,
)
from likeness.ledger.tree import HASH_SIZE

__all__ = [
    "KEY_FILENAME",
    "Checkpoint",
    "SignedTreeHead",
    "ensure_signing_key",
    "key_fingerprint",
    "load_public_key",
    "load_signing_key",
    "log_verifier",
    "public_key_pem",
    "sign_head",
    "verify_head_signature",
]

#: the name of the private key file inside the data directory
KEY_FILENAME = "ledger-signing-key.pem"


@dataclass(frozen=True)
class Checkpoint:
    """The origin, size and root of the log at a moment (the checkpoint's three lines)."""

    origin: str
    size: int
    root: bytes

    def __post_init__(self) -> None:
        size: object = self.size
        root: object = self.root
        check_key_name(self.origin)
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise InvalidInputError(f"checkpoint size {self.size!r} is invalid (expected >= 0)")
        if not isinstance(root, bytes) or len(root) != HASH_SIZE:
            raise InvalidInputError(
                f"checkpoint at size {self.size}: root is not a {HASH_SIZE}-byte hash"
            )

    def text(self) -> str:
        """The note text: origin, size and base64 root, each on its own line."""
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode('ascii')}\n"

    @classmethod
    def parse(cls, text: str, where: str = "checkpoint") -> Checkpoint:
        """Read a checkpoint's note text (extension lines after the third are ignored).

        :raises LedgerIntegrityError: saying which line is wrong.
        """
        lines = text.split("\n")
        if len(lines) < 4 or lines[-1] != "":
            raise LedgerIntegrityError(
                f"{where} is malformed: expected origin, size and root lines"
            )
        origin, size, root = lines[0], lines[1], lines[2]
        if not _SIZE.fullmatch(size):
            raise LedgerIntegrityError(
                f"{where} is malformed: size {size[:40]!r} is not a decimal number"
            )
        try:
            digest = base64.b64decode(root, validate=True)
            return cls(origin, int(size), digest)
        except (binascii.Error, ValueError, InvalidInputError, LedgerIntegrityError) as exc:
            raise LedgerIntegrityError(f"{where} is malformed: {exc}") from None


_SIZE = re.compile(r"0|[1-9][0-9]{0,18}")


@dataclass(frozen=True)
class SignedTreeHead:
    """A checkpoint as a signed note (the log's signature, then any cosignatures)."""

    checkpoint: Checkpoint
    note: Note
    #: when the installation signed it (kept beside the note; not signed)
    time: datetime

    def __post_init__(self) -> None:
        require_aware(self.time)
        if self.note.text != self.checkpoint.text():
            raise LedgerIntegrityError(
                f"checkpoint at size {self.checkpoint.size}: the note is not this checkpoint"
            )

    @property
    def size(self) -> int:
        """The tree size."""
        return self.checkpoint.size

    @property
    def root(self) -> bytes:
        """The root hash."""
        return self.checkpoint.root

    @property
    def origin(self) -> str:
        """The log's name."""
        return self.checkpoint.origin

    def render(self) -> str:
        """The signed note, as served and exported."""
        return self.note.render()

    def describe(self) -> str:
        """Name the checkpoint for messages: ``checkpoint at size 300 (2025-03-01T...Z)``."""
        return f"checkpoint at size {self.size} ({format_time(self.time)})"

    def with_cosignatures(self, *lines: NoteSignature) -> SignedTreeHead:
        """The same checkpoint with witness cosignatures added."""
        return SignedTreeHead(self.checkpoint, self.note.with_signatures(*lines), self.time)

    def to_json(self) -> dict[str, Any]:
        """The checkpoint as JSON data: its fields, the time it was signed and the note."""
        return {
            "origin": self.origin,
            "size": self.size,
            "root": self.root.hex(),
            "time": format_time(self.time),
            "note": self.render(),
        }

    @classmethod
    def from_note(cls, data: str, time: datetime, where: str = "checkpoint") -> SignedTreeHead:
        """Read a signed checkpoint note (signatures are not verified here).

        :raises LedgerIntegrityError: if the note or its checkpoint is malformed.
        """
        note = parse_note(data, where)
        return cls(Checkpoint.parse(note.text, where), note, time)


def sign_head(checkpoint: Checkpoint, key: Ed25519PrivateKey, time: datetime) -> SignedTreeHead:
    """Sign a checkpoint with the installation key (the key's name is the origin)."""
    signature = Ed25519Signer(checkpoint.origin, key).sign(checkpoint.text())
    return SignedTreeHead(checkpoint, Note(checkpoint.text(), (signature,)), time)


def log_verifier(origin: str, public_key: Ed25519PublicKey) -> Ed25519Verifier:
    """The verifier of a log's checkpoints: its origin and public key."""
    return Ed25519Verifier(check_key_name(origin), public_key)


def verify_head_signature(head: SignedTreeHead, verifier: Ed25519Verifier) -> list[NoteSignature]:
    """Check a checkpoint's log signature; return the signatures that verified.

    :raises LedgerIntegrityError: (``index`` None) naming the checkpoint and the key.
    """
    if head.origin != verifier.name:
        raise LedgerIntegrityError(
            f"{head.describe()}: origin {head.origin!r} is not the log {verifier.name!r} "
            "(expected the origin of the verifier key given)"
        )
    try:
        return open_note(head.note, [verifier], head.describe())
    except LedgerIntegrityError as exc:
        raise LedgerIntegrityError(f"{exc} (checked with verifier key {verifier.vkey()})") from None


def key_fingerprint(public_key: Ed25519PublicKey) -> str:
    """Return ``sha256:<hex>`` of the raw 32-byte public key."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def public_key_pem(key: Ed25519PrivateKey | Ed25519PublicKey) -> bytes:
    """Return the public key as SubjectPublicKeyInfo PEM."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def load_public_key(pem: bytes, where: str = "public key") -> Ed25519PublicKey:
    """Read an Ed25519 public key from PEM.

    :raises LedgerIntegrityError: if the PEM is not an Ed25519 public key.
    """
    try:
        key = serialization.load_pem_public_key(pem)
    except ValueError as exc:
        raise LedgerIntegrityError(f"{where} is not a PEM public key: {exc}") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise LedgerIntegrityError(
            f"{where} is a {type(key).__name__} (expected an Ed25519 public key)"
        )
    return key


def ensure_signing_key(home: Path, filename: str = KEY_FILENAME) -> Path:
    """Create the installation's signing key in ``home`` unless it exists; return its path.

    A witness keeps its own key the same way, under another ``filename``.

    The file is created with mode 0600 in one step (no window where others could read it).
    Call this from ``likeness init``; calling it again keeps the existing key.

    :raises InvalidInputError: if an existing key file is exposed or malformed.
    """
    home.mkdir(parents=True, exist_ok=True)
    path = home / filename
    if path.exists():
        load_signing_key(path)  # refuse a key that is unreadable, malformed or exposed
        return path
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
        handle.flush()
        os.fsync(handle.fileno())
    return path


def load_signing_key(path: Path) -> Ed25519PrivateKey:
    """Load the signing key, refusing one that group or others may read.

    :raises NotFoundError: if the file does not exist (run ``likeness init``).
    :raises InvalidInputError: if the file is readable by others or is not an Ed25519 key.
    """
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
        pem = path.read_bytes()
    except FileNotFoundError:
        raise NotFoundError(
            f"ledger signing key {path} does not exist (expected one made by `likeness init`)"
        ) from None
    if mode & 0o077:
        raise InvalidInputError(
            f"ledger signing key {path} has mode {mode:04o} (expected 0600, owner only): "
            f"run `chmod 600 {path}`"
        )
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError) as exc:
        raise InvalidInputError(f"ledger signing key {path} is not a PEM private key") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise InvalidInputError(
            f"ledger signing key {path} is a {type(key).__name__} (expected Ed25519)"
        )
    return key
