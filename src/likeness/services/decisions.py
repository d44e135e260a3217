"""Deciding requests against the database: load the slice of the world a request touches, run
the engine of :mod:`likeness.policy.engine` on it, and (for benchmarks and servers) load a warm
engine over every consent.
"""

from __future__ import annotations

from likeness.domain.decisions import Decision
from likeness.domain.ids import PerformerId
from likeness.domain.principals import Principal
from likeness.domain.requests import Request
from likeness.domain.world import World
from likeness.policy.engine import DecisionEngine
from likeness.services.access import Action, Record, RecordKind, require
from likeness.services.collaborators import Collaborators
from likeness.services.records import producers_of
from likeness.services.unit_of_work import UnitOfWork


def load_request_world(uow: UnitOfWork, request: Request) -> World:
    """The part of the registry ``request`` can depend on: its production and producer, the
    replica and performers it names, the consents naming them with the productions they name
    (a consent signed during a strike against one of them is invalid), and every strike.

    Ids that do not exist are simply absent, so the decision says ``unknown-…``.
    """
    world = World()
    production = uow.productions.get(request.production)
    if production is not None:
        world.productions[production.id] = production
        producer = uow.producers.get(production.producer)
        if producer is not None:
            world.producers[producer.id] = producer
    performer_ids: set[str] = set()
    replica_ids: list[str] = []
    if request.replica is not None:
        replica = uow.replicas.get(request.replica)
        if replica is not None:
            world.replicas[replica.id] = replica
            replica_ids.append(replica.id)
            performer_ids.add(replica.performer)
            if replica.made_in is not None and replica.made_in not in world.productions:
                made_in = uow.productions.get(replica.made_in)
                if made_in is not None:
                    world.productions[made_in.id] = made_in
    for named in (request.performer, request.resembles):
        if named is not None:
            performer_ids.add(named)
    for performer_id in sorted(performer_ids):
        performer = uow.performers.get(performer_id)
        if performer is not None:
            world.performers[PerformerId(performer_id)] = performer
    for consent in uow.consents.for_subjects(replica_ids, list(world.performers)):
        world.consents[consent.id] = consent
        for pid in consent.productions:
            if pid not in world.productions:
                named_production = uow.productions.get(pid)
                if named_production is not None:
                    world.productions[named_production.id] = named_production
    world.strikes.extend(uow.strikes.list())
    return world


def request_record(uow: UnitOfWork, request: Request, kind: RecordKind) -> Record:
    """What access to a decision or use on ``request`` depends on: the performer it is about,
    the requesting producer and the producer of the production."""
    producers = {request.producer} | producers_of(uow, (request.production,))
    performer: str | None = request.performer or request.resembles
    if request.replica is not None:
        replica = uow.replicas.get(request.replica)
        performer = replica.performer if replica is not None else performer
    performers = frozenset() if performer is None else frozenset({performer})
    return Record(kind, request.id, performers, frozenset(producers))


def decide_request(
    uow: UnitOfWork, principal: Principal, request: Request, *, deps: Collaborators
) -> Decision:
    """Decide ``request`` against what the database holds (SPEC §4), for a producer asking
    about its own productions (or the operator).

    Raises :class:`ForbiddenError` / :class:`NotFoundError` when ``principal`` may not ask
    (SPEC §10), and ``CompensationError`` only when an allowed request cannot be priced.
    """
    require(
        principal,
        Action.DECIDE,
        request_record(uow, request, RecordKind.DECISION),
        f"production {request.production!r} does not exist",
    )
    engine = deps.engine(load_request_world(uow, request))
    return engine.decide(request)


def load_engine(
    uow: UnitOfWork, world: World | None = None, *, deps: Collaborators
) -> DecisionEngine:
    """A warm engine over the whole registry and every consent, in stored order.

    ``world`` may hold the registry already (performers, productions, replicas); otherwise it
    is read here.
    """
    if world is None:
        world = World()
        world.producers = {p.id: p for p in uow.producers.list()}
        world.productions = {p.id: p for p in uow.productions.list()}
        world.performers = {p.id: p for p in uow.performers.list()}
        world.replicas = {r.id: r for r in uow.replicas.list()}
    world.strikes.extend(uow.strikes.list())
    engine = deps.engine(world)
    engine.add_consents(uow.consents.iter_all(), into_world=False)
    return engine
