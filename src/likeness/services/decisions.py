"""Deciding requests against the database: load the slice of the world a request touches, run
the engine of :mod:`likeness.policy.engine` on it, and (for benchmarks and servers) load a warm
engine over every consent.
"""

from __future__ import annotations

from collections.abc import Sequence

from likeness.domain.decisions import Decision
from likeness.domain.ids import ProductionId, ReplicaId
from likeness.domain.principals import Principal
from likeness.domain.requests import Request
from likeness.domain.world import World
from likeness.policy.engine import DecisionEngine
from likeness.services.access import Action, Record, RecordKind, require
from likeness.services.collaborators import Collaborators
from likeness.services.records import producers_of
from likeness.services.unit_of_work import UnitOfWork


def load_request_world(uow: UnitOfWork, request: Request) -> World:
    """The part of the registry ``request`` can depend on (see :func:`load_requests_world`)."""
    return load_requests_world(uow, (request,))


def load_requests_world(uow: UnitOfWork, requests: Sequence[Request]) -> World:
    """The part of the registry ``requests`` can depend on: their productions and producers,
    the replicas and performers they name, the consents naming them with the productions they
    name (a consent signed during a strike against one of them is invalid), and every strike.

    A superset of what one request needs decides it the same way: the engine looks only at the
    consents naming the request's own subjects. Ids that do not exist are simply absent, so the
    decision says ``unknown-…``.
    """
    world = World()

    def add_production(production_id: str) -> None:
        if production_id in world.productions:
            return
        production = uow.productions.get(production_id)
        if production is not None:
            world.productions[production.id] = production
            if production.producer not in world.producers:
                producer = uow.producers.get(production.producer)
                if producer is not None:
                    world.producers[producer.id] = producer

    # replicas and performers in one query each, whatever the number of requests
    wanted = {r.replica for r in requests if r.replica is not None}
    for replica in uow.replicas.get_many(wanted):
        world.replicas[replica.id] = replica
    performer_ids: set[str] = {r.performer for r in world.replicas.values()}
    for request in requests:
        add_production(request.production)
        for named in (request.performer, request.resembles):
            if named is not None:
                performer_ids.add(named)
    for replica in world.replicas.values():
        if replica.made_in is not None:
            add_production(replica.made_in)
    for performer in uow.performers.get_many(performer_ids):
        world.performers[performer.id] = performer
    for consent in uow.consents.for_subjects(list(world.replicas), list(world.performers)):
        world.consents[consent.id] = consent
        for pid in consent.productions:
            add_production(pid)
    world.strikes.extend(uow.strikes.list())
    return world


def request_record(uow: UnitOfWork, request: Request, kind: RecordKind) -> Record:
    """What access to a decision or use on ``request`` depends on: the performer it is about,
    and the producer of its production when that producer is the one asking.

    A producer sees (and may ask about) a request only as the producer of its production:
    naming another producer's production, or asking in another producer's name, shows nothing.
    """
    producers = producers_of(uow, (request.production,)) & {request.producer}
    performer: str | None = request.performer or request.resembles
    if request.replica is not None:
        replica = uow.replicas.get(request.replica)
        performer = replica.performer if replica is not None else performer
    performers = frozenset() if performer is None else frozenset({performer})
    return Record(kind, request.id, performers, producers)


def _record_in(world: World, request: Request) -> Record:
    """:func:`request_record` of a decision, read from a loaded world."""
    production = world.productions.get(ProductionId(request.production))
    producers: frozenset[str] = frozenset()
    if production is not None and production.producer == request.producer:
        producers = frozenset({request.producer})
    performer: str | None = request.performer or request.resembles
    if request.replica is not None:
        replica = world.replicas.get(ReplicaId(request.replica))
        performer = replica.performer if replica is not None else performer
    performers = frozenset() if performer is None else frozenset({performer})
    return Record(RecordKind.DECISION, request.id, performers, producers)


def decide_requests(
    uow: UnitOfWork, principal: Principal, requests: Sequence[Request], *, deps: Collaborators
) -> list[Decision]:
    """Decide each of ``requests``, in order, with one engine over the world they touch.

    Every request is checked first: one the principal may not ask refuses the whole batch,
    before the engine runs (:class:`NotFoundError` / :class:`ForbiddenError` naming it).
    """
    world = load_requests_world(uow, requests)
    for i, request in enumerate(requests):
        require(
            principal,
            Action.DECIDE,
            _record_in(world, request),
            f"requests[{i}] ({request.id}): production {request.production!r} does not exist",
        )
    engine = deps.engine(world)
    return [engine.decide(request) for request in requests]


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
