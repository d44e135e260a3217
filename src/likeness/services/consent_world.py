"""The part of the registry a consent depends on: its subject, performer, productions and
the strikes; what SPEC §5 finds wrong with it there.

Used by the consent use cases (grant, revoke, suspend, answer a request) and for a consent's
standing on a date (:func:`standings`), so each judges a consent in the world the decision
engine would see.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from likeness.domain.consents import Consent
from likeness.domain.ids import ProductionId
from likeness.domain.performers import Performer
from likeness.domain.replicas import Replica
from likeness.domain.world import World
from likeness.errors import NotFoundError
from likeness.policy.standing import Standing, standing
from likeness.services.collaborators import Collaborators
from likeness.services.unit_of_work import UnitOfWork


def subject_of(
    uow: UnitOfWork, replica_id: str | None, performer_id: str | None, label: str
) -> tuple[Replica | None, Performer]:
    """The replica (when one is named) and the performer a consent or a consent request is
    about; :class:`NotFoundError` naming ``label`` when either is not registered."""
    replica = None
    if replica_id is not None:
        replica = uow.replicas.get(replica_id)
        if replica is None:
            raise NotFoundError(
                f"{label}: replica {replica_id!r} does not exist (expected a registered replica)"
            )
        performer_id = replica.performer
    performer = uow.performers.get(str(performer_id))
    if performer is None:
        raise NotFoundError(
            f"{label}: performer {performer_id!r} does not exist (expected a registered performer)"
        )
    return replica, performer


def world_for(uow: UnitOfWork, consent: Consent) -> World:
    """The slice of the registry a consent's validity and authority depend on (with every
    strike: a consent signed during one against its producer is invalid)."""
    world = World()
    replica, performer = subject_of(
        uow, consent.replica, consent.performer, f"consent {consent.id}"
    )
    if replica is not None:
        world.replicas[replica.id] = replica
    world.performers[performer.id] = performer
    for pid in consent.productions:
        production = uow.productions.get(pid)
        if production is not None:
            world.productions[ProductionId(pid)] = production
    world.strikes.extend(uow.strikes.list())
    return world


def consent_problems(uow: UnitOfWork, consent: Consent, *, deps: Collaborators) -> tuple[str, ...]:
    """SPEC §5 problems of ``consent`` under the rule sets of the productions it names."""
    engine = deps.engine(world_for(uow, consent))
    return engine.problems_of(consent)


def standings(
    uow: UnitOfWork, consents: Sequence[Consent], on: dt.date | None = None, *, deps: Collaborators
) -> list[Standing]:
    """The standing of each of ``consents`` on ``on`` (today by the installation's clock when
    None), judged by the decision engine over the registry as stored (SPEC §4.2, §5).

    The caller has already been allowed to see each consent (this reads, it decides no access).
    """
    day = on if on is not None else deps.clock().date()
    world = World()
    world.productions = {p.id: p for p in uow.productions.list()}
    replicas = uow.replicas.get_many({str(c.replica) for c in consents if c.replica is not None})
    world.replicas = {r.id: r for r in replicas}
    performers = {str(c.performer) for c in consents if c.performer is not None}
    performers |= {r.performer for r in replicas}
    world.performers = {p.id: p for p in uow.performers.get_many(performers)}
    world.strikes.extend(uow.strikes.list())
    engine = deps.engine(world)
    return [standing(engine, consent, day) for consent in consents]
