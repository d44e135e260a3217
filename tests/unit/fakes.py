"""In-memory fakes of the storage Protocols, for service tests without I/O (cosmicpython style).

Each fake answers as its SQL repository in ``likeness.storage`` does: the same filters, the
same order, nothing kept after a rollback. ``tests/integration/test_fakes.py`` runs the same
calls on both and compares the answers, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from types import TracebackType
from typing import Any, Self

from likeness.compensation.residuals.compute import PerformerResult
from likeness.domain.consents import Consent, StoredConsent
from likeness.domain.ids import PerformerId, ProducerId, ProductionId, ReplicaId
from likeness.domain.payments import PayLine
from likeness.domain.performers import Performer
from likeness.domain.productions import Producer, Production
from likeness.domain.replicas import AssetFile, Replica
from likeness.domain.residuals import ResidualLine, ResidualRun
from likeness.domain.strikes import Strike
from likeness.domain.uses import UseRecord
from likeness.errors import ConflictError
from tests.unit.fakes_detection import FakeDetection
from tests.unit.fakes_money import FakePayments
from tests.unit.fakes_parties import FakeAccounts, FakeConsentRequests, FakeNotices
from tests.unit.fakes_productions import FakeCast, FakeTitles


class _Repo:
    def __init__(self) -> None:
        self.items: dict[str, Any] = {}

    def get(self, ident: str) -> Any:
        return self.items.get(ident)

    def add(self, item: Any) -> None:
        assert item.id not in self.items, f"duplicate {item.id}"
        self.items[item.id] = item

    def ids(self) -> set[Any]:
        return set(self.items)

    def add_many(self, items: Sequence[Any]) -> None:
        for item in items:
            self.add(item)

    def existing(self, idents: Collection[str]) -> set[str]:
        return {i for i in idents if i in self.items}

    def get_many(self, idents: Collection[str]) -> list[Any]:
        return [self.items[i] for i in sorted(idents) if i in self.items]


class FakePerformers(_Repo):
    def list(self) -> Sequence[Performer]:
        return [self.items[k] for k in sorted(self.items)]

    def represented_by(self, representative_id: str) -> list[PerformerId]:
        return sorted(
            p.id
            for p in self.items.values()
            if any(rep.id == representative_id for rep in p.representatives)
        )

    def ids(self) -> set[PerformerId]:
        return set(self.items)  # type: ignore[arg-type]

    def existing_representatives(self, idents: Collection[str]) -> set[str]:
        reps = {r.id for p in self.items.values() for r in p.representatives}
        return {i for i in idents if i in reps}


class FakeProducers(_Repo):
    def list(self) -> Sequence[Producer]:
        return [self.items[k] for k in sorted(self.items)]

    def ids(self) -> set[ProducerId]:
        return set(self.items)  # type: ignore[arg-type]


class FakeProductions(_Repo):
    def list(self) -> Sequence[Production]:
        return [self.items[k] for k in sorted(self.items)]

    def ids(self) -> set[ProductionId]:
        return set(self.items)  # type: ignore[arg-type]


class FakeReplicas(_Repo):
    def list(self, performer_id: str | None = None) -> Sequence[Replica]:
        """By id; with ``performer_id`` only that performer's replicas."""
        return [
            self.items[k]
            for k in sorted(self.items)
            if performer_id is None or self.items[k].performer == performer_id
        ]

    def add_asset(self, replica_id: str, asset: AssetFile) -> None:
        self.items[replica_id] = self.items[replica_id].with_asset(asset)

    def ids(self) -> set[ReplicaId]:
        return set(self.items)  # type: ignore[arg-type]


