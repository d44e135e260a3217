"""Checkpoints and cosignatures in SQL: signing the log as it is, and checking all of it.

:func:`sign_checkpoint` never takes the root on trust from the stored nodes: the tree at the
previous checkpoint is checked against that checkpoint's signed root and the entries since are
re-hashed from their bodies; then the signer (:class:`likeness.ledger.signer.CheckpointSigner`)
checks that the log extends the last checkpoint it signed, by its own record outside the
database. :func:`verify_database` re-derives every leaf from its body, every stored node, every
stored checkpoint and cosignature, and the signer's own record, and names the first bad index.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Connection, delete, insert, select

from likeness.errors import LedgerIntegrityError
from likeness.ledger.entry import format_time, parse_time
from likeness.ledger.heads import Checkpoint, SignedTreeHead
from likeness.ledger.note import NoteSignature, parse_note
from likeness.ledger.signer import CheckpointSigner
from likeness.ledger.tree import CompactRange, NodeStore, hash_leaf, root_hash
from likeness.ledger.verify import (
    LogKeys,
    VerifyResult,
    verify_entries,
    verify_stored_nodes,
)
from likeness.storage.tables import ledger_checkpoints, ledger_cosignatures

__all__ = ["SqlCheckpoints", "sign_checkpoint", "verify_database"]


class _Log(NodeStore, Protocol):
    def size(self) -> int: ...
    def read(
        self, start: int = 0, stop: int | None = None
    ) -> Iterator[tuple[int, bytes, bytes]]: ...
    def read_level(self, level: int) -> Iterable[tuple[int, bytes]]: ...


class SqlCheckpoints:
    """The stored checkpoints and their cosignatures, on one connection."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def heads(self) -> list[SignedTreeHead]:
        """Every stored checkpoint with its cosignatures, smallest size first.

        :raises LedgerIntegrityError: naming a stored checkpoint that is malformed.
        """
        lines = self._cosignature_lines()
        rows = self._conn.execute(select(ledger_checkpoints).order_by(ledger_checkpoints.c.size))
        return [_head(row, lines.get(int(row.size), [])) for row in rows]

    def latest(self) -> SignedTreeHead | None:
        """The stored checkpoint of the largest size with its cosignatures, if any."""
        row = self._conn.execute(
            select(ledger_checkpoints).order_by(ledger_checkpoints.c.size.desc()).limit(1)
        ).first()
        if row is None:
            return None
        return _head(row, self._cosignature_lines(int(row.size)).get(int(row.size), []))

    def _cosignature_lines(self, size: int | None = None) -> dict[int, list[str]]:
        query = select(ledger_cosignatures.c.size, ledger_cosignatures.c.line).order_by(
            ledger_cosignatures.c.size, ledger_cosignatures.c.witness, ledger_cosignatures.c.key_id
        )
        if size is not None:
            query = query.where(ledger_cosignatures.c.size == size)
        lines: dict[int, list[str]] = {}
        for found, line in self._conn.execute(query):
            lines.setdefault(int(found), []).append(str(line))
        return lines

    def store(self, head: SignedTreeHead) -> None:
        """Store a newly signed checkpoint."""
        self._conn.execute(
            insert(ledger_checkpoints).values(
                size=head.size, time=format_time(head.time), note=head.render()
            )
        )

    def add_cosignatures(self, size: int, signatures: Sequence[NoteSignature]) -> None:
        """Store witnesses' cosignatures of the checkpoint at ``size`` (replacing older ones
        by the same witness key)."""
        for signature in signatures:
            self._conn.execute(
                delete(ledger_cosignatures).where(
                    ledger_cosignatures.c.size == size,
                    ledger_cosignatures.c.witness == signature.name,
                    ledger_cosignatures.c.key_id == signature.key_id,
                )
            )
            self._conn.execute(
                insert(ledger_cosignatures).values(
                    size=size,
                    witness=signature.name,
                    key_id=signature.key_id,
                    line=signature.line().rstrip("\n"),
                )
            )

    def last_cosigned(self, witness: str, key_id: bytes) -> int:
        """The largest checkpoint size this witness key cosigned (0 if none)."""
        size = self._conn.execute(
            select(ledger_cosignatures.c.size)
            .where(ledger_cosignatures.c.witness == witness, ledger_cosignatures.c.key_id == key_id)
            .order_by(ledger_cosignatures.c.size.desc())
            .limit(1)
        ).scalar_one_or_none()
        return int(size or 0)


