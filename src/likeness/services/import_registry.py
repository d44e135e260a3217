"""The world sections of ``likeness import`` (producers, productions, performers, replicas):
each batch parsed, checked (ids unique, references registered, SPEC §2 registration checks,
who may register it) and stored with its ledger entries. :mod:`.imports` drives it.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

from likeness.domain.consents import Consent
from likeness.domain.ids import ProducerId, ProductionId
from likeness.domain.performers import Performer
from likeness.domain.principals import Principal
from likeness.domain.productions import DEFAULT_AGREEMENT, Producer, Production
from likeness.domain.replicas import Replica
from likeness.errors import ForbiddenError, RecordInvalidError
from likeness.interchange.documents import to_jsonable
from likeness.interchange.records import build_checked, label_of, parse_record
from likeness.interchange.world import (
    PerformerRecord,
    ProducerRecord,
    ProductionRecord,
    ReplicaRecord,
    performer_document,
    performer_from_record,
    producer_document,
    production_document,
    replica_document,
    replica_from_record,
)
from likeness.rulesets import RULE_SET_IDS
from likeness.services.access import Action, Record, RecordKind, may
from likeness.services.collaborators import Collaborators
from likeness.services.records import performer_record, production_record
from likeness.services.registration_checks import (
    check_new_performer,
    check_new_replica,
)
from likeness.services.registry import REGISTRY, load_world, seen_world
from likeness.services.unit_of_work import UnitOfWork

T = TypeVar("T")

#: records checked and inserted together (one executemany per table, one ledger append)
BATCH = 1_000
#: the sections that hold registry data, in the order an import reports them
DATA_SECTIONS = (
    "performers",
    "producers",
    "productions",
    "replicas",
    "titles",
    "cast",
    "consents",
    "strikes",
)


@dataclass
class ImportResult:
    """How many records of each section were stored, and the scenario-only keys skipped
    (with their number of records, or None for a single value)."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(DATA_SECTIONS, 0))
    skipped: dict[str, int | None] = field(default_factory=dict)


