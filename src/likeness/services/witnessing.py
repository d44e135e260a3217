"""Collecting witness cosignatures of the ledger's checkpoints (SPEC §8, c2sp.org/tlog-witness).

The installation signs a checkpoint of the log as it is, sends it to a witness with a
consistency proof from the last checkpoint that witness cosigned, checks the cosignature it
gets back with the witness's key (one given by the operator, never one the witness sends) and
stores it beside the checkpoint. When the witness answers that it cosigned another size (409),
the proof is made again from that size, once. The database is not held while the witness
answers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from likeness.domain.principals import Principal
from likeness.errors import LedgerIntegrityError, WitnessRefusedError
from likeness.ledger.heads import SignedTreeHead
from likeness.ledger.note import CosignatureVerifier, NoteSignature, open_note, parse_note
from likeness.ledger.signer import CheckpointSigner
from likeness.ledger.witness import AddCheckpoint
from likeness.ledger.witness_transport import WitnessTransport
from likeness.services.ledger import LedgerStore, require_whole_ledger
from likeness.services.unit_of_work import UnitOfWork

__all__ = ["Cosigned", "collect_cosignature"]

#: how far in the future a cosignature's time may be (clocks differ a little)
_CLOCK_SKEW_SECONDS = 600


@dataclass(frozen=True)
class Cosigned:
    """A checkpoint and the witness cosignature stored for it."""

    head: SignedTreeHead
    cosignature: NoteSignature
    old_size: int


def _store(uow: UnitOfWork) -> LedgerStore:
    return cast(LedgerStore, uow.ledger)


def collect_cosignature(
    principal: Principal,
    open_uow: Callable[[bool], UnitOfWork],
    signer: CheckpointSigner,
    transport: WitnessTransport,
    witness: CosignatureVerifier,
    now: Callable[[], int],
) -> Cosigned:
    """Sign a checkpoint of the whole log, have ``witness`` cosign it, store the cosignature.

    :param open_uow: opens a unit of work (``True`` to write).
    :param now: the current POSIX time (to refuse cosignatures dated in the future).
    :raises WitnessRefusedError: if the witness refuses (its reason and status).
    :raises LedgerIntegrityError: if the answer is not a valid cosignature by ``witness``.
    """
    require_whole_ledger(principal)
    with open_uow(True) as uow:
        head = _store(uow).sign_head(signer)
        old = _store(uow).checkpoints.last_cosigned(witness.name, witness.key_id)
        proof = _proof(_store(uow), old, head.size)
        uow.commit()
    plain = head.checkpoint.text() + "\n" + head.note.signatures[0].line()
    try:
        answer = transport.add_checkpoint(AddCheckpoint(old, tuple(proof), plain).body())
    except WitnessRefusedError as exc:
        if exc.status != 409 or exc.known_size is None:
            raise
        if exc.known_size == old:
            raise WitnessRefusedError(
                f"{exc} (the witness cosigned another tree at size {old}: this log is not the "
                "one it saw, a fork)",
                409,
                old,
            ) from None
        if exc.known_size > head.size:
            raise WitnessRefusedError(
                f"{exc} but the log holds only {head.size} entries: the log was rolled back, "
                "or another log uses the name "
                f"{head.origin!r}",
                409,
                exc.known_size,
            ) from None
        old = exc.known_size
        with open_uow(False) as uow:
            proof = _proof(_store(uow), old, head.size)
        try:
            answer = transport.add_checkpoint(AddCheckpoint(old, tuple(proof), plain).body())
        except WitnessRefusedError as again:
            if again.status != 409 or again.known_size != old:
                raise
            raise WitnessRefusedError(
                f"{again} (the witness cosigned another tree at size {old}: this log is not "
                "the one it saw, a fork)",
                409,
                old,
            ) from None
    cosignature = _check_answer(head, answer, witness, now())
    with open_uow(True) as uow:
        _store(uow).checkpoints.add_cosignatures(head.size, [cosignature])
        uow.commit()
    return Cosigned(head.with_cosignatures(cosignature), cosignature, old)


def _proof(store: LedgerStore, old: int, size: int) -> list[bytes]:
    return store.consistency_proof(old, size) if 0 < old < size else []


def _check_answer(
    head: SignedTreeHead, answer: str, witness: CosignatureVerifier, now: int
) -> NoteSignature:
    where = f"the answer of witness {witness.name}"
    note = parse_note(head.checkpoint.text() + "\n" + answer, where)
    verified = open_note(note, [witness], where)
    for signature in verified:
        timestamp = int.from_bytes(signature.signature[:8], "big")
        if timestamp > now + _CLOCK_SKEW_SECONDS:
            raise LedgerIntegrityError(
                f"{where}: the cosignature is dated {timestamp}, in the future (now {now})"
            )
    return verified[0]