class FakeConsents:
    """Consents in stored order (a dict keeps insertion order, as ``seq`` does)."""

    def __init__(self, replicas: FakeReplicas) -> None:
        self.items: dict[str, StoredConsent] = {}
        # to filter by performer through the replicas they own, as the SQL subquery does
        self._replicas = replicas

    def get(self, consent_id: str) -> StoredConsent | None:
        return self.items.get(consent_id)

    def add(self, consent: Consent, problems: Sequence[str] = ()) -> None:
        assert consent.id not in self.items, f"duplicate {consent.id}"  # the id is unique
        self.items[consent.id] = StoredConsent(consent, tuple(problems))

    def revoke(self, consent_id: str, on: dt.date) -> None:
        """Set ``revoked_on`` (an UPDATE: a missing id changes nothing, a date is overwritten)."""
        stored = self.items.get(consent_id)
        if stored is not None:
            revoked = dataclasses.replace(stored.consent, revoked_on=on)
            self.items[consent_id] = StoredConsent(revoked, stored.problems)

    def suspend(self, consent_id: str, on: dt.date) -> None:
        """Set ``suspended_on`` (an UPDATE, like :meth:`revoke`)."""
        stored = self.items.get(consent_id)
        if stored is not None:
            suspended = dataclasses.replace(stored.consent, suspended_on=on)
            self.items[consent_id] = StoredConsent(suspended, stored.problems)

    def list(self, performer_id: str | None = None) -> Sequence[StoredConsent]:
        """Stored order; with ``performer_id`` those naming the performer or their replicas."""
        if performer_id is None:
            return list(self.items.values())
        theirs = {r.id for r in self._replicas.list(performer_id)}
        return [
            s
            for s in self.items.values()
            if s.consent.performer == performer_id or s.consent.replica in theirs
        ]

    def for_subjects(
        self, replica_ids: Collection[str], performer_ids: Collection[str]
    ) -> Sequence[Consent]:
        return [
            s.consent
            for s in self.items.values()
            if s.consent.replica in replica_ids or s.consent.performer in performer_ids
        ]

    def iter_all(self) -> Iterator[Consent]:
        return iter([s.consent for s in self.items.values()])


class FakeStrikes:
    def __init__(self) -> None:
        self.items: list[Strike] = []

    def add(self, strike: Strike) -> int:
        self.items.append(dataclasses.replace(strike, id=len(self.items) + 1))
        return len(self.items)

    def get(self, strike_id: int) -> Strike | None:
        return self.items[strike_id - 1] if 0 < strike_id <= len(self.items) else None

    def end(self, strike_id: int, until: dt.date) -> None:
        self.items[strike_id - 1] = dataclasses.replace(self.items[strike_id - 1], until=until)

    def list(self) -> Sequence[Strike]:
        return list(self.items)


class FakeLedger:
    def __init__(self) -> None:
        self.entries: list[tuple[str, str, Mapping[str, Any]]] = []

    def append(self, kind: str, actor: str, record: Mapping[str, Any]) -> int:
        self.entries.append((kind, actor, dict(record)))
        return len(self.entries) - 1

    def append_many(self, items: Iterable[tuple[str, str, Mapping[str, Any]]]) -> list[int]:
        return [self.append(kind, actor, record) for kind, actor, record in items]


class FakeUses:
    """Decisions on uses, uses and pay lines by idempotency key (like SqlUseRepository)."""

    def __init__(self, payments: FakePayments) -> None:
        self.items: dict[str, UseRecord] = {}
        self.performers: dict[str, str | None] = {}
        self._payments = payments

    def get(self, key: str) -> UseRecord | None:
        return self.items.get(key)

    def add(self, record: UseRecord, performer: str | None) -> UseRecord:
        if record.key in self.items:
            raise ConflictError(f"idempotency key {record.key!r} is already recorded")
        if record.decision.allowed:
            used = sum(1 for r in self.items.values() if r.use_id is not None)
            owed = [dataclasses.replace(x, use_id=used + 1) for x in record.pay_lines]
            ids = self._payments.add_many(owed)
            lines = tuple(dataclasses.replace(x, id=i) for x, i in zip(owed, ids, strict=True))
            record = dataclasses.replace(record, use_id=used + 1, pay_lines=lines)
        self.items[record.key] = record
        self.performers[record.key] = performer
        return record

    def use(self, use_id: int) -> UseRecord | None:
        return next((r for r in self.items.values() if r.use_id == use_id), None)

    def set_ledger_index(self, use_id: int, index: int) -> None:
        for key, record in self.items.items():
            if record.use_id == use_id:
                self.items[key] = dataclasses.replace(record, ledger_index=index)

    def of_performer(self, performer_id: str) -> Sequence[UseRecord]:
        return [
            r
            for r in self.items.values()
            if r.use_id is not None and self.performers.get(r.key) == performer_id
        ]

    def decisions(self, producer: str | None = None) -> Sequence[UseRecord]:
        return [
            r for r in self.items.values() if producer is None or r.request.producer == producer
        ]

    def pay_lines(self, performer_id: str | None = None) -> Sequence[PayLine]:
        if performer_id is not None:
            return self._payments.of_performer(performer_id)
        return [line for i in self._payments.lines if (line := self._payments.get(i))]


