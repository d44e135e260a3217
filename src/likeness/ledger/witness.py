"""A witness (c2sp.org/tlog-witness): cosigns a log's checkpoints, never a fork or rollback.

A witness is run by another party than the installation (e.g. the union) with its own key. It
is configured with the logs it follows (their verifier keys) and remembers, for each log, the
newest checkpoint it cosigned. Given a new checkpoint and a consistency proof from that one
(an ``add-checkpoint`` request), it checks the log's signature and the proof and returns a
``cosignature/v1`` line; it refuses a tree that does not extend what it cosigned before:

* 404: the origin is not a log it follows;
* 403: no signature by the log's key verifies;
* 400: the request is malformed, or its old size is beyond the checkpoint;
* 409: the old size is not the size it cosigned (the answer carries that size), or the
  checkpoint has the cosigned size with another root (a fork), or is smaller (a rollback);
* 422: the consistency proof does not verify (a fork: the log rewrote its history).

Its state is a directory: ``witness-key.pem`` (0600) and ``witness.json`` (name and logs).
Checking and updating the state happen under an exclusive lock on ``witness.lock``, and the
state is written atomically, so two requests can never roll it back.
"""

from __future__ import annotations

import base64
import binascii
import fcntl
import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from likeness.errors import (
    ConflictError,
    LedgerIntegrityError,
    NotFoundError,
    WitnessRefusedError,
)
from likeness.ledger.heads import Checkpoint, ensure_signing_key, load_signing_key
from likeness.ledger.note import (
    CosignatureVerifier,
    Cosigner,
    Ed25519Verifier,
    check_key_name,
    open_note,
    parse_note,
    parse_vkey,
)
from likeness.ledger.proofs import verify_consistency

__all__ = ["MAX_REQUEST_BYTES", "AddCheckpoint", "Witness", "parse_add_checkpoint"]

KEY_FILE = "witness-key.pem"
STATE_FILE = "witness.json"
LOCK_FILE = "witness.lock"
#: the largest add-checkpoint request read (63 proof lines and a note with signatures)
MAX_REQUEST_BYTES = 64 << 10
_OLD = re.compile(r"old (0|[1-9][0-9]{0,18})")


@dataclass(frozen=True)
class AddCheckpoint:
    """An ``add-checkpoint`` request: the old size, the proof and the checkpoint note."""

    old_size: int
    proof: tuple[bytes, ...]
    note: str

    def body(self) -> bytes:
        """The request body as sent over HTTP."""
        lines = [f"old {self.old_size}\n"]
        lines += [base64.b64encode(h).decode("ascii") + "\n" for h in self.proof]
        return ("".join(lines) + "\n" + self.note).encode("utf-8")


def _bad(message: str) -> WitnessRefusedError:
    return WitnessRefusedError(message, 400)


def parse_add_checkpoint(body: bytes) -> AddCheckpoint:
    """Read an ``add-checkpoint`` request body.

    :raises WitnessRefusedError: (400) saying what is malformed.
    """
    if len(body) > MAX_REQUEST_BYTES:
        raise _bad(f"request is {len(body)} bytes (at most {MAX_REQUEST_BYTES})")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise _bad("request is not UTF-8") from None
    head, separator, note = text.partition("\n\n")
    lines = head.split("\n")
    if not separator or not lines or not _OLD.fullmatch(lines[0]):
        raise _bad(
            "request is malformed (expected 'old N', proof lines, a blank line, a checkpoint)"
        )
    if len(lines) - 1 > 63:
        raise _bad(f"request has {len(lines) - 1} proof lines (at most 63)")
    proof = []
    for number, line in enumerate(lines[1:], start=2):
        try:
            digest = base64.b64decode(line, validate=True)
        except binascii.Error:
            digest = b""
        if len(digest) != 32:
            raise _bad(f"request line {number} is not a base64 SHA-256 hash")
        proof.append(digest)
    return AddCheckpoint(int(lines[0][4:]), tuple(proof), note)


