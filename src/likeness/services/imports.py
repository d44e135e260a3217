"""``likeness import``: a world file into the registry, streamed, all or nothing.

Every key of a SPEC §9 world is stored (performers, producers, productions, replicas, strikes,
consents), each record with its ledger entry, in one transaction: the first bad record raises
an error naming it and nothing is stored. Records are checked and inserted in batches of
:data:`BATCH` as they are read, so a file of a million records needs no more memory than one of
a thousand; consents are checked once the whole file is read (a strike later in the file may
make one invalid), and held until then.

A scenario's questions and notes (``name``, ``description``, ``notes``, ``requests``) are not
registry data: they are counted and reported as not imported, never stored. ``uses`` is
refused (a use is a decision with pay lines: ``likeness use record`` records one), and so is
any other key, naming it and the keys expected.
"""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from itertools import islice
from typing import Any, TypeVar

from likeness.domain.consents import Consent
from likeness.domain.ids import ProducerId, ProductionId
from likeness.domain.performers import Performer
from likeness.domain.principals import Principal, Role
from likeness.domain.productions import DEFAULT_AGREEMENT, Producer, Production
from likeness.domain.replicas import Replica
from likeness.errors import ForbiddenError, InvalidInputError, RecordInvalidError
from likeness.interchange.documents import to_jsonable
from likeness.interchange.parsing import parse_strike
from likeness.interchange.records import build_checked, label_of, parse_record
from likeness.interchange.report import consent_to_document
from likeness.interchange.schemas import ConsentRecord, consent_from_record
from likeness.interchange.stream import Section
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
from likeness.services.access import Action, Record, RecordKind, may, may_register
from likeness.services.collaborators import Collaborators
from likeness.services.consents import consent_problems
from likeness.services.records import performer_record, production_record
from likeness.services.registry import REGISTRY, load_world, seen_world
from likeness.services.strikes import strike_document
from likeness.services.unit_of_work import UnitOfWork

#: records checked and inserted together (one executemany per table, one ledger append)
BATCH = 1_000
#: the sections that hold registry data, in the order an import reports them
DATA_SECTIONS = ("performers", "producers", "productions", "replicas", "consents", "strikes")
#: keys of a scenario file that are not registry data: read, counted, reported, never stored
SCENARIO_ONLY = ("name", "description", "notes", "requests")
#: every key a world file may have
EXPECTED_KEYS = ("agreement", *DATA_SECTIONS, *SCENARIO_ONLY)

T = TypeVar("T")


