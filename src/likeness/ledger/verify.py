"""Offline verification of the ledger: re-derive the tree, check every checkpoint.

:func:`verify_export` needs only an export directory (see :mod:`likeness.ledger.export`); the
storage layer feeds the same engine, :func:`verify_entries`, from the database and adds
:func:`verify_stored_nodes` for the node hashes that proofs are served from.

What is checked, and what the first failure says (``LedgerIntegrityError.index`` is the
first bad entry, or None when a head itself is bad):

1. every checkpoint's signed note, with the log's verifier key given by the caller (never one
   found beside the checkpoints), and the cosignatures of the witness keys given; at least
   ``required`` of those witnesses must have cosigned the newest checkpoint;
2. entries are numbered 0, 1, 2, ... with no gap, repeat or reordering
   ("entry 41: found index 42 in its place");
3. each body hashes to the stored leaf hash
   ("entry 41: leaf hash differs from stored (got ..., expected ...)");
4. the root re-derived at each head's size equals the signed root; when it does not, the bad
   entry lies after the last head that matched, and that first possible index is reported
   ("head at size 300 (...): entries 200..299 do not match its signed root");
5. no checkpoint is larger than the log ("checkpoint at size 300 (...): the log ends after
   250 entries, so entries 250..299 were removed");
6. a checkpoint covers every entry: entries after the newest one are not vouched for by any
   signature, so they fail verification unless the caller allows an unsigned tail, which is
   then reported as unverified.
An editor who rewrites a body *and* its leaf hash (and, in the database, the nodes) is still
caught by step 4, at the granularity of the signed heads: sign heads often.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from likeness.errors import LedgerIntegrityError
from likeness.ledger.export import iter_export_entries, read_export
from likeness.ledger.heads import SignedTreeHead, verify_head_signature
from likeness.ledger.note import CosignatureVerifier, Ed25519Verifier
from likeness.ledger.tree import CompactRange, hash_children, hash_leaf

__all__ = [
    "LogKeys",
    "VerifyResult",
    "check_cosignatures",
    "verify_entries",
    "verify_export",
    "verify_stored_nodes",
]


@dataclass(frozen=True)
class LogKeys:
    """What verification trusts: the log's key, witness keys, and how many must cosign."""

    log: Ed25519Verifier
    witnesses: tuple[CosignatureVerifier, ...] = ()
    required: int = 0

    def __post_init__(self) -> None:
        if not 0 <= self.required <= len(self.witnesses):
            raise LedgerIntegrityError(
                f"{self.required} cosignatures required but {len(self.witnesses)} witness "
                "key(s) given (expected --require N with at least N --witness-key)"
            )


@dataclass(frozen=True)
class VerifyResult:
    """What a successful verification covered."""

    size: int
    root: bytes
    heads_checked: int
    latest_head: SignedTreeHead | None
    #: the log key the checkpoints were checked with
    log_vkey: str
    #: the witnesses whose cosignature of the newest checkpoint verified
    cosigned_by: tuple[str, ...] = ()
    #: entries after the newest checkpoint (only with ``allow_unsigned_tail``): not verified
    unsigned_tail: int = 0


def verify_export(
    directory: Path, keys: LogKeys, *, allow_unsigned_tail: bool = False
) -> VerifyResult:
    """Verify an export directory with no database, trusting only ``keys``.

    :raises LedgerIntegrityError: at the first problem, with the first bad index.
    :raises NotFoundError: if a file of the export is missing.
    """
    export = read_export(directory)
    return verify_entries(
        iter_export_entries(export.entries_path),
        export.heads,
        keys,
        allow_unsigned_tail=allow_unsigned_tail,
    )


def check_cosignatures(head: SignedTreeHead, witnesses: Sequence[CosignatureVerifier]) -> list[str]:
    """The names of the given witnesses whose cosignature on ``head`` verifies.

    :raises LedgerIntegrityError: if a cosignature by a given witness key does not verify.
    """
    known = {(w.name, w.key_id): w for w in witnesses}
    names: list[str] = []
    for signature in head.note.signatures:
        witness = known.get((signature.name, signature.key_id))
        if witness is None:
            continue
        if not witness.verify(head.note.text, signature.signature):
            raise LedgerIntegrityError(
                f"{head.describe()}: the cosignature by witness {signature.name} does not "
                "verify (it was altered or forged)"
            )
        if signature.name not in names:
            names.append(signature.name)
    return names