class Witness:
    """A witness's key and state, in ``directory``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        state = self._read_state()
        self.name: str = state["name"]
        self.cosigner = Cosigner(self.name, load_signing_key(directory / KEY_FILE))

    @classmethod
    def create(cls, directory: Path, name: str) -> Witness:
        """Make a new witness named ``name`` (a new key) in ``directory``.

        :raises ConflictError: if ``directory`` already holds a witness.
        """
        check_key_name(name)
        directory.mkdir(parents=True, exist_ok=True)
        if (directory / STATE_FILE).exists():
            raise ConflictError(f"{directory} already holds a witness ({STATE_FILE})")
        if (directory / KEY_FILE).exists():
            raise ConflictError(f"{directory} already holds a witness key ({KEY_FILE})")
        ensure_signing_key(directory, KEY_FILE)
        _write_json(directory / STATE_FILE, {"name": name, "logs": {}})
        return cls(directory)

    def vkey(self) -> str:
        """The witness's verifier key (type 0x04), for logs and verifiers to trust."""
        return self.cosigner.verifier().vkey()

    def verifier(self) -> CosignatureVerifier:
        """The verifier of this witness's cosignatures."""
        return self.cosigner.verifier()

    def follow(self, log_vkey: str) -> str:
        """Follow the log with this verifier key (its name is the origin); return the origin."""
        verifier = parse_vkey(log_vkey)
        if not isinstance(verifier, Ed25519Verifier):
            raise LedgerIntegrityError(f"{log_vkey[:80]!r} is not a log key (expected type 0x01)")
        with self._locked() as state:
            logs = state["logs"]
            known = logs.get(verifier.name)
            if known is not None and known["vkey"] != verifier.vkey():
                raise ConflictError(
                    f"this witness already follows {verifier.name} with another key"
                )
            if known is None:
                logs[verifier.name] = {"vkey": verifier.vkey(), "size": 0, "root": None}
                _write_json(self.directory / STATE_FILE, state)
        return verifier.name

    def logs(self) -> dict[str, dict[str, Any]]:
        """The logs followed: origin → vkey, cosigned size and root."""
        logs: dict[str, dict[str, Any]] = self._read_state()["logs"]
        return logs

    def add_checkpoint(self, request: AddCheckpoint, now: int) -> str:
        """Check a checkpoint against what was cosigned; cosign it and record it.

        :param now: the time of the cosignature (POSIX seconds).
        :returns: the cosignature line (newline included).
        :raises WitnessRefusedError: with the protocol's status, saying why.
        """
        try:
            note = parse_note(request.note, "checkpoint")
            checkpoint = Checkpoint.parse(note.text)
        except LedgerIntegrityError as exc:
            raise _bad(str(exc)) from None
        with self._locked() as state:
            log = state["logs"].get(checkpoint.origin)
            if log is None:
                raise WitnessRefusedError(
                    f"this witness does not follow the log {checkpoint.origin!r}", 404
                )
            try:
                open_note(note, [parse_vkey(log["vkey"])], "checkpoint")
            except LedgerIntegrityError as exc:
                raise WitnessRefusedError(str(exc), 403) from None
            self._check(request, checkpoint, int(log["size"]), log["root"])
            line = self.cosigner.sign(note.text, now).line()
            log["size"] = checkpoint.size
            log["root"] = base64.b64encode(checkpoint.root).decode("ascii")
            _write_json(self.directory / STATE_FILE, state)
        return line

    @staticmethod
    def _check(
        request: AddCheckpoint, checkpoint: Checkpoint, known: int, known_root: str | None
    ) -> None:
        size = checkpoint.size
        if request.old_size > size:
            raise _bad(f"old size {request.old_size} is beyond the checkpoint's size {size}")
        if size < known:
            raise WitnessRefusedError(
                f"refusing a rollback: checkpoint of size {size} is smaller than size {known} "
                f"already cosigned for {checkpoint.origin}",
                409,
                known,
            )
        if request.old_size != known:
            raise WitnessRefusedError(
                f"old size {request.old_size} is not the size this witness cosigned ({known})",
                409,
                known,
            )
        old_root = base64.b64decode(known_root) if known_root else b""
        if known and size == known and checkpoint.root != old_root:
            raise WitnessRefusedError(
                f"refusing a fork: the log's tree at size {size} now has root "
                f"{checkpoint.root.hex()}, but this witness cosigned root {old_root.hex()} "
                "at that size",
                409,
                known,
            )
        if known == 0 and request.proof:
            raise WitnessRefusedError("a proof from size 0 must be empty", 422)
        if known:
            try:
                verify_consistency(known, size, old_root, checkpoint.root, request.proof)
            except LedgerIntegrityError as exc:
                raise WitnessRefusedError(
                    f"refusing a fork: the tree of size {size} does not extend the tree of "
                    f"size {known} this witness cosigned ({exc})",
                    422,
                ) from None

    def _read_state(self) -> dict[str, Any]:
        path = self.directory / STATE_FILE
        try:
            state: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise NotFoundError(
                f"{self.directory} holds no witness (run `likeness ledger witness init`)"
            ) from None
        except (OSError, ValueError) as exc:
            raise LedgerIntegrityError(f"witness state {path} cannot be read: {exc}") from None
        if not isinstance(state.get("name"), str) or not isinstance(state.get("logs"), dict):
            raise LedgerIntegrityError(f"witness state {path} is malformed")
        return state

    @contextmanager
    def _locked(self) -> Iterator[dict[str, Any]]:
        with open(self.directory / LOCK_FILE, "a+b") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield self._read_state()
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)


def _write_json(path: Path, data: dict[str, Any]) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temporary, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2, sort_keys=True)
        handle.write("\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
