"""Registering performers, producers, productions and replicas, and moving a world in and out.

Every registration writes its ledger entry in the same transaction (SPEC §8).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

from likeness.domain.performers import Performer
from likeness.domain.productions import Producer, Production
from likeness.domain.replicas import AssetFile, Replica
from likeness.domain.world import World
from likeness.errors import ConflictError, NotFoundError, RecordInvalidError
from likeness.interchange.documents import to_jsonable
from likeness.interchange.world import parse_world, world_to_document
from likeness.services.assets import digest_file
from likeness.services.unit_of_work import UnitOfWork

#: the ledger actor for changes made by an operator at the command line
OPERATOR = "operator"

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


def import_world(uow: UnitOfWork, document: Mapping[str, Any], *, actor: str = OPERATOR) -> World:
    """Register every record of the world sections of ``document``, all or nothing.

    References may name records of the document or records already registered; an id that is
    already registered is refused. Raises :class:`RecordInvalidError` naming the first bad
    record; nothing is written then.
    """
    known = load_world(uow)
    world = parse_world(document, known=known)
    _refuse_duplicates(world, known)
    _store(uow, world, actor)
    uow.commit()
    return world


def export_world(uow: UnitOfWork) -> dict[str, Any]:
    """The registry as a scenario document (``import`` of it into an empty database restores it)."""
    document = world_to_document(load_world(uow))
    document.pop("agreement")  # each production names its own agreement
    return document


def add_record(
    uow: UnitOfWork, section: str, data: Mapping[str, Any], *, actor: str = OPERATOR
) -> Performer | Producer | Production | Replica:
    """Register one record given in the file format; ``section`` is e.g. ``"performers"``."""
    world = import_world(uow, {section: [dict(data)]}, actor=actor)
    collection: dict[Any, Any] = getattr(world, section)
    return next(iter(collection.values()))  # type: ignore[no-any-return]


def register_asset(
    uow: UnitOfWork, replica_id: str, path: Path, *, actor: str = OPERATOR
) -> AssetFile:
    """Digest the file at ``path`` (streamed) and record it as an asset of the replica."""
    replica = uow.replicas.get(replica_id)
    if replica is None:
        raise NotFoundError(
            f"replica {replica_id!r} does not exist (expected a registered replica)"
        )
    asset = digest_file(path)
    if any(a.location == asset.location for a in replica.assets):
        raise ConflictError(f"replica {replica_id}: {asset.location} is already registered")
    uow.replicas.add_asset(replica_id, asset)
    uow.ledger.append(
        "replica-asset-registered",
        actor,
        {
            "replica": replica_id,
            "location": asset.location,
            "size": asset.size,
            "sha256": asset.sha256,
        },
    )
    uow.commit()
    return asset


def _found(item: T | None, kind: str, ident: str) -> T:
    if item is None:
        raise NotFoundError(f"{kind} {ident!r} does not exist")
    return item


def get_performer(uow: UnitOfWork, performer_id: str) -> Performer:
    """The performer with this id; :class:`NotFoundError` if there is none."""
    return _found(uow.performers.get(performer_id), "performer", performer_id)


def get_producer(uow: UnitOfWork, producer_id: str) -> Producer:
    """The producer with this id; :class:`NotFoundError` if there is none."""
    return _found(uow.producers.get(producer_id), "producer", producer_id)


def get_production(uow: UnitOfWork, production_id: str) -> Production:
    """The production with this id; :class:`NotFoundError` if there is none."""
    return _found(uow.productions.get(production_id), "production", production_id)


def get_replica(uow: UnitOfWork, replica_id: str) -> Replica:
    """The replica with this id; :class:`NotFoundError` if there is none."""
    return _found(uow.replicas.get(replica_id), "replica", replica_id)


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
