"""Signed tree heads and the installation's Ed25519 signing key.

A tree head says "the log had ``size`` entries and root ``root`` at ``time``"; the installation
signs it with its Ed25519 key (SPEC §8). What is signed is the RFC 8785 canonical JSON of::

    {"log": "likeness-ledger/v1", "root": "<64 hex>", "size": <int>, "time": "<...Z>"}

The ``log`` field separates these signatures from anything else the key might ever sign.

The private key lives in the data directory (``LIKENESS_HOME``) as an unencrypted PKCS#8 PEM
file readable by its owner only (mode 0600). :func:`load_signing_key` refuses a key file that
others can read, as ssh does. The public key is exported as SubjectPublicKeyInfo PEM.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import stat
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from likeness.errors import InvalidInputError, LedgerIntegrityError, NotFoundError
from likeness.ledger.canonical import canonicalize
from likeness.ledger.entry import format_time, parse_time, require_aware
from likeness.ledger.tree import HASH_SIZE

__all__ = [
    "KEY_FILENAME",
    "LOG_ID",
    "SignedTreeHead",
    "TreeHead",
    "ensure_signing_key",
    "key_fingerprint",
    "load_public_key",
    "load_signing_key",
    "public_key_pem",
    "sign_head",
    "verify_head_signature",
]

#: the name of the private key file inside the data directory
KEY_FILENAME = "ledger-signing-key.pem"
#: domain separation for what the key signs
LOG_ID = "likeness-ledger/v1"


@dataclass(frozen=True)
class TreeHead:
    """The size and root of the log at a moment."""

    size: int
    root: bytes
    time: datetime

    def __post_init__(self) -> None:
        size: object = self.size
        root: object = self.root
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise InvalidInputError(f"tree head size {self.size!r} is invalid (expected >= 0)")
        if not isinstance(root, bytes) or len(root) != HASH_SIZE:
            raise InvalidInputError(
                f"tree head at size {self.size}: root is not a {HASH_SIZE}-byte hash"
            )
        require_aware(self.time)

    def message(self) -> bytes:
        """The exact bytes that get signed."""
        return canonicalize(
            {
                "log": LOG_ID,
                "root": self.root.hex(),
                "size": self.size,
                "time": format_time(self.time),
            }
        )


@dataclass(frozen=True)
class SignedTreeHead(TreeHead):
    """A tree head with its Ed25519 signature (64 bytes)."""

    signature: bytes

    def describe(self) -> str:
        """Name the head for messages: ``head at size 300 (2025-03-01T...Z)``."""
        return f"head at size {self.size} ({format_time(self.time)})"

    def to_json(self) -> dict[str, Any]:
        """Return the head as JSON data (root in hex, signature in base64)."""
        return {
            "root": self.root.hex(),
            "signature": base64.b64encode(self.signature).decode("ascii"),
            "size": self.size,
            "time": format_time(self.time),
        }

    @classmethod
    def from_json(cls, data: Any, where: str = "tree head") -> SignedTreeHead:
        """Read a head written by :meth:`to_json`.

        :raises LedgerIntegrityError: if a field is missing or malformed.
        """
        try:
            return cls(
                size=data["size"],
                root=bytes.fromhex(data["root"]),
                time=parse_time(data["time"]),
                signature=base64.b64decode(data["signature"], validate=True),
            )
        except (KeyError, TypeError, ValueError, binascii.Error, InvalidInputError) as exc:
            raise LedgerIntegrityError(f"{where} is malformed: {exc}") from exc


def sign_head(head: TreeHead, key: Ed25519PrivateKey) -> SignedTreeHead:
    """Sign a tree head with the installation key."""
    return SignedTreeHead(head.size, head.root, head.time, key.sign(head.message()))


def verify_head_signature(head: SignedTreeHead, public_key: Ed25519PublicKey) -> None:
    """Check a head's signature.

    :raises LedgerIntegrityError: (``index`` None) naming the head and the key's fingerprint.
    """
    try:
        public_key.verify(head.signature, head.message())
    except InvalidSignature:
        raise LedgerIntegrityError(
            f"{head.describe()}: signature does not verify with public key "
            f"{key_fingerprint(public_key)} (the head was forged or altered)"
        ) from None


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


def ensure_signing_key(home: Path) -> Path:
    """Create the installation's signing key in ``home`` unless it exists; return its path.

    The file is created with mode 0600 in one step (no window where others could read it).
    Call this from ``likeness init``; calling it again keeps the existing key.

    :raises InvalidInputError: if an existing key file is exposed or malformed.
    """
    home.mkdir(parents=True, exist_ok=True)
    path = home / KEY_FILENAME
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
