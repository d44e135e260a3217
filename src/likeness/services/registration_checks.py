"""What registration refuses beyond the file format (issue #17: nothing silent): a birth or
death in the future, a replica whose ``made_in`` contradicts its kind (SPEC §2), and a consent
naming a production that is not registered or given by someone who is neither the performer,
one of their representatives nor the union (SPEC §2, §4.2).

These run in the use cases (registration, giving a consent), so the CLI and the API refuse
alike. Scenario files are judged in memory by the decision engine and never pass here: they may
hold consents given without authority on purpose, to test ``consent-not-authorized``.
"""

from __future__ import annotations

import datetime as dt

from likeness.domain.consents import WILDCARD, Consent
from likeness.domain.ids import UNION
from likeness.domain.performers import Performer
from likeness.domain.replicas import Replica, ReplicaKind
from likeness.domain.world import World
from likeness.errors import RecordInvalidError
from likeness.services.unit_of_work import UnitOfWork


def check_new_world(world: World, today: dt.date) -> None:
    """Refuse, naming the record and field, the first new performer born or dead after
    ``today`` and the first replica whose ``made_in`` contradicts its kind."""
    for performer in world.performers.values():
        check_new_performer(performer, today)
    for replica in world.replicas.values():
        check_new_replica(replica)


def check_new_performer(performer: Performer, today: dt.date) -> None:
    """Refuse a performer born or dead after ``today``."""
    for field, day in (("born", performer.born), ("died", performer.died)):
        if day is not None and day > today:
            raise RecordInvalidError(
                f"performer {performer.id}",
                field,
                day.isoformat(),
                f"a date not after today ({today})",
            )


def check_new_replica(replica: Replica) -> None:
    """Refuse a replica whose ``made_in`` contradicts its kind (SPEC §2)."""
    if replica.kind is ReplicaKind.INDEPENDENTLY_CREATED and replica.made_in is not None:
        raise RecordInvalidError(
            f"replica {replica.id}",
            "made_in",
            replica.made_in,
            "no made_in for an independently-created replica (made without the performer,"
            " in no production); use kind employment-based if it was made in one",
        )
    if replica.kind is ReplicaKind.EMPLOYMENT_BASED and replica.made_in is None:
        raise RecordInvalidError(
            f"replica {replica.id}",
            "made_in",
            None,
            "the production an employment-based replica was made in",
        )


def check_new_consent(uow: UnitOfWork, consent: Consent, performer: Performer | None) -> None:
    """Refuse a consent naming an unregistered production, or given by an id that is neither
    ``performer``, one of their representatives nor ``union`` (whether that party had
    authority on the day is the engine's ``consent-not-authorized``, not a refusal here)."""
    for production in consent.productions:
        if production != WILDCARD and uow.productions.get(production) is None:
            raise RecordInvalidError(
                f"consent {consent.id}",
                "productions",
                production,
                "the id of a registered production",
            )
    if performer is None:
        return
    parties = (performer.id, *(rep.id for rep in performer.representatives), UNION)
    if consent.given_by not in parties:
        raise RecordInvalidError(
            f"consent {consent.id}",
            "given_by",
            consent.given_by,
            f"who may consent for {performer.id}: {', '.join(parties)}",
        )
