"""The installation's checkpoint signer, which remembers the last checkpoint it signed.

A log key that signs whatever the database holds would sign a forged history once someone
deleted the stored checkpoints and rewrote the entries consistently. So the signer keeps its
own record of the last checkpoint it signed, in a file beside the key (outside the database):
``ledger-signer-state``, the signed note itself. Before signing a new checkpoint it checks that
the log still extends that one: the size did not shrink and the root at the old size is the
one it signed. Otherwise it refuses, and nothing is signed.

The state file is written atomically (a temporary file, fsync, rename) before the new
checkpoint is stored; if storing then fails, the next checkpoint still extends the recorded one.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from likeness.errors import LedgerIntegrityError
from likeness.ledger.heads import (
    KEY_FILENAME,
    Checkpoint,
    SignedTreeHead,
    load_signing_key,
    log_verifier,
    sign_head,
    verify_head_signature,
)

__all__ = ["STATE_FILENAME", "CheckpointSigner", "load_signer"]

#: the signer's record of its last checkpoint, beside the key
STATE_FILENAME = "ledger-signer-state"


class CheckpointSigner:
    """Signs checkpoints of one log, never one that does not extend the last it signed.

    :param key: the installation's Ed25519 key.
    :param origin: the log's name (``LIKENESS_LOG_ORIGIN``).
    :param state_path: where the last signed checkpoint is kept.
    """

    def __init__(self, key: Ed25519PrivateKey, origin: str, state_path: Path) -> None:
        self.key = key
        self.origin = origin
        self.state_path = state_path
        self.verifier = log_verifier(origin, key.public_key())

    def last_signed(self) -> SignedTreeHead | None:
        """The last checkpoint this signer signed, or None if it never signed one.

        :raises LedgerIntegrityError: if the state file is not a checkpoint signed by this key.
        """
        try:
            data = self.state_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as exc:
            raise LedgerIntegrityError(
                f"signer state {self.state_path} cannot be read: {exc}"
            ) from None
        signed_at = datetime.fromtimestamp(self.state_path.stat().st_mtime, UTC)
        head = SignedTreeHead.from_note(data, signed_at, f"signer state {self.state_path}")
        verify_head_signature(head, self.verifier)
        return head

    def sign(
        self, checkpoint: Checkpoint, root_at: Callable[[int], bytes], time: datetime
    ) -> SignedTreeHead:
        """Sign ``checkpoint`` if it extends the last signed one; record it as the last.

        :param root_at: the root of the log being signed at a smaller size (to check that the
            log still extends the last signed checkpoint).
        :raises LedgerIntegrityError: naming the last signed checkpoint when it does not.
        """
        if checkpoint.origin != self.origin:
            raise LedgerIntegrityError(
                f"refusing to sign a checkpoint of {checkpoint.origin!r}: this key signs "
                f"{self.origin!r}"
            )
        last = self.last_signed()
        if last is not None:
            self._check_extends(last, checkpoint, root_at)
        head = sign_head(checkpoint, self.key, time)
        self._record(head)
        return head

    def _check_extends(
        self, last: SignedTreeHead, checkpoint: Checkpoint, root_at: Callable[[int], bytes]
    ) -> None:
        if checkpoint.size < last.size:
            raise LedgerIntegrityError(
                f"refusing to sign size {checkpoint.size}: this key already signed the log at "
                f"size {last.size} ({self.state_path}); entries {checkpoint.size}.."
                f"{last.size - 1} were removed (a rollback)",
                checkpoint.size,
            )
        found = checkpoint.root if checkpoint.size == last.size else root_at(last.size)
        if found != last.root:
            raise LedgerIntegrityError(
                f"refusing to sign: the log at size {last.size} now has root {found.hex()}, "
                f"but this key signed root {last.root.hex()} at that size ({self.state_path}); "
                "the history was rewritten (a fork): run `likeness ledger verify`",
                0,
            )

    def _record(self, head: SignedTreeHead) -> None:
        temporary = self.state_path.with_name(f".{self.state_path.name}.{os.getpid()}.tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(head.render())
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self.state_path)


def load_signer(home: Path, origin: str) -> CheckpointSigner:
    """The signer of the installation in ``home`` (its key and state file).

    :raises NotFoundError: if there is no key (run ``likeness init``).
    :raises InvalidInputError: if the key file is exposed or malformed.
    """
    key = load_signing_key(home / KEY_FILENAME)
    return CheckpointSigner(key, origin, home / STATE_FILENAME)