def verify_entries(
    rows: Iterable[tuple[int, bytes, bytes | None]],
    heads: Sequence[SignedTreeHead],
    keys: LogKeys,
    *,
    leaf_sink: list[bytes] | None = None,
    allow_unsigned_tail: bool = False,
) -> VerifyResult:
    """Verify ``(index, body, stored_leaf_hash or None)`` rows, in order, against checkpoints.

    :param leaf_sink: if given, receives every re-derived leaf hash (for
        :func:`verify_stored_nodes`).
    :param allow_unsigned_tail: accept entries after the newest checkpoint (reported in
        :attr:`VerifyResult.unsigned_tail`, not verified).
    :raises LedgerIntegrityError: at the first problem (see the module docstring).
    """
    ordered = sorted(heads, key=lambda head: head.size)
    cosigned: list[str] = []
    for head in ordered:
        verify_head_signature(head, keys.log)
        cosigned = check_cosignatures(head, keys.witnesses)
    if ordered and len(cosigned) < keys.required:
        raise LedgerIntegrityError(
            f"{ordered[-1].describe()}: cosigned by {len(cosigned)} of the witnesses given "
            f"({', '.join(cosigned) or 'none'}), {keys.required} required "
            "(run `likeness ledger cosign`)"
        )
    tree = CompactRange()
    position = 0  # next head to check
    last_good = 0  # size of the last head that matched
    while position < len(ordered) and ordered[position].size == 0:
        _check_root(ordered[position], tree, 0)
        position += 1
    next_size = ordered[position].size if position < len(ordered) else -1
    expected = 0
    push = tree.push
    for index, body, stored in rows:
        if index != expected:
            raise LedgerIntegrityError(
                f"entry {expected}: found index {index} in its place "
                "(an entry was deleted, inserted or reordered)",
                expected,
            )
        leaf = hash_leaf(body)
        if stored is not None and stored != leaf:
            raise LedgerIntegrityError(
                f"entry {index}: leaf hash differs from stored "
                f"(got {leaf.hex()}, expected {stored.hex()}): the body or its hash was changed",
                index,
            )
        if leaf_sink is not None:
            leaf_sink.append(leaf)
        push(leaf)
        expected += 1
        while expected == next_size:
            last_good = _check_root(ordered[position], tree, last_good)
            position += 1
            next_size = ordered[position].size if position < len(ordered) else -1
    if position < len(ordered):
        head = ordered[position]
        raise LedgerIntegrityError(
            f"{head.describe()}: the log ends after {expected} entries, so entries "
            f"{expected}..{head.size - 1} were removed (the log was truncated)",
            expected,
        )
    covered = ordered[-1].size if ordered else 0
    if covered < expected and not allow_unsigned_tail:
        raise LedgerIntegrityError(
            f"entries {covered}..{expected - 1} are not covered by any checkpoint, so nothing "
            "vouches for them (run `likeness ledger head`, or pass --allow-unsigned-tail to "
            "accept them as unverified)",
            covered,
        )
    if keys.required and not ordered:
        raise LedgerIntegrityError(
            f"no checkpoint to check cosignatures on ({keys.required} required)"
        )
    return VerifyResult(
        expected,
        tree.root(),
        len(ordered),
        ordered[-1] if ordered else None,
        keys.log.vkey(),
        tuple(cosigned),
        expected - covered,
    )


def _check_root(head: SignedTreeHead, tree: CompactRange, last_good: int) -> int:
    """Compare a head with the re-derived tree of its size; return the new last good size."""
    derived = tree.root()
    if derived != head.root:
        raise LedgerIntegrityError(
            f"{head.describe()}: entries {last_good}..{head.size - 1} do not match its signed "
            f"root (derived {derived.hex()}, signed {head.root.hex()}): an entry there was "
            "changed, inserted, deleted or reordered",
            last_good,
        )
    return head.size


def verify_stored_nodes(
    leaves: Sequence[bytes],
    read_level: Callable[[int], Iterable[tuple[int, bytes]]],
    *,
    prefix_only: bool = False,
) -> None:
    """Check stored perfect-subtree nodes against leaf hashes re-derived from the bodies.

    ``read_level(L)`` yields the stored ``(index, hash)`` of level ``L`` in index order.
    Level 0 must equal ``leaves``; each higher level must hold exactly the complete parents
    of the level below. Proofs are served from these nodes, so a wrong node is as bad as a
    wrong entry. With ``prefix_only`` the leaves are only the first entries of the log (the
    rest did not verify) and nodes beyond them are not judged.

    :raises LedgerIntegrityError: naming the first bad node and the first entry it covers.
    """
    failures: list[LedgerIntegrityError] = []
    expected_level: Sequence[bytes] = leaves
    level = 0
    while expected_level:
        failure = _compare_level(level, expected_level, read_level(level), prefix_only)
        if failure is not None:
            failures.append(failure)
        expected_level = [
            hash_children(expected_level[i], expected_level[i + 1])
            for i in range(0, len(expected_level) - 1, 2)
        ]
        level += 1
    extra = None if prefix_only else next(iter(read_level(level)), None)
    if extra is not None:
        failures.append(_node_error(level, extra[0], "is stored but the tree has no such node"))
    if failures:
        raise min(failures, key=lambda error: error.index or 0)


def _compare_level(
    level: int, expected: Sequence[bytes], stored: Iterable[tuple[int, bytes]], prefix_only: bool
) -> LedgerIntegrityError | None:
    position = 0
    for index, digest in stored:
        if prefix_only and position >= len(expected):
            break
        if index != position:
            missing = min(index, position)
            return _node_error(level, missing, "is missing" if index > position else "repeats")
        if position >= len(expected):
            return _node_error(level, index, "is stored but the tree has no such node")
        if digest != expected[position]:
            return _node_error(
                level,
                index,
                f"differs from the entries (got {digest.hex()}, expected "
                f"{expected[position].hex()})",
            )
        position += 1
    if position < len(expected):
        return _node_error(level, position, "is missing")
    return None


def _node_error(level: int, index: int, what: str) -> LedgerIntegrityError:
    first = index << level
    return LedgerIntegrityError(
        f"ledger node (level {level}, index {index}) covering entries {first}.."
        f"{first + (1 << level) - 1} {what}",
        first,
    )
