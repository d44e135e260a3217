"""The ledger export: everything an outsider needs to verify the log, and nothing else.

``likeness ledger export DIR`` writes these files; ``likeness ledger verify DIR --key VKEY``
(and :func:`likeness.ledger.verify.verify_export`) checks them with no database:

``entries.jsonl``
    One line per entry, in index order, each line the RFC 8785 canonical JSON of::

        {"body":<the entry body>,"index":<n>,"leaf_hash":"<64 hex>"}

    ``body`` is the entry's canonical body exactly as hashed (SPEC §8: kind, time, actor,
    record), so a reader hashes the bytes between ``{"body":`` and ``,"index":`` as they are:
    ``leaf_hash = SHA-256(0x00 || body)``. ``leaf_hash`` is redundant; it lets a verifier name
    the exact entry that was edited when the editor did not also rewrite the hash.

``checkpoints/<size>``
    Each checkpoint, a C2SP ``tlog-checkpoint`` signed note (with any witness cosignatures),
    byte for byte as served; ``checkpoint`` is a copy of the newest.

``export.json``
    ``{"format": "likeness-ledger-export/2", "origin": ..., "size": n, "checkpoints":
    [{"size": n, "time": "...Z"}, ...]}``: the sizes and when each was signed.

``log.vkey``, ``VERIFY.txt``
    The log's verifier key as the installation states it, and how to verify with any tool.

Verification never trusts ``log.vkey``: the verifier is given the key (and witness keys) it
obtained from somewhere other than the export itself.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from likeness.errors import ConflictError, InvalidInputError, LedgerIntegrityError, NotFoundError
from likeness.ledger.entry import format_time, parse_time
from likeness.ledger.export_text import verify_instructions
from likeness.ledger.heads import SignedTreeHead

__all__ = [
    "CHECKPOINTS_DIR",
    "ENTRIES_FILE",
    "EXPORT_FORMAT",
    "INDEX_FILE",
    "Export",
    "entry_line",
    "iter_export_entries",
    "parse_entry_line",
    "read_export",
    "write_export",
]

ENTRIES_FILE = "entries.jsonl"
INDEX_FILE = "export.json"
CHECKPOINTS_DIR = "checkpoints"
VKEY_FILE = "log.vkey"
EXPORT_FORMAT = "likeness-ledger-export/2"
#: the largest index an entry line may carry (an index of thousands of digits is refused
#: before Python is asked to read it as a number)
_MAX_INDEX_DIGITS = 18

_PREFIX = b'{"body":'
_TAIL = re.compile(rb',"index":(0|[1-9][0-9]{0,17}),"leaf_hash":"([0-9a-f]{64})"}')


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
            '(expected {"body":...,"index":N,"leaf_hash":"<64 hex>"} with N below 10**18)',
            line_number - 1,
        )
    return int(match[1]), line[len(_PREFIX) : cut], bytes.fromhex(match[2].decode("ascii"))


@dataclass(frozen=True)
class Export:
    """A ledger export read from a directory (the entries are streamed, not loaded)."""

    directory: Path
    origin: str
    heads: list[SignedTreeHead]

    @property
    def entries_path(self) -> Path:
        """Where the entry lines are."""
        return self.directory / ENTRIES_FILE


def write_export(
    directory: Path,
    entries: Iterable[tuple[int, bytes, bytes]],
    heads: Sequence[SignedTreeHead],
    vkey: str,
) -> int:
    """Write an export of ``(index, body, leaf_hash)`` rows; return how many entries.

    Everything is written into a temporary directory beside ``directory`` and moved into
    place at the end: a failed export leaves nothing behind.

    :raises ConflictError: if ``directory`` exists and is not empty.
    """
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise ConflictError(
            f"export directory {directory} already exists and is not empty "
            "(expected a new or empty directory)"
        )
    parent = directory.absolute().parent
    if not parent.is_dir():
        raise InvalidInputError(f"cannot export to {directory}: {parent} is not a directory")
    temporary = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", dir=parent))
    try:
        count = _write_files(temporary, entries, heads, vkey)
        if directory.exists():
            directory.rmdir()
        os.replace(temporary, directory)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    return count


def _write_files(
    directory: Path,
    entries: Iterable[tuple[int, bytes, bytes]],
    heads: Sequence[SignedTreeHead],
    vkey: str,
) -> int:
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
    ordered = sorted(heads, key=lambda head: head.size)
    (directory / CHECKPOINTS_DIR).mkdir()
    for head in ordered:
        _write_text(directory / CHECKPOINTS_DIR / str(head.size), head.render())
    if ordered:
        _write_text(directory / "checkpoint", ordered[-1].render())
    origin = vkey.split("+")[0]
    document = {
        "format": EXPORT_FORMAT,
        "origin": origin,
        "size": count,
        "checkpoints": [{"size": h.size, "time": format_time(h.time)} for h in ordered],
    }
    _write_text(directory / INDEX_FILE, json.dumps(document, indent=2, sort_keys=True) + "\n")
    _write_text(directory / VKEY_FILE, vkey + "\n")
    _write_text(directory / "VERIFY.txt", verify_instructions(origin, vkey, ordered, count))
    return count


def _write_text(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
        _sync(handle)


def _sync(handle: IO[bytes] | IO[str]) -> None:
    handle.flush()
    os.fsync(handle.fileno())


def read_export(directory: Path) -> Export:
    """Read the checkpoints of an export and check its files are there.

    :raises NotFoundError: if a file is missing.
    :raises LedgerIntegrityError: if ``export.json`` or a checkpoint is malformed.
    """
    for name in (ENTRIES_FILE, INDEX_FILE):
        if not (directory / name).is_file():
            raise NotFoundError(f"ledger export {directory}: {name} is missing")
    index_path = directory / INDEX_FILE
    try:
        document = json.loads(index_path.read_text(encoding="utf-8"))
        export_format = document["format"]
        origin = document["origin"]
        listed = [(int(c["size"]), parse_time(c["time"])) for c in document["checkpoints"]]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise LedgerIntegrityError(f"{index_path} is malformed: {exc}") from None
    if export_format != EXPORT_FORMAT:
        raise LedgerIntegrityError(
            f"{index_path}: format {export_format!r} (expected {EXPORT_FORMAT!r})"
        )
    heads = []
    for size, time in listed:
        path = directory / CHECKPOINTS_DIR / str(size)
        try:
            data = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise LedgerIntegrityError(
                f"{index_path} lists a checkpoint at size {size} but {path} is missing"
            ) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise LedgerIntegrityError(f"{path} cannot be read: {exc}") from None
        head = SignedTreeHead.from_note(data, time, str(path))
        if head.size != size:
            raise LedgerIntegrityError(f"{path} holds the checkpoint of size {head.size}")
        heads.append(head)
    return Export(directory, str(origin), heads)


def iter_export_entries(path: Path) -> Iterator[tuple[int, bytes, bytes]]:
    """Yield ``(index, body, leaf_hash)`` for each line of ``entries.jsonl``."""
    with open(path, "rb") as handle:
        for line_number, line in enumerate(handle, start=1):
            yield parse_entry_line(line, line_number)