def _head(row: Any, cosignatures: list[str]) -> SignedTreeHead:
    where = f"stored checkpoint at size {row.size}"
    if not isinstance(row.note, str) or not isinstance(row.time, str):
        raise LedgerIntegrityError(f"{where}: its note or time is not text")
    try:
        head = SignedTreeHead.from_note(row.note, parse_time(row.time), where)
    except ValueError as exc:
        raise LedgerIntegrityError(f"{where} is malformed: {exc}") from None
    if head.size != int(row.size):
        raise LedgerIntegrityError(f"{where}: its note says size {head.size}")
    if cosignatures:
        added = parse_note(head.checkpoint.text() + "\n" + "\n".join(cosignatures) + "\n", where)
        head = head.with_cosignatures(*added.signatures)
    return head


def sign_checkpoint(
    log: _Log, checkpoints: SqlCheckpoints, signer: CheckpointSigner, size: int, now: datetime
) -> SignedTreeHead:
    """Sign and store a checkpoint of the first ``size`` entries (the caller holds the lock);
    return the stored one if that size is already signed.

    :raises LedgerIntegrityError: if the stored log no longer matches the last checkpoint
        (stored, or recorded by the signer).
    """
    latest = checkpoints.latest()
    if latest is not None and latest.size == size:
        return latest
    if latest is not None and latest.size > size:
        raise LedgerIntegrityError(
            f"{latest.describe()} is beyond the log's {size} entries: entries "
            f"{size}..{latest.size - 1} were removed",
            size,
        )
    base = latest.size if latest is not None else 0
    tree = CompactRange.from_store(log, base)
    if latest is not None and tree.root() != latest.root:
        raise LedgerIntegrityError(
            f"stored nodes of entries 0..{base - 1} no longer match the {latest.describe()} "
            f"(got {tree.root().hex()}, expected {latest.root.hex()}): "
            "run `likeness ledger verify`",
            0,
        )
    expected = base
    for index, body, stored in log.read(base, size):
        if index != expected or hash_leaf(body) != stored:
            raise LedgerIntegrityError(
                f"entry {expected} does not match its stored leaf hash or position: "
                "run `likeness ledger verify`",
                expected,
            )
        tree.push(stored)
        expected += 1
    if tree.size != size:
        raise LedgerIntegrityError(
            f"entries {tree.size}..{size - 1} are missing (the ledger state says {size})",
            tree.size,
        )
    root = tree.root()
    if size and root_hash(log, size) != root:
        raise LedgerIntegrityError(
            f"stored nodes for entries {base}..{size - 1} disagree with the entries: "
            "run `likeness ledger verify`",
            base,
        )
    head = signer.sign(Checkpoint(signer.origin, size, root), lambda n: root_hash(log, n), now)
    checkpoints.store(head)
    return head


def verify_database(
    log: _Log,
    checkpoints: SqlCheckpoints,
    keys: LogKeys,
    *,
    signer_head: SignedTreeHead | None = None,
    allow_unsigned_tail: bool = False,
) -> VerifyResult:
    """Re-derive the whole tree from the stored bodies and check everything stored.

    Checks what :func:`likeness.ledger.verify.verify_entries` checks (with the signer's own
    record of its last checkpoint as one more checkpoint), plus the stored nodes (proofs are
    served from them) and the ledger state's size.

    :raises LedgerIntegrityError: for the problem at the smallest entry index.
    """
    heads = checkpoints.heads()
    if signer_head is not None:
        stored = next((h for h in heads if h.size == signer_head.size), None)
        if stored is not None and stored.root != signer_head.root:
            raise LedgerIntegrityError(
                f"stored {stored.describe()} has root {stored.root.hex()}, but the signer "
                f"recorded root {signer_head.root.hex()} at that size: the stored checkpoint "
                "was replaced",
                None,
            )
        if stored is None:
            heads = sorted([*heads, signer_head], key=lambda h: h.size)
    leaves: list[bytes] = []
    failures: list[LedgerIntegrityError] = []
    result: VerifyResult | None = None
    try:
        result = verify_entries(
            log.read(),
            heads,
            keys,
            leaf_sink=leaves,
            allow_unsigned_tail=allow_unsigned_tail,
        )
    except LedgerIntegrityError as exc:
        if exc.index is None:
            raise
        failures.append(exc)
        # Only the entries before the failure are known good: judge the nodes over them.
        del leaves[exc.index :]
    try:
        verify_stored_nodes(leaves, log.read_level, prefix_only=bool(failures))
    except LedgerIntegrityError as exc:
        failures.append(exc)
    size = log.size()
    if size != len(leaves) and not failures:
        index = min(size, len(leaves))
        failures.append(
            LedgerIntegrityError(
                f"the ledger state says {size} entries but {len(leaves)} are stored: "
                f"entries from {index} on were removed or added behind the ledger's back",
                index,
            )
        )
    if failures:
        raise min(failures, key=lambda error: error.index or 0)
    assert result is not None
    return result
