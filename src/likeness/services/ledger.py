"""The ledger as the services see it: what the store offers (a Protocol that
``storage.ledger.SqlLedger`` implements) and who may read it whole (SPEC §8, §10).

Entries name people, so the whole log (export, verify, proofs over entries) is for whoever sees
every record: the union and the operator. Checkpoints and proofs are hashes only; the HTTP
routes that serve them publicly come with the API (SPEC §10).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol

from likeness.domain.principals import Principal
from likeness.errors import InvalidInputError, NotFoundError
from likeness.ledger.entry import LedgerEntry
from likeness.ledger.heads import SignedTreeHead
from likeness.ledger.note import NoteSignature
from likeness.ledger.signer import CheckpointSigner
from likeness.ledger.verify import LogKeys, VerifyResult
from likeness.services.access import Action, Permission, Record, RecordKind, may, require
from likeness.services.records import acts_for, consent_record, producers_of
from likeness.services.unit_of_work import LedgerWriter, UnitOfWork

#: the ledger as a whole: every entry, whoever it names
WHOLE_LEDGER = Record(RecordKind.LEDGER_ENTRY, "*")


class CheckpointStore(Protocol):
    """The stored checkpoints' cosignatures."""

    def add_cosignatures(self, size: int, signatures: Sequence[NoteSignature]) -> None: ...
    def last_cosigned(self, witness: str, key_id: bytes) -> int: ...


class LedgerStore(LedgerWriter, Protocol):
    """Reading, proving, signing and verifying the stored log."""

    @property
    def checkpoints(self) -> CheckpointStore: ...

    def size(self) -> int: ...
    def read(
        self, start: int = 0, stop: int | None = None
    ) -> Iterator[tuple[int, bytes, bytes]]: ...
    def entry(self, index: int) -> LedgerEntry: ...
    def root(self, size: int | None = None) -> bytes: ...
    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]: ...
    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]: ...
    def heads(self) -> list[SignedTreeHead]: ...
    def sign_head(self, signer: CheckpointSigner) -> SignedTreeHead: ...
    def verify(
        self,
        keys: LogKeys,
        *,
        signer_head: SignedTreeHead | None = None,
        allow_unsigned_tail: bool = False,
    ) -> VerifyResult: ...


def verify_whole(
    principal: Principal, store: LedgerStore, signer: CheckpointSigner
) -> VerifyResult:
    """Check the whole stored log with the installation's key and the signer's own record of
    its last checkpoint (the union's and the operator's Verify); an unsigned tail is reported.

    :raises LedgerIntegrityError: naming the first bad index.
    """
    require_whole_ledger(principal)
    return store.verify(
        LogKeys(signer.verifier), signer_head=signer.last_signed(), allow_unsigned_tail=True
    )


def require_whole_ledger(principal: Principal) -> Permission:
    """Raise :class:`~likeness.errors.NotFoundError` unless ``principal`` sees every entry."""
    return require(principal, Action.SEE, WHOLE_LEDGER, "no ledger is visible to you")


#: how many entries one read of ``/v1/ledger/entries`` returns at most
MAX_ENTRIES = 1000


def checkpoint(store: LedgerStore) -> SignedTreeHead:
    """The newest checkpoint with its cosignatures (public: hashes only)."""
    heads = store.heads()
    if not heads:
        raise NotFoundError(
            "no checkpoint is signed yet (the operator runs `likeness ledger head`)"
        )
    return heads[-1]


def inclusion(store: LedgerStore, index: int, size: int) -> list[bytes]:
    """The RFC 9162 inclusion proof of entry ``index`` in the tree of ``size`` (public)."""
    _check_range(store, index, size, "index")
    return store.inclusion_proof(index, size)


def consistency(store: LedgerStore, first: int, second: int) -> list[bytes]:
    """The RFC 9162 consistency proof from the tree of ``first`` to ``second`` (public)."""
    if first < 1:
        raise InvalidInputError(f"from {first} is not a tree size to prove from (expected >= 1)")
    _check_range(store, first - 1, second, "from")
    return store.consistency_proof(first, second)


def _check_range(store: LedgerStore, index: int, size: int, name: str) -> None:
    have = store.size()
    if not 0 < size <= have:
        raise NotFoundError(f"no tree of size {size} (the log holds {have} entries)")
    if not 0 <= index < size:
        raise InvalidInputError(f"{name} is outside the tree of size {size}")


def visible_entries(
    uow: UnitOfWork, store: LedgerStore, principal: Principal, start: int, end: int
) -> list[LedgerEntry]:
    """The entries with ``start`` <= index < ``end`` that ``principal`` sees (the union and the
    operator: all; a party: those about itself or naming its productions; at most
    :data:`MAX_ENTRIES` indices are read per call)."""
    if start < 0 or end < start:
        raise InvalidInputError(f"entries {start} to {end}: expected 0 <= start <= end")
    if end - start > MAX_ENTRIES:
        raise InvalidInputError(f"at most {MAX_ENTRIES} entries per call (asked {end - start})")
    whole = may(principal, Action.SEE, WHOLE_LEDGER).visible
    whom = acts_for(uow, principal)
    found = []
    for index, body, _ in store.read(start, end):
        entry = LedgerEntry.from_body(index, body)
        if whole or may(principal, Action.SEE, entry_record(uow, entry), acts_for=whom).visible:
            found.append(entry)
    return found


def entry_record(uow: UnitOfWork, entry: LedgerEntry) -> Record:
    """Whom an entry is about and whose productions it names, read from its record's fields
    (``performer``, ``replica``, ``consent``, ``production(s)``, ``producer``, ``request``)."""
    record = entry.record
    performers: set[str] = set()
    productions: set[str] = set()
    nested = record.get("request")
    for fields in (record, nested if isinstance(nested, dict) else {}):
        for name in ("performer", "resembles"):
            if isinstance(fields.get(name), str):
                performers.add(fields[name])
        if isinstance(fields.get("production"), str):
            productions.add(fields["production"])
        if isinstance(fields.get("productions"), list):
            productions.update(p for p in fields["productions"] if isinstance(p, str))
        if isinstance(fields.get("replica"), str):
            replica = uow.replicas.get(fields["replica"])
            if replica is not None:
                performers.add(replica.performer)
                productions.update(() if replica.made_in is None else (replica.made_in,))
    own_id = record.get("id")
    if entry.kind == "performer-registered" and isinstance(own_id, str):
        performers.add(own_id)
    consent_id = own_id if entry.kind == "consent-granted" else record.get("consent")
    if isinstance(consent_id, str) and (stored := uow.consents.get(consent_id)) is not None:
        about = consent_record(uow, stored.consent)
        performers |= about.performers
        productions.update(stored.consent.productions)
    producers = producers_of(uow, productions)
    if entry.kind == "production-registered" and isinstance(record.get("producer"), str):
        producers |= {record["producer"]}
    if entry.kind == "producer-registered" and isinstance(own_id, str):
        producers |= {own_id}
    return Record(
        RecordKind.LEDGER_ENTRY, str(entry.index), frozenset(performers), frozenset(producers)
    )