@dataclass
class ImportResult:
    """How many records of each section were stored, and the scenario-only keys skipped
    (with their number of records, or None for a single value)."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(DATA_SECTIONS, 0))
    skipped: dict[str, int | None] = field(default_factory=dict)


def _batches(items: Iterator[Any], size: int = BATCH) -> Iterator[list[tuple[int, Any]]]:
    numbered = enumerate(items)
    while batch := list(islice(numbered, size)):
        yield batch


class _Importer:
    def __init__(
        self, uow: UnitOfWork, principal: Principal, deps: Collaborators, source: str
    ) -> None:
        self.uow, self.principal, self.deps, self.source = uow, principal, deps, source
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
    ) -> None:
        ident: Callable[[Any], str] = operator.attrgetter("id")
        add(items)
        self.uow.ledger.append_many(
            (kind, self.principal.actor, to_jsonable(document(item))) for item in items
        )
        self.result.counts[section] += len(items)
        if not self.sees_all:
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

    def strikes(self, batch: list[tuple[int, Any]]) -> None:
        permission = may(self.principal, Action.DECLARE_STRIKE, Record(RecordKind.STRIKE, "new"))
        if not permission.allowed:
            raise ForbiddenError(
                f"{self.principal.actor} may not declare a strike (the union declares strikes)",
                errors=permission.reasons,
            )
        for i, raw in batch:
            strike = parse_strike(raw, label_of("strike", raw, i))
            stored = dataclasses.replace(strike, id=self.uow.strikes.add(strike))
            self.uow.ledger.append("strike-declared", self.principal.actor, strike_document(stored))
            self.result.counts["strikes"] += 1

    def consents_(self, batch: list[tuple[int, Any]]) -> None:
        if self.principal.role is not Role.OPERATOR:
            raise ForbiddenError(
                f"{self.principal.actor} may not import consents (the operator imports them;"
                " a party gives its own with `likeness consent add`)"
            )
        for i, raw in batch:
            label = label_of("consent", raw, i)
            rec = parse_record(ConsentRecord, raw, label)
            if rec.id in self.consent_ids:
                raise RecordInvalidError(label, "id", rec.id, "an id no consent has yet")
            self.consent_ids.add(rec.id)
            consent = build_checked(label, partial(consent_from_record, rec))
            kept_invalid = rec.expect is not None and rec.expect.valid is False
            self.consents.append((label, consent, kept_invalid))

    def finish_consents(self) -> None:
        """Check and store the consents, now that every strike of the file is known."""
        for label, consent, kept_invalid in self.consents:
            if consent.replica is not None and self.uow.replicas.get(consent.replica) is None:
                raise RecordInvalidError(label, "replica", consent.replica, "the id of a replica")
            if consent.performer is not None and self.uow.performers.get(consent.performer) is None:
                raise RecordInvalidError(
                    label, "performer", consent.performer, "the id of a performer"
                )
            if self.uow.consents.get(consent.id) is not None:
                raise RecordInvalidError(label, "id", consent.id, "an id no consent has yet")
            problems = consent_problems(self.uow, consent, deps=self.deps)
            if problems and not kept_invalid:
                raise InvalidInputError(
                    f"{label} is invalid (expected a consent that passes SPEC §5, or"
                    " `expect: {valid: false}` on it to keep it for the record); its problems:",
                    errors=problems,
                )
            self.uow.consents.add(consent, problems)
            self.uow.ledger.append(
                "consent-granted",
                self.principal.actor,
                to_jsonable(consent_to_document(consent, problems)),
            )
            self.result.counts["consents"] += 1

    # ---- dispatch -------------------------------------------------------------------------

    def take(self, section: Section) -> None:
        key = section.key
        if key == "uses":
            raise InvalidInputError(
                f"{self.source}: line {section.line}: key 'uses' cannot be imported (a use is a"
                " decision with its pay lines: record each with `likeness use record`)"
            )
        if key not in EXPECTED_KEYS:
            raise InvalidInputError(
                f"{self.source}: line {section.line}: unknown key {key!r}"
                f" (expected one of {', '.join(EXPECTED_KEYS)})"
            )
        if key in SCENARIO_ONLY:
            self.result.skipped[key] = (
                None if section.records is None else sum(1 for _ in section.records)
            )
            return
        if key == "agreement":
            if self.result.counts["productions"]:
                raise InvalidInputError(
                    f"{self.source}: line {section.line}: agreement comes after productions"
                    " (expected it before the productions it applies to)"
                )
            if section.value not in RULE_SET_IDS:
                raise RecordInvalidError(
                    self.source, "agreement", section.value, f"one of {', '.join(RULE_SET_IDS)}"
                )
            self.agreement = section.value
            return
        self.data_keys.append(key)
        if section.records is None:
            if section.value is None:
                return  # ``strikes:`` with nothing under it: an empty list
            raise RecordInvalidError(
                key, "section", type(section.value).__name__, "a list of records"
            )
        handle = {
            "producers": self.producers,
            "productions": self.productions_,
            "performers": self.performers,
            "replicas": self.replicas,
            "strikes": self.strikes,
            "consents": self.consents_,
        }[key]
        for batch in _batches(section.records):
            handle(batch)


def import_sections(
    uow: UnitOfWork,
    principal: Principal,
    sections: Iterable[Section],
    *,
    deps: Collaborators,
    source: str,
) -> ImportResult:
    """Store every record of ``sections`` with its ledger entry, then commit; all or nothing.

    Raises :class:`RecordInvalidError` / :class:`InvalidInputError` naming the first bad record
    or key, :class:`ForbiddenError` when ``principal`` may not register a record, and
    :class:`InvalidInputError` ("nothing to import") when no section holds registry data.
    Nothing is written unless it returns.
    """
    registers = may_register(principal)
    if not registers.allowed:
        raise ForbiddenError(
            f"{principal.actor} may not register records", errors=registers.reasons
        )
    importer = _Importer(uow, principal, deps, source)
    for section in sections:
        importer.take(section)
    if not importer.data_keys:
        raise InvalidInputError(
            f"{source}: nothing to import (expected at least one of {', '.join(DATA_SECTIONS)})"
        )
    importer.finish_consents()
    uow.commit()
    return importer.result


def summary(result: ImportResult, source: str) -> Iterator[str]:
    """The lines ``likeness import`` prints: what was stored, then what was not and why."""
    counts: Mapping[str, int] = result.counts
    yield "imported " + ", ".join(f"{n} {key}" for key, n in counts.items()) + f" from {source}"
    if result.skipped:
        parts = [key if n is None else f"{key} ({n})" for key, n in result.skipped.items()]
        yield (
            f"not imported: {', '.join(parts)}: a scenario's questions and notes, not registry"
            f" data (`likeness scenario run {source}` decides its requests)"
        )