class FakeResiduals:
    """Residual runs and their lines (like SqlResidualRepository), kept whole."""

    def __init__(self) -> None:
        self.runs: dict[int, ResidualRun] = {}
        self.stored: list[ResidualLine] = []

    def add_run(
        self, run: ResidualRun, lines: Sequence[PerformerResult], years: Sequence[Any] = ()
    ) -> int:
        run_id = len(self.runs) + 1
        self.runs[run_id] = run
        self.stored += [
            ResidualLine(run_id, x.production, x.year, x.performer, x.fixed_residual, x.bonus)
            for x in lines
        ]
        return run_id

    def get_run(self, run_id: int) -> ResidualRun | None:
        return self.runs.get(run_id)

    def lines(
        self, *, run_id: int | None = None, performer: str | None = None
    ) -> Sequence[ResidualLine]:
        found = [
            line
            for line in self.stored
            if (run_id is None or line.run_id == run_id)
            and (performer is None or line.performer == performer)
        ]
        return sorted(found, key=lambda x: (x.run_id, x.production, x.year, x.performer))


class FakeUnitOfWork:
    """Keeps everything in dicts; ``committed`` counts commits. Uncommitted work is discarded.

    It holds consents and strikes too, so it stands for a ``UnitOfWork``.
    """

    def __init__(self) -> None:
        self.performers = FakePerformers()
        self.producers = FakeProducers()
        self.productions = FakeProductions()
        self.replicas = FakeReplicas()
        self.consents = FakeConsents(self.replicas)
        self.strikes = FakeStrikes()
        self.payments = FakePayments()
        self.uses = FakeUses(self.payments)
        self.residuals = FakeResiduals()
        self.accounts = FakeAccounts()
        self.consent_requests = FakeConsentRequests()
        self.notices = FakeNotices()
        self.ledger = FakeLedger()
        self.titles = FakeTitles()
        self.cast = FakeCast()
        self.detection = FakeDetection(self.replicas)
        self.committed = 0
        self._snapshot: tuple[Any, ...] = ()

    def _take(self) -> tuple[Any, ...]:
        return (
            dict(self.performers.items),
            dict(self.producers.items),
            dict(self.productions.items),
            dict(self.replicas.items),
            list(self.ledger.entries),
            dict(self.consents.items),
            list(self.strikes.items),
            dict(self.uses.items),
            dict(self.residuals.runs),
            list(self.residuals.stored),
            self.accounts.state(),
            dict(self.consent_requests.items),
            list(self.notices.items),
            dict(self.notices.claims),
            self.payments.state(),
            dict(self.titles.items),
            dict(self.cast.items),
            self.detection.state(),
        )

    def __enter__(self) -> Self:
        self._snapshot = self._take()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.rollback()

    def commit(self) -> None:
        self.committed += 1
        self._snapshot = self._take()

    def rollback(self) -> None:
        (
            self.performers.items,
            self.producers.items,
            self.productions.items,
            self.replicas.items,
            self.ledger.entries,
            self.consents.items,
            self.strikes.items,
            self.uses.items,
            self.residuals.runs,
            self.residuals.stored,
        ) = (
            dict(self._snapshot[0]),
            dict(self._snapshot[1]),
            dict(self._snapshot[2]),
            dict(self._snapshot[3]),
            list(self._snapshot[4]),
            dict(self._snapshot[5]),
            list(self._snapshot[6]),
            dict(self._snapshot[7]),
            dict(self._snapshot[8]),
            list(self._snapshot[9]),
        )
        self.accounts.restore(self._snapshot[10])
        self.consent_requests.items = dict(self._snapshot[11])
        self.notices.items = list(self._snapshot[12])
        self.notices.claims = dict(self._snapshot[13])
        self.payments.restore(self._snapshot[14])
        self.titles.items = dict(self._snapshot[15])
        self.cast.items = dict(self._snapshot[16])
        self.detection.restore(self._snapshot[17])
