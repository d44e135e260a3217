"""The ledger export: everything an outsider needs to verify the log, and nothing else.

``likeness ledger export DIR`` writes three files; ``likeness ledger verify DIR`` (and
:func:`likeness.ledger.verify.verify_export`) checks them with no database:

``entries.jsonl``
    One line per entry, in index order, each line the RFC 8785 canonical JSON of::

        {"body":<the entry body>,"index":<n>,"leaf_hash":"<64 hex>"}

    ``body`` is the entry's canonical body exactly as hashed (SPEC §8: kind, time, actor,
    record), so a reader hashes the bytes between ``{"body":`` and ``,"index":`` as they are:
    ``leaf_hash = SHA-256(0x00 || body)``. ``leaf_hash`` is redundant; it lets a verifier name
    the exact entry that was edited when the editor did not also rewrite the hash.

``heads.json``
    ``{"format": "likeness-ledger-export/1", "log": "likeness-ledger/v1",
    "public_key_fingerprint": "sha256:<hex>", "heads": [<signed head>, ...]}`` with each
    head ``{"root": "<64 hex>", "signature": "<base64 Ed25519>", "size": n, "time": "...Z"}``,
    in increasing size. The signed bytes are described in :mod:`likeness.ledger.heads`.

``public-key.pem``
    The installation's Ed25519 public key (SubjectPublicKeyInfo PEM).

Verification trusts only the public key, and only when the reader got it (or its
fingerprint) from somewhere other than the export itself.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from likeness.errors import ConflictError, LedgerIntegrityError, NotFoundError
from likeness.ledger.heads import (
    LOG_ID,
    SignedTreeHead,
    key_fingerprint,
    load_public_key,
    public_key_pem,
)

__all__ = [
    "ENTRIES_FILE",
    "EXPORT_FORMAT",
    "HEADS_FILE",
    "PUBLIC_KEY_FILE",
    "Export",
    "entry_line",
    "iter_export_entries",
    "parse_entry_line",
    "read_export",
    "write_export",
]

ENTRIES_FILE = "entries.jsonl"
HEADS_FILE = "heads.json"
PUBLIC_KEY_FILE = "public-key.pem"
EXPORT_FORMAT = "likeness-ledger-export/1"

_PREFIX = b'{"body":'
_TAIL = re.compile(rb',"index":(0|[1-9][0-9]*),"leaf_hash":"([0-9a-f]{64})"}')


def entry_line(index: int, body: bytes, leaf_hash: bytes) -> bytes:
    """Return the ``entries.jsonl`` line (with its newline) of one entry."""
    return b'%s%s,"index":%d,"leaf_hash":"%s"}\n' % (
        _PREFIX,
        body,
        index,
        leaf_hash.hex().encode("ascii"),
    )


def parse_entry_line(line: bytes, line_number: int) -> tuple[int, bytes, bytes]:
    """Split an ``entries.jsonl`` line into ``(index, body, leaf_hash)``.

    :raises LedgerIntegrityError: naming the line if it is not in the export format.
    """
    if line.endswith(b"\n"):
        line = line[:-1]
    # The tail is found from the right: inside the body a quote is always escaped in a
    # string, so the last `,"index":` is the tail's own.
    cut = line.rfind(b',"index":')
    match = _TAIL.fullmatch(line, cut) if cut > 0 else None
    if match is None or not line.startswith(_PREFIX):
        raise LedgerIntegrityError(
            f"{ENTRIES_FILE} line {line_number}: not an entry line "
            '(expected {"body":...,"index":N,"leaf_hash":"<64 hex>"})',
            line_number - 1,
        )
    return int(match[1]), line[len(_PREFIX) : cut], bytes.fromhex(match[2].decode("ascii"))


@dataclass(frozen=True)
class Export:
    """A ledger export read from a directory (the entries are streamed, not loaded)."""

    directory: Path
    heads: list[SignedTreeHead]
    public_key: Ed25519PublicKey

    @property
    def entries_path(self) -> Path:
        """Where the entry lines are."""
        return self.directory / ENTRIES_FILE


def write_export(
    directory: Path,
    entries: Iterable[tuple[int, bytes, bytes]],
    heads: Sequence[SignedTreeHead],
    public_key: Ed25519PublicKey,
) -> int:
    """Write an export of ``(index, body, leaf_hash)`` rows; return how many entries.

    :raises ConflictError: if the directory already holds an export file.
    """
    directory.mkdir(parents=True, exist_ok=True)
    for name in (ENTRIES_FILE, HEADS_FILE, PUBLIC_KEY_FILE):
        if (directory / name).exists():
            raise ConflictError(
                f"export directory {directory} already holds {name} (expected an empty directory)"
            )
    count = 0
    with open(directory / ENTRIES_FILE, "wb") as handle:
        batch: list[bytes] = []
        for index, body, leaf_hash in entries:
            batch.append(entry_line(index, body, leaf_hash))
            count += 1
            if len(batch) >= 10_000:
                handle.writelines(batch)
                batch.clear()
        handle.writelines(batch)
        _sync(handle)
    document = {
        "format": EXPORT_FORMAT,
        "heads": [head.to_json() for head in sorted(heads, key=lambda head: head.size)],
        "log": LOG_ID,
        "public_key_fingerprint": key_fingerprint(public_key),
    }
    with open(directory / HEADS_FILE, "w", encoding="utf-8") as text:
        json.dump(document, text, indent=2, sort_keys=True)
        text.write("\n")
        _sync(text)
    with open(directory / PUBLIC_KEY_FILE, "wb") as handle:
        handle.write(public_key_pem(public_key))
        _sync(handle)
    return count


def _sync(handle: IO[bytes] | IO[str]) -> None:
    handle.flush()
    os.fsync(handle.fileno())


def read_export(directory: Path) -> Export:
    """Read the heads and public key of an export and check its files are there.

    :raises NotFoundError: if a file is missing.
    :raises LedgerIntegrityError: if ``heads.json`` or the key is malformed.
    """
    for name in (ENTRIES_FILE, HEADS_FILE, PUBLIC_KEY_FILE):
        if not (directory / name).is_file():
            raise NotFoundError(f"ledger export {directory}: {name} is missing")
    public_key = load_public_key(
        (directory / PUBLIC_KEY_FILE).read_bytes(), f"{directory / PUBLIC_KEY_FILE}"
    )
    try:
        document = json.loads((directory / HEADS_FILE).read_text(encoding="utf-8"))
        raw_heads = document["heads"]
        export_format = document["format"]
    except (ValueError, KeyError, TypeError) as exc:
        raise LedgerIntegrityError(f"{directory / HEADS_FILE} is malformed: {exc}") from exc
    if export_format != EXPORT_FORMAT:
        raise LedgerIntegrityError(
            f"{directory / HEADS_FILE}: format {export_format!r} (expected {EXPORT_FORMAT!r})"
        )
    if not isinstance(raw_heads, list):
        raise LedgerIntegrityError(f"{directory / HEADS_FILE}: heads is not a list")
    named = document.get("public_key_fingerprint")
    if named is not None and named != key_fingerprint(public_key):
        raise LedgerIntegrityError(
            f"{directory / HEADS_FILE} names public key {named} but {PUBLIC_KEY_FILE} is "
            f"{key_fingerprint(public_key)} (one of them was replaced)"
        )
    heads = [
        SignedTreeHead.from_json(raw, f"{HEADS_FILE} head {position}")
        for position, raw in enumerate(raw_heads)
    ]
    return Export(directory, heads, public_key)


def iter_export_entries(path: Path) -> Iterator[tuple[int, bytes, bytes]]:
    """Yield ``(index, body, leaf_hash)`` for each line of ``entries.jsonl``."""
    with open(path, "rb") as handle:
        for line_number, line in enumerate(handle, start=1):
            yield parse_entry_line(line, line_number)