class RegistryImporter:
    """Checks and stores the world sections of an import, batch by batch (see
    :mod:`.imports`, which adds strikes, consents and the dispatch)."""

    def __init__(
        self,
        uow: UnitOfWork,
        principal: Principal,
        deps: Collaborators,
        source: str,
        today: dt.date,
    ) -> None:
        self.uow, self.principal, self.deps, self.source = uow, principal, deps, source
        self.today = today
        self.result = ImportResult()
        self.agreement = DEFAULT_AGREEMENT
        self.data_keys: list[str] = []
        self.consents: list[tuple[str, Consent, bool]] = []
        self.consent_ids: set[str] = set()
        # who sees the whole registry resolves references in the database; anyone else against
        # what it sees (a record it may not see is refused like one that does not exist)
        self.sees_all = may(principal, Action.SEE, REGISTRY).visible
        self.seen: dict[str, set[str]] = {}
        if not self.sees_all:
            world = seen_world(uow, principal, load_world(uow))
            self.seen = {
                "producers": set(world.producers),
                "productions": set(world.productions),
                "performers": set(world.performers),
            }
        self.productions: dict[str, Production | None] = {}

    # ---- checks shared by the sections ----------------------------------------------------

    def _missing(
        self, kind: str, ids: set[str], existing: Callable[[set[str]], set[str]]
    ) -> set[str]:
        if not ids:
            return set()
        if self.sees_all:
            return ids - existing(ids)
        return ids - self.seen[kind]

    def _unique(self, kind: str, batch: Sequence[tuple[str, str]], existing: set[str]) -> None:
        """Refuse the first id of ``batch`` (label, id) used twice or already registered."""
        mine: set[str] = set()
        for label, ident in batch:
            if ident in mine or ident in existing:
                raise RecordInvalidError(label, "id", ident, f"an id no {kind} has yet")
            mine.add(ident)

    def _may_register(self, record: Record) -> None:
        permission = may(self.principal, Action.REGISTER, record)
        if not permission.allowed:
            raise ForbiddenError(
                f"{self.principal.actor} may not register {record.kind} {record.id} (a producer"
                " registers its own productions and replicas made in them; performers and"
                " producers are registered by the operator)",
                errors=permission.reasons,
            )

    def _store(
        self,
        kind: str,
        items: Sequence[T],
        add: Callable[[Sequence[T]], None],
        document: Callable[[T], dict[str, Any]],
        section: str,
        *,
        seen: bool = True,
    ) -> None:
        """Insert ``items`` with one ledger entry each, count them, and (``seen``: records with
        an ``id`` that later sections may name) remember them as visible."""
        ident: Callable[[Any], str] = operator.attrgetter("id")
        add(items)
        self.uow.ledger.append_many(
            (kind, self.principal.actor, to_jsonable(document(item))) for item in items
        )
        self.result.counts[section] += len(items)
        if seen and not self.sees_all:
            self.seen.setdefault(section, set()).update(ident(item) for item in items)

    # ---- the sections ---------------------------------------------------------------------

    def producers(self, batch: list[tuple[int, Any]]) -> None:
        recs = [(label_of("producer", raw, i), raw) for i, raw in batch]
        parsed = [(label, parse_record(ProducerRecord, raw, label)) for label, raw in recs]
        ids = [(label, r.id) for label, r in parsed]
        self._unique("producer", ids, self.uow.producers.existing([i for _, i in ids]))
        items = [Producer(ProducerId(r.id), r.name) for _, r in parsed]
        for p in items:
            self._may_register(Record(RecordKind.PRODUCER, p.id, producers=frozenset({p.id})))
        self._store(
            "producer-registered",
            items,
            self.uow.producers.add_many,
            producer_document,
            "producers",
        )

    def productions_(self, batch: list[tuple[int, Any]]) -> None:
        parsed = [
            (label, parse_record(ProductionRecord, raw, label))
            for label, raw in ((label_of("production", raw, i), raw) for i, raw in batch)
        ]
        ids = [(label, r.id) for label, r in parsed]
        self._unique("production", ids, self.uow.productions.existing([i for _, i in ids]))
        missing = self._missing(
            "producers", {r.producer for _, r in parsed}, self.uow.producers.existing
        )
        items = []
        for label, r in parsed:
            if r.producer in missing:
                raise RecordInvalidError(label, "producer", r.producer, "the id of a producer")
            rule_set = r.agreement or self.agreement
            if rule_set not in RULE_SET_IDS:
                raise RecordInvalidError(
                    label, "agreement", rule_set, f"one of {', '.join(RULE_SET_IDS)}"
                )
            production = Production(
                ProductionId(r.id),
                r.title,
                ProducerId(r.producer),
                r.kind,
                rule_set,
                r.principal_photography,
                r.platform,
            )
            self._may_register(production_record(production))
            items.append(production)
        self._store(
            "production-registered",
            items,
            self.uow.productions.add_many,
            production_document,
            "productions",
        )

    def performers(self, batch: list[tuple[int, Any]]) -> None:
        parsed = []
        for i, raw in batch:
            label = label_of("performer", raw, i)
            rec = parse_record(PerformerRecord, raw, label)
            parsed.append((label, build_checked(label, partial(performer_from_record, rec))))
        ids = [(label, p.id) for label, p in parsed]
        self._unique("performer", ids, self.uow.performers.existing([i for _, i in ids]))
        reps = [(f"{label} representative", r.id) for label, p in parsed for r in p.representatives]
        known_reps = self.uow.performers.existing_representatives([i for _, i in reps])
        self._unique("representative", reps, known_reps)
        items: list[Performer] = [p for _, p in parsed]
        for p in items:
            check_new_performer(p, self.today)
            self._may_register(performer_record(p))
        self._store(
            "performer-registered",
            items,
            self.uow.performers.add_many,
            performer_document,
            "performers",
        )

    def _production(self, ident: str) -> Production | None:
        if ident not in self.productions:
            if len(self.productions) > BATCH:
                self.productions.clear()
            self.productions[ident] = self.uow.productions.get(ident)
        return self.productions[ident]

    def replicas(self, batch: list[tuple[int, Any]]) -> None:
        parsed = []
        for i, raw in batch:
            label = label_of("replica", raw, i)
            rec = parse_record(ReplicaRecord, raw, label)
            parsed.append((label, build_checked(label, partial(replica_from_record, rec))))
        ids = [(label, r.id) for label, r in parsed]
        self._unique("replica", ids, self.uow.replicas.existing([i for _, i in ids]))
        performers = self._missing(
            "performers", {r.performer for _, r in parsed}, self.uow.performers.existing
        )
        made_in = self._missing(
            "productions",
            {r.made_in for _, r in parsed if r.made_in},
            self.uow.productions.existing,
        )
        items: list[Replica] = []
        for label, r in parsed:
            check_new_replica(r)
            if r.performer in performers:
                raise RecordInvalidError(label, "performer", r.performer, "the id of a performer")
            if r.made_in in made_in:
                raise RecordInvalidError(label, "made_in", r.made_in, "the id of a production")
            made = None if r.made_in is None else self._production(r.made_in)
            producers = frozenset() if made is None else frozenset({made.producer})
            self._may_register(
                Record(RecordKind.REPLICA, r.id, frozenset({r.performer}), producers)
            )
            items.append(r)
        self._store(
            "replica-registered", items, self.uow.replicas.add_many, replica_document, "replicas"
        )
