"""Registering performers, producers, productions and replicas, and moving a world in and out.

Every registration writes its ledger entry in the same transaction (SPEC §8), with the
principal as its actor; every read and write asks :mod:`likeness.services.access` first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, TypeVar

from likeness.domain.performers import Performer
from likeness.domain.principals import Principal
from likeness.domain.productions import Producer, Production
from likeness.domain.replicas import Replica
from likeness.domain.world import World
from likeness.errors import ForbiddenError, NotFoundError, RecordInvalidError
from likeness.interchange.documents import to_jsonable
from likeness.interchange.report import consent_to_document
from likeness.interchange.world import parse_world, world_to_document
from likeness.services.access import (
    Action,
    Permission,
    Record,
    RecordKind,
    may,
    may_register,
    require,
)
from likeness.services.records import (
    acts_for,
    performer_record,
    production_record,
    replica_record,
)
from likeness.services.registration_checks import check_new_world
from likeness.services.strikes import strike_document
from likeness.services.unit_of_work import UnitOfWork

#: the registry as a whole (import, export)
REGISTRY = Record(RecordKind.REGISTRY, "registry")

T = TypeVar("T")


def _one(kind: str, document: Mapping[str, Any]) -> dict[str, Any]:
    records: list[dict[str, Any]] = document[kind]
    return dict(to_jsonable(records[0]))


def _record(world: World, section: str) -> dict[str, Any]:
    return _one(section, world_to_document(world))


def load_world(uow: UnitOfWork) -> World:
    """Everything registered, as a :class:`World` (the world sections only)."""
    world = World()
    world.producers = {p.id: p for p in uow.producers.list()}
    world.productions = {p.id: p for p in uow.productions.list()}
    world.performers = {p.id: p for p in uow.performers.list()}
    world.replicas = {r.id: r for r in uow.replicas.list()}
    return world


def seen_world(uow: UnitOfWork, principal: Principal, known: World) -> World:
    """The part of ``known`` that ``principal`` sees."""
    if may(principal, Action.SEE, REGISTRY).visible:
        return known
    whom = acts_for(uow, principal)
    seen = World()
    seen.performers = {
        k: p
        for k, p in known.performers.items()
        if may(principal, Action.SEE, performer_record(p), acts_for=whom).visible
    }
    seen.producers = {
        k: p
        for k, p in known.producers.items()
        if may(
            principal, Action.SEE, Record(RecordKind.PRODUCER, p.id, producers=frozenset({p.id}))
        ).visible
    }
    seen.productions = {
        k: p
        for k, p in known.productions.items()
        if may(principal, Action.SEE, production_record(p)).visible
    }
    seen.replicas = {
        k: r
        for k, r in known.replicas.items()
        if may(principal, Action.SEE, replica_record(uow, r), acts_for=whom).visible
    }
    return seen


def _store(uow: UnitOfWork, world: World, actor: str) -> None:
    """Write every record of ``world`` and its ledger entry (the caller commits)."""
    document = to_jsonable(world_to_document(world))
    for producer, rec in zip(world.producers.values(), document["producers"], strict=True):
        uow.producers.add(producer)
        uow.ledger.append("producer-registered", actor, rec)
    for production, rec in zip(world.productions.values(), document["productions"], strict=True):
        uow.productions.add(production)
        uow.ledger.append("production-registered", actor, rec)
    for performer, rec in zip(world.performers.values(), document["performers"], strict=True):
        uow.performers.add(performer)
        uow.ledger.append("performer-registered", actor, rec)
    for replica, rec in zip(world.replicas.values(), document["replicas"], strict=True):
        uow.replicas.add(replica)
        uow.ledger.append("replica-registered", actor, rec)


def _refuse_duplicates(new: World, known: World) -> None:
    for kind, mine, theirs in (
        ("producer", new.producers, known.producers),
        ("production", new.productions, known.productions),
        ("performer", new.performers, known.performers),
        ("replica", new.replicas, known.replicas),
    ):
        for ident in mine:
            if ident in theirs:
                raise RecordInvalidError(
                    f"{kind} {ident}", "id", ident, f"an id no registered {kind} has"
                )
    known_reps = {r.id for p in known.performers.values() for r in p.representatives}
    for performer in new.performers.values():
        for rep in performer.representatives:
            if rep.id in known_reps:
                raise RecordInvalidError(
                    f"performer {performer.id} representative {rep.id}",
                    "id",
                    rep.id,
                    "an id no registered representative has",
                )


def _require_registration(principal: Principal, new: World, known: World) -> None:
    """Each new record must be one ``principal`` may register (SPEC §10): a producer its own
    productions and replicas made in them; performers and producers only the operator.

    A new record has no existence to hide, so a refusal is :class:`ForbiddenError` whether
    or not the production it names exists (the answer is the same either way)."""
    records = [performer_record(p) for p in new.performers.values()]
    records += [
        Record(RecordKind.PRODUCER, p.id, producers=frozenset({p.id}))
        for p in new.producers.values()
    ]
    records += [production_record(p) for p in new.productions.values()]
    for replica in new.replicas.values():
        made_in = replica.made_in
        made: Production | None = None
        if made_in is not None:
            made = new.productions.get(made_in) or known.productions.get(made_in)
        producers = frozenset() if made is None else frozenset({made.producer})
        records.append(
            Record(RecordKind.REPLICA, replica.id, frozenset({replica.performer}), producers)
        )
    for record in records:
        permission = may(principal, Action.REGISTER, record)
        if not permission.allowed:
            raise ForbiddenError(
                f"{principal.actor} may not register {record.kind} {record.id} (a producer"
                " registers its own productions and replicas made in them; performers and"
                " producers are registered by the operator)",
                errors=permission.reasons,
            )


def import_world(
    uow: UnitOfWork,
    principal: Principal,
    document: Mapping[str, Any],
    today: dt.date | None = None,
) -> World:
    """Register every record of the world sections of ``document``, all or nothing.

    References may name records of the document or records already registered; an id that is
    already registered is refused, and so is a birth or death after ``today`` (the UTC date by
    default) or a replica whose ``made_in`` contradicts its kind. Raises
    :class:`RecordInvalidError` naming the first bad record; nothing is written then.
    """
    registers = may_register(principal)
    if not registers.allowed:
        raise ForbiddenError(
            f"{principal.actor} may not register records", errors=registers.reasons
        )
    known = load_world(uow)
    # references resolve against what the principal sees: a production it may not see is
    # refused exactly like one that does not exist
    seen = seen_world(uow, principal, known)
    world = parse_world(document, known=seen)
    check_new_world(world, today or dt.datetime.now(dt.UTC).date())
    _refuse_duplicates(world, known)
    _require_registration(principal, world, seen)
    _store(uow, world, principal.actor)
    uow.commit()
    return world


def export_world(uow: UnitOfWork, principal: Principal) -> dict[str, Any]:
    """The registry as a scenario document: every performer, producer, production (with its
    titles and cast), replica, consent and strike (``import`` of it into an empty database
    restores it, byte for byte).

    A consent kept for the record although invalid carries ``expect: {valid: false,
    problems}``, which lets ``import`` keep it again. Only for whoever sees every record (the
    union, the operator)."""
    require(principal, Action.SEE, REGISTRY, "the registry is not visible to you")
    document = world_to_document(load_world(uow), uow.titles.list(), uow.cast.list())
    document.pop("agreement")  # each production names its own agreement
    consents = []
    for stored in uow.consents.list():
        doc = consent_to_document(stored.consent)
        if stored.problems:
            doc["expect"] = {"valid": False, "problems": list(stored.problems)}
        consents.append(doc)
    document["consents"] = consents
    document["strikes"] = [
        {k: v for k, v in strike_document(s).items() if k != "id"} for s in uow.strikes.list()
    ]
    return document


def add_record(
    uow: UnitOfWork, principal: Principal, section: str, data: Mapping[str, Any]
) -> Performer | Producer | Production | Replica:
    """Register one record given in the file format; ``section`` is e.g. ``"performers"``."""
    world = import_world(uow, principal, {section: [dict(data)]})
    collection: dict[Any, Any] = getattr(world, section)
    return next(iter(collection.values()))  # type: ignore[no-any-return]


def _found(item: T | None, kind: str, ident: str) -> T:
    if item is None:
        raise NotFoundError(f"{kind} {ident!r} does not exist")
    return item


def _missing(kind: str, ident: str) -> str:
    return f"{kind} {ident!r} does not exist"


def see_performer(uow: UnitOfWork, principal: Principal, performer_id: str) -> Permission:
    """Whether and how ``principal`` sees the performer (a producer: id and name only);
    :class:`NotFoundError` when there is no such performer or it is not visible."""
    performer = _found(uow.performers.get(performer_id), "performer", performer_id)
    return require(
        principal,
        Action.SEE,
        performer_record(performer),
        _missing("performer", performer_id),
        acts_for=acts_for(uow, principal),
    )


def get_performer(uow: UnitOfWork, principal: Principal, performer_id: str) -> Performer:
    """The performer with this id; :class:`NotFoundError` if there is none or it is not
    visible to ``principal`` (a producer gets :func:`performer_document` with id and name)."""
    see_performer(uow, principal, performer_id)
    return _found(uow.performers.get(performer_id), "performer", performer_id)


def get_producer(uow: UnitOfWork, principal: Principal, producer_id: str) -> Producer:
    """The producer with this id; :class:`NotFoundError` if there is none or not visible."""
    producer = _found(uow.producers.get(producer_id), "producer", producer_id)
    record = Record(RecordKind.PRODUCER, producer.id, producers=frozenset({producer.id}))
    require(principal, Action.SEE, record, _missing("producer", producer_id))
    return producer


def get_production(uow: UnitOfWork, principal: Principal, production_id: str) -> Production:
    """The production with this id; :class:`NotFoundError` if there is none or not visible."""
    production = _found(uow.productions.get(production_id), "production", production_id)
    require(
        principal, Action.SEE, production_record(production), _missing("production", production_id)
    )
    return production


def get_replica(uow: UnitOfWork, principal: Principal, replica_id: str) -> Replica:
    """The replica with this id; :class:`NotFoundError` if there is none or not visible."""
    replica = _found(uow.replicas.get(replica_id), "replica", replica_id)
    require(
        principal,
        Action.SEE,
        replica_record(uow, replica),
        _missing("replica", replica_id),
        acts_for=acts_for(uow, principal),
    )
    return replica


def list_performers(uow: UnitOfWork, principal: Principal) -> list[dict[str, Any]]:
    """The performers ``principal`` sees, as documents (id and name only for a producer)."""
    found = []
    whom = acts_for(uow, principal)
    for performer in uow.performers.list():
        permission = may(principal, Action.SEE, performer_record(performer), acts_for=whom)
        if permission.visible:
            found.append(performer_document(performer, limited=permission.limited))
    return found


def list_producers(uow: UnitOfWork, principal: Principal) -> list[Producer]:
    """The producers ``principal`` sees."""
    return [
        p
        for p in uow.producers.list()
        if may(
            principal, Action.SEE, Record(RecordKind.PRODUCER, p.id, producers=frozenset({p.id}))
        ).visible
    ]


def list_productions(
    uow: UnitOfWork, principal: Principal, producer_id: str | None = None
) -> list[Production]:
    """The productions ``principal`` sees (of one producer when ``producer_id`` is given)."""
    return [
        p
        for p in uow.productions.list()
        if (producer_id is None or p.producer == producer_id)
        and may(principal, Action.SEE, production_record(p)).visible
    ]


def list_replicas(
    uow: UnitOfWork, principal: Principal, performer_id: str | None = None
) -> list[Replica]:
    """The replicas ``principal`` sees (of one performer when ``performer_id`` is given)."""
    whom = acts_for(uow, principal)
    return [
        r
        for r in uow.replicas.list(performer_id=performer_id)
        if may(principal, Action.SEE, replica_record(uow, r), acts_for=whom).visible
    ]


def performer_document(performer: Performer, *, limited: bool = False) -> dict[str, Any]:
    """A performer in the file format; ``limited``: only the id and name (SPEC §10)."""
    document = record_as_document(performer)
    return {"id": document["id"], "name": document["name"]} if limited else document


def record_as_document(item: Performer | Producer | Production | Replica) -> dict[str, Any]:
    """One registered thing in the file format, JSON-ready (for show/list output)."""
    world = World()
    section = {
        Performer: "performers",
        Producer: "producers",
        Production: "productions",
        Replica: "replicas",
    }[type(item)]
    getattr(world, section)[item.id] = item
    return _record(world, section)
